"""Where a batch's results go: a folder of JSON files and a Parquet table, or the vault.

Both are written by the coordinating process only. The folder sink writes each record's JSON
atomically (a temporary file renamed over the final name), so a run killed at any moment
leaves complete files or none; the Parquet summary is rebuilt from those files at the end of
every run (resumed runs included) and replaced the same way. The vault sink stores each
ECG as a new session through the import's own writer (``app.sessions.store_ecg_analysis``),
for the patient the file names or else the batch's own patient.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from workstation.app.ecg_result import StoredEcg
from workstation.batch.discovery import RecordFiles
from workstation.batch.jobs import Analysed, Refused, changed_while_running
from workstation.errors import InvalidRecording
from workstation.vault import Vault
from workstation.vault.files import atomic_write

DISCLAIMER = "For clinical review, not diagnosis."
RECORDS = "records"
SUMMARY = "summary.parquet"
LEDGER = "batch-ledger.jsonl"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FolderSink:
    """One JSON per record in ``out/records`` and ``out/summary.parquet``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.records = out / RECORDS
        self.records.mkdir(parents=True, exist_ok=True)
        for stale in self.records.glob(".*.tmp"):  # a write a killed run did not finish
            stale.unlink()

    @property
    def ledger_path(self) -> Path:
        return self.out / LEDGER

    def write(self, record: RecordFiles, outcome: Analysed | Refused, from_cache: bool) -> None:
        document: dict[str, Any] = {
            "record": record.name,
            "sha256": record.sha256,
            "status": "analysed" if isinstance(outcome, Analysed) else "refused",
            "from_cache": from_cache,
            "disclaimer": DISCLAIMER,
        }
        if isinstance(outcome, Analysed):
            document["analysis"] = outcome.result.to_json()
        else:
            document["reason"] = outcome.reason
        data = json.dumps(document, indent=1).encode()
        atomic_write(self.records / f"{_safe(record.name)}-{record.sha256[:12]}.json", data)

    def finish(self) -> Path:
        """The Parquet summary of every record in the folder (this run's and earlier ones)."""
        rows = [
            _summary_row(json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(self.records.glob("*.json"))
        ]
        table = pa.Table.from_pylist(rows, schema=_summary_schema())
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        path = self.out / SUMMARY
        atomic_write(path, buffer.getvalue())
        return path


class VaultSink:
    """Each analysed ECG as a new session of its patient, written in this process only."""

    def __init__(self, vault: Vault, batch_patient: str, batch_name: str) -> None:
        self.vault = vault
        self._batch = (batch_patient, batch_name)
        self._patients: dict[str, int] = {}

    @property
    def ledger_path(self) -> Path:
        database = self.vault.paths.database
        return database.with_name(database.name + "." + LEDGER)

    def write(self, record: RecordFiles, outcome: Analysed | Refused, from_cache: bool) -> None:
        """Store an analysed ECG; a refusal stores nothing (the summary lists it)."""
        from workstation.app.sessions import store_ecg_analysis
        from workstation.io import read_recording

        if not isinstance(outcome, Analysed):
            return
        # The signal is stored with its analysis; read here, as workers send results only.
        recording = read_recording(record.path)
        if recording.source_sha256 != record.sha256:
            raise InvalidRecording(record.path, changed_while_running(record.name))
        patient_id = self._patient(record.patient)
        session_id = self.vault.save_session(patient_id, recording)
        recording_id = self.vault.list_recordings(session_id)[-1].id
        store_ecg_analysis(
            self.vault, session_id, recording_id, outcome.result, outcome.attribution
        )

    def _patient(self, identifier: str | None) -> int:
        """The named patient (created when new), or the batch's patient."""
        identifier, name = (identifier, identifier) if identifier else self._batch
        if identifier not in self._patients:
            patient = self.vault.find_patient(identifier)
            if patient is None:
                patient = self.vault.add_patient(identifier, name)
            self._patients[identifier] = patient.id
        return self._patients[identifier]

    def finish(self) -> None:
        """Nothing to close: every session was committed as it was stored."""


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("_") or "record"


def _summary_schema() -> pa.Schema:
    number = pa.float64()
    return pa.schema(
        [
            ("record", pa.string()),
            ("sha256", pa.string()),
            ("status", pa.string()),
            ("reason", pa.string()),
            ("heart_rate_bpm", number),
            ("pr_ms", number),
            ("qrs_ms", number),
            ("qt_ms", number),
            ("qtc_bazett_ms", number),
            ("qtc_modified_ms", number),
            ("probability_abnormal", number),
            ("score_label", pa.string()),
            ("statements", pa.list_(pa.string())),
            ("device", pa.string()),
            ("from_cache", pa.bool_()),
        ]
    )


def _summary_row(document: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record": document["record"],
        "sha256": document["sha256"],
        "status": document["status"],
        "reason": document.get("reason"),
        "from_cache": bool(document.get("from_cache")),
    }
    if "analysis" in document:
        ecg = StoredEcg.from_json(document["analysis"])
        row |= {
            "heart_rate_bpm": ecg.heart_rate_bpm,
            "pr_ms": ecg.intervals.pr_ms,
            "qrs_ms": ecg.intervals.qrs_ms,
            "qt_ms": ecg.intervals.qt_ms,
            "qtc_bazett_ms": ecg.intervals.qtc_bazett_ms,
            "qtc_modified_ms": ecg.intervals.qtc_modified_ms,
            "probability_abnormal": None if ecg.score is None else ecg.score.probability_abnormal,
            "score_label": None if ecg.score is None else ecg.score.label,
            "statements": [str(s.get("text")) for s in ecg.statements],
            "device": ecg.device.removesuffix("ExecutionProvider"),
        }
    return row
