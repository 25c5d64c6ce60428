"""The vault sink: results stored by the coordinator only, the cache serving a repeated run,
and the timing rows the performance panel reads."""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

import pytest
from conftest import copy_ludb

from workstation.app.performance import performance_report
from workstation.batch import runner
from workstation.batch.engines import EngineChoice
from workstation.batch.jobs import analyse_record
from workstation.batch.runner import run_batch
from workstation.batch.sinks import VaultSink
from workstation.vault import Vault
from workstation.vault.kinds import AnalysisKind


def _ecg_sessions(vault: Vault, identifier: str) -> list[int]:
    patient = vault.find_patient(identifier)
    assert patient is not None
    sessions = [s.id for s in vault.list_sessions(patient.id)]
    for session in sessions:
        kinds = [a.kind for a in vault.list_analyses(session)]
        assert kinds == [AnalysisKind.ECG]
    return sessions


def test_vault_sink_stores_in_the_coordinator_and_a_repeat_is_served_from_cache(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "archive"
    copy_ludb(archive, [1, 2])
    sent = []
    real_run_tasks = runner.run_tasks

    def record_tasks(tasks, choice):
        sent.extend(tasks)
        return real_run_tasks(tasks, choice)

    monkeypatch.setattr(runner, "run_tasks", record_tasks)
    sink = VaultSink(vault, "BATCH-TEST", "Batch, test")
    local = EngineChoice("local", 1)

    first = run_batch([archive], local, sink, show_progress=False)

    assert (first.analysed, first.cached, first.failed) == (2, 0, [])
    assert len(_ecg_sessions(vault, "BATCH-TEST")) == 2
    # What went to the workers: a path and names, picklable, with no vault and no key in it.
    assert len(sent) == 2
    assert list(inspect.signature(analyse_record).parameters) == ["task"]
    key = bytes(vault._key)
    for task in sent:
        payload = pickle.dumps(task)
        assert key not in payload and key.hex().encode() not in payload
        assert b"Vault" not in payload

    again = run_batch([archive], local, sink, redo=True, show_progress=False)

    assert (again.analysed, again.cached) == (0, 2)
    assert len(sent) == 2  # nothing dispatched: the coordinator served both from the cache
    assert len(_ecg_sessions(vault, "BATCH-TEST")) == 4

    resumed = run_batch([archive], local, sink, show_progress=False)
    assert (resumed.done_before, resumed.analysed, resumed.cached) == (2, 0, 0)

    report = performance_report(vault)
    assert (report.analyses, report.cache_hits, report.cache_hit_rate) == (4, 2, 0.5)
    (latency,) = report.latencies
    assert latency.runs == 2 and latency.device == "CPU"
    assert latency.models.startswith("ecg-segmentation")
    assert 0 < latency.p50_ms <= latency.p95_ms
    assert [j.cached for j in report.batch_jobs] == [0, 2, 0]
