"""The coordinator: find the records, skip what is finished, serve the cache, dispatch the
rest, and write every outcome as it arrives.

This process is the only one that holds the unlocked vault. Workers get a path and return
an outcome; the coordinator writes it (sink), then marks it finished (ledger), in that order,
so a record whose result was not written is never marked, and a killed run redoes at most
the records that were in flight. Records with the same bytes as one already seen in the run
are analysed once.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from workstation import __version__
from workstation.app.prediction_cache import (
    cached_result,
    ecg_cache_key,
    ecg_models,
    keep_result,
    models_sha256,
    record_runs,
)
from workstation.batch.discovery import RecordFiles, discover
from workstation.batch.engines import EngineChoice, run_tasks
from workstation.batch.jobs import Analysed, Failed, Outcome, Refused, Task
from workstation.batch.ledger import Ledger
from workstation.batch.sinks import FolderSink, VaultSink
from workstation.errors import RecordingError
from workstation.vault import ModelInfo, Vault, run_log


@dataclass
class BatchSummary:
    """What a run did, for the closing summary and the performance panel."""

    engine: str
    found: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    analysed: int = 0
    cached: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    done_before: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    @property
    def processed(self) -> int:
        return self.analysed + self.cached + len(self.refused) + len(self.failed)

    @property
    def records_per_s(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every record was analysed or refused with a reason, 1 when any failed."""
        return 1 if self.failed else 0


def run_batch(
    roots: Sequence[Path],
    choice: EngineChoice,
    sink: FolderSink | VaultSink,
    *,
    redo: bool = False,
    show_progress: bool = True,
) -> BatchSummary:
    """Analyse every record under ``roots`` not finished by an earlier run (all with ``redo``)."""
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    summary = BatchSummary(choice.describe())
    found = discover(roots)
    summary.found, summary.skipped = len(found.records), found.skipped_reasons()
    models = ecg_models()
    ledger = Ledger(sink.ledger_path, f"{__version__}|{models_sha256(models)}")
    todo = _to_do(found.records, ledger, redo, summary)
    vault = sink.vault if isinstance(sink, VaultSink) else None
    bar = tqdm(total=len(todo), file=sys.stderr, unit="record", disable=not show_progress)
    try:
        tasks = []
        for record in todo:
            if vault is not None and _served_from_cache(
                vault, record, models, sink, ledger, summary
            ):
                bar.update()
                continue
            tasks.append(Task(record.name, record.path, record.sha256))
        by_sha = {r.sha256: r for r in todo}
        with closing(run_tasks(tasks, choice)) as outcomes:  # stops the workers on an error
            for outcome in outcomes:
                _finish(outcome, by_sha[outcome.sha256], sink, ledger, models, summary)
                bar.update()
                bar.set_postfix(failed=len(summary.failed), refresh=False)
    finally:
        bar.close()
        sink.finish()
        summary.seconds = time.perf_counter() - started
        if vault is not None:
            run_log.add_batch_job(vault, _job(summary, choice, started_at))
    return summary


def _to_do(
    records: list[RecordFiles], ledger: Ledger, redo: bool, summary: BatchSummary
) -> list[RecordFiles]:
    todo, seen = [], set()
    for record in records:
        if record.sha256 in seen:
            summary.duplicates += 1
        elif not redo and ledger.is_done(record.sha256):
            summary.done_before += 1
        else:
            todo.append(record)
        seen.add(record.sha256)
    return todo


def _served_from_cache(
    vault: Vault,
    record: RecordFiles,
    models: tuple[ModelInfo, ...],
    sink: VaultSink,
    ledger: Ledger,
    summary: BatchSummary,
) -> bool:
    """Store a cached analysis of the record; False when the cache has none."""
    started = time.perf_counter()
    hit = cached_result(vault, ecg_cache_key(record.sha256, models))
    if hit is None:
        return False
    result, attribution = hit
    ms = (time.perf_counter() - started) * 1000.0
    outcome = Analysed(record.name, record.sha256, result, attribution, ms)
    if _written(sink, record, outcome, True, summary):
        record_runs(vault, [(result, ms, True)])
        summary.cached += 1
        ledger.mark(record.sha256, "analysed")
    return True


def _written(
    sink: FolderSink | VaultSink,
    record: RecordFiles,
    outcome: Analysed | Refused,
    from_cache: bool,
    summary: BatchSummary,
) -> bool:
    """Write the outcome; False (and the record refused, not finished) when its file changed
    after it was found, so the next run takes it up again."""
    try:
        sink.write(record, outcome, from_cache)
    except RecordingError as error:
        summary.refused.append((record.name, str(error)))
        return False
    return True


def _finish(
    outcome: Outcome,
    record: RecordFiles,
    sink: FolderSink | VaultSink,
    ledger: Ledger,
    models: tuple[ModelInfo, ...],
    summary: BatchSummary,
) -> None:
    if isinstance(outcome, Failed):
        summary.failed.append((record.name, outcome.reason))
        return
    if not _written(sink, record, outcome, False, summary):
        return
    if isinstance(outcome, Refused):
        summary.refused.append((record.name, outcome.reason))
        ledger.mark(record.sha256, "refused")
        return
    if isinstance(sink, VaultSink):
        key = ecg_cache_key(record.sha256, models)
        keep_result(sink.vault, key, models, outcome.result, outcome.attribution)
        record_runs(sink.vault, [(outcome.result, outcome.ms, False)])
    summary.analysed += 1
    ledger.mark(record.sha256, "analysed")


def _job(summary: BatchSummary, choice: EngineChoice, started_at: str) -> run_log.BatchJob:
    return run_log.BatchJob(
        started_at,
        summary.engine,
        choice.workers,
        summary.found,
        summary.analysed,
        summary.cached,
        len(summary.refused),
        len(summary.failed),
        summary.seconds,
    )
