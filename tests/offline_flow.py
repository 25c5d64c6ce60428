"""The end-to-end path a ward runs, as one function: import, analyse, save, report, export.

tests/test_offline.py runs it in a network namespace without interfaces and again in-process
with sockets refused. Run directly: ``python tests/offline_flow.py RECORD FOLDER`` prints JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workstation.app.progress import Progress
from workstation.app.sessions import import_recording
from workstation.reports import ReportSettings
from workstation.reports.session_report import create_session_report
from workstation.vault import Vault
from workstation.vault.keyslots import Argon2Params

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


def store_ecg_session(vault: Vault, record: Path) -> tuple[int, dict]:
    """Import ``record`` for a new patient through the app's own use case; the session id
    and the stored analysis."""
    patient = vault.add_patient("MRN-OFFLINE-1", "Offline Testpatient", "F")
    opened = import_recording(vault, patient.id, record, Progress())
    return opened.session.id, opened.result.to_json()


def run_flow(record: Path, folder: Path) -> dict:
    vault, _ = Vault.create(folder / "vault.db", "admin", "offline ward password", kdf=FAST_KDF)
    try:
        session_id, analysis = store_ecg_session(vault, record)
        report_id = create_session_report(vault, session_id, ReportSettings("Offline Ward"))
        pdf = vault.export_report(report_id, folder / "report.pdf")
        report = vault.verify()
    finally:
        vault.close()
    return {
        "heart_rate_bpm": analysis["heart_rate_bpm"],
        "device": analysis["device"],
        "pdf_bytes": pdf.stat().st_size,
        "pdf_header": pdf.read_bytes()[:5].decode("ascii"),
        "audit_rows": report.audit_rows,
    }


if __name__ == "__main__":
    print(json.dumps(run_flow(Path(sys.argv[1]), Path(sys.argv[2]))))
