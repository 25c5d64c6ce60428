"""A vault session's ECG report: gather, build, store; exporting it is a separate, audited step.

Every read goes through the Vault API, so the audit log shows who opened which session,
recording and analysis to make the report, and ``save_report`` records its creation. The PDF
never touches the disk until the user exports it (``Vault.export_report``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from workstation.errors import NothingToReport
from workstation.recording import Modality, Recording
from workstation.reports.ecg_content import Confirmation, PatientHeader, Signature, format_time
from workstation.reports.ecg_inputs import age_on, sex_text
from workstation.reports.ecg_report import EcgReport, build_ecg_report
from workstation.reports.settings import ReportSettings
from workstation.vault import NoteKind, Vault
from workstation.vault.kinds import AnalysisKind

REPORT_TITLE = "12-lead ECG report"


def create_session_report(
    vault: Vault, session_id: int, settings: ReportSettings, now: datetime | None = None
) -> int:
    """Build the session's ECG report, signed by the vault's user, and store it; its id."""
    pdf = session_report_pdf(vault, session_id, settings, now or datetime.now(UTC))
    return vault.save_report(session_id, REPORT_TITLE, pdf)


def session_report_pdf(
    vault: Vault, session_id: int, settings: ReportSettings, now: datetime
) -> bytes:
    """The PDF of the session's latest stored ECG analysis (``app.reports`` makes sure there
    is one, analysing the recording the way an import does)."""
    session = vault.get_session(session_id)
    patient = vault.get_patient(session.patient_id)
    recording_id, recording = _ecg_recording(vault, session_id)
    analysis_id, results = _ecg_analysis(vault, session_id, recording_id)
    recorded_on = (recording.start_time or now).date()
    user = vault.user
    report = EcgReport(
        recording=recording,
        analysis=results,
        patient=PatientHeader(
            patient.identifier,
            patient.name,
            sex_text(patient.sex),
            age_on(patient.birth_date, recorded_on),
        ),
        signature=Signature(user.username, str(user.role), True, now),
        confirmations=confirmations(vault, session_id, analysis_id),
        settings=settings,
    )
    return build_ecg_report(report)


def _ecg_recording(vault: Vault, session_id: int) -> tuple[int, Recording]:
    infos = [r for r in vault.list_recordings(session_id) if r.modality == Modality.ECG]
    if not infos:
        raise NothingToReport(f"Session {session_id} holds no ECG recording to report on.")
    return infos[-1].id, vault.load_recording(infos[-1].id)


def _ecg_analysis(vault: Vault, session_id: int, recording_id: int) -> tuple[int, dict[str, Any]]:
    """The latest stored ECG analysis of that recording."""
    stored = [
        a
        for a in vault.list_analyses(session_id)
        if a.kind == AnalysisKind.ECG and a.recording_id in (None, recording_id)
    ]
    if not stored:
        raise NothingToReport(
            f"Session {session_id} has no ECG analysis yet: open it in the workstation (or "
            "import the recording again) so that it is analysed, then make the report."
        )
    return stored[-1].id, dict(vault.load_analysis(stored[-1].id).results)


def confirmations(vault: Vault, session_id: int, analysis_id: int) -> list[Confirmation]:
    """Statements clinicians confirmed for this analysis (or for the session as a whole)."""
    return [
        Confirmation(note.text, note.author, format_time(datetime.fromisoformat(note.created_at)))
        for note in vault.list_notes(session_id)
        if note.kind == NoteKind.CONFIRMED_STATEMENT and note.analysis_id in (None, analysis_id)
    ]
