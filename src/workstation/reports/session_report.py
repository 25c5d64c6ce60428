"""A vault session's report: gather, build, store; exporting it is a separate, audited step.

The session's modality decides the report: ECG sessions get the 12-lead printout
(``ecg_report``), EEG sessions the EEG report (``eeg_report``), video sessions the
video-vitals report (``video_report``). Every read goes through the Vault API, so the audit
log shows who opened which session, recording and analysis to make the report, and
``save_report`` records its creation. The PDF never touches the disk until the user exports
it (``Vault.export_report``). Every report carries the session's sign-off (who marked it
REVIEWED, when) or says it is not signed off; the ECG report also lists the session's notes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from workstation.errors import ModelMissing, NothingToReport
from workstation.recording import Modality, Recording
from workstation.reports.ecg_content import (
    Confirmation,
    PatientHeader,
    Signature,
    SignOffText,
    format_time,
)
from workstation.reports.ecg_inputs import age_on, sex_text
from workstation.reports.ecg_report import EcgReport, build_ecg_report
from workstation.reports.settings import ReportSettings
from workstation.vault import Note, NoteKind, SessionStatus, Vault
from workstation.vault.entities import Analysis, Patient, SessionSummary
from workstation.vault.kinds import AnalysisKind

REPORT_TITLE = "12-lead ECG report"
EEG_REPORT_TITLE = "EEG report"
VIDEO_REPORT_TITLE = "Video vitals report"
#: The title a stored report gets, by session modality; none of them names the patient.
REPORT_TITLES = {
    Modality.ECG: REPORT_TITLE,
    Modality.EEG: EEG_REPORT_TITLE,
    Modality.VIDEO: VIDEO_REPORT_TITLE,
}


def report_title(modality: str) -> str:
    """The stored report's title for a session of this modality."""
    return REPORT_TITLES.get(_modality(modality), REPORT_TITLE)


def _modality(modality: str) -> Modality | str:
    try:
        return Modality(modality)
    except ValueError:
        return modality


def create_session_report(
    vault: Vault, session_id: int, settings: ReportSettings, now: datetime | None = None
) -> int:
    """Build the session's report (ECG, EEG or video vitals, by the session's modality),
    signed by the vault's user, and store it; its id."""
    session = vault.get_session(session_id)
    pdf = _report_pdf(vault, session, settings, now or datetime.now(UTC))
    return vault.save_report(session_id, report_title(session.modality), pdf)


def session_report_pdf(
    vault: Vault, session_id: int, settings: ReportSettings, now: datetime
) -> bytes:
    """The PDF of the session's latest stored analysis of its modality (``app.reports``
    makes sure there is one)."""
    return _report_pdf(vault, vault.get_session(session_id), settings, now)


def _report_pdf(
    vault: Vault, session: SessionSummary, settings: ReportSettings, now: datetime
) -> bytes:
    modality = _modality(session.modality)
    if modality == Modality.EEG:
        return _eeg_report_pdf(vault, session, settings, now)
    if modality == Modality.VIDEO:
        return _video_report_pdf(vault, session, settings, now)
    return _ecg_report_pdf(vault, session, settings, now)


def _ecg_report_pdf(
    vault: Vault, session: SessionSummary, settings: ReportSettings, now: datetime
) -> bytes:
    """The ECG report of the session's latest stored ECG analysis (``app.reports`` makes
    sure there is one, analysing the recording the way an import does)."""
    session_id = session.id
    patient = vault.get_patient(session.patient_id)
    recording_id, recording = _ecg_recording(vault, session_id)
    analysis_id, results = _ecg_analysis(vault, session_id, recording_id)
    recorded_on = (recording.start_time or now).date()
    user = vault.user
    notes = vault.list_notes(session_id)
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
        confirmations=_confirmations(notes, analysis_id),
        settings=settings,
        notes=[_line(n) for n in notes if n.kind == NoteKind.NOTE],
        sign_off=sign_off_text(vault, session, analysis_id),
    )
    return build_ecg_report(report)


def sign_off_text(vault: Vault, session: SessionSummary, analysis_id: int) -> SignOffText | None:
    """Who signed the session off and when, as the report prints it; None when not signed.

    A sign-off covers the analysis version it signed: when the report shows a later version
    (the review was changed and saved after the sign-off), it says so.
    """
    if session.status is SessionStatus.OPEN or not session.signed_by:
        return None
    signed = vault.get_sign_off(session.id)
    if signed is None:
        return None
    when = format_time(datetime.fromisoformat(signed.signed_at))
    earlier = signed.analysis_id is not None and signed.analysis_id != analysis_id
    return SignOffText(signed.signed_by, when, str(session.status), earlier)


def _line(note: Note) -> Confirmation:
    when = format_time(datetime.fromisoformat(note.created_at))
    return Confirmation(note.text, note.author, when)


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


def _confirmations(notes: list[Note], analysis_id: int) -> list[Confirmation]:
    """Statements clinicians confirmed for this analysis (or for the session as a whole)."""
    return [
        _line(note)
        for note in notes
        if note.kind == NoteKind.CONFIRMED_STATEMENT and note.analysis_id in (None, analysis_id)
    ]


def _patient_header(patient: Patient, recorded_on: date) -> PatientHeader:
    return PatientHeader(
        patient.identifier,
        patient.name,
        sex_text(patient.sex),
        age_on(patient.birth_date, recorded_on),
    )


def _signature(vault: Vault, now: datetime) -> Signature:
    user = vault.user
    return Signature(user.username, str(user.role), True, now)


def _latest(vault: Vault, session_id: int, kind: AnalysisKind) -> tuple[int, Analysis] | None:
    ids = [a.id for a in vault.list_analyses(session_id) if a.kind == kind]
    return (ids[-1], vault.load_analysis(ids[-1])) if ids else None


def _eeg_report_pdf(
    vault: Vault, session: SessionSummary, settings: ReportSettings, now: datetime
) -> bytes:
    """The EEG report of the session's latest stored "eeg" analysis and its recording."""
    from workstation.reports.eeg_report import EegReport, build_eeg_report
    from workstation.reports.session_parts import NoAnalysisToReport, review_from_notes

    infos = vault.list_recordings(session.id)
    if not infos:
        raise NoAnalysisToReport(
            f"EEG session {session.id} holds no recording to report on.",
            "Import the EEG file again as a new session, then make the report.",
        )
    stored = _latest(vault, session.id, AnalysisKind.EEG)
    if stored is None or "trends" not in stored[1].results:
        what = "has no EEG analysis" if stored is None else "holds only annotations so far"
        raise NoAnalysisToReport(
            f"EEG session {session.id} {what}: the report needs the stored trends and "
            "detector results.",
            "Open the session in the workstation and let the EEG analysis finish (it is "
            "stored with the session), then make the report again.",
        )
    analysis_id, analysis = stored
    recording_id = analysis.recording_id or infos[-1].id
    recording = vault.load_recording(recording_id)
    patient = vault.get_patient(session.patient_id)
    recorded_on = (recording.start_time or now).date()
    results = dict(analysis.results)
    report = EegReport(
        recording=recording,
        analysis=results,
        arrays=dict(analysis.arrays),
        patient=_patient_header(patient, recorded_on),
        signature=_signature(vault, now),
        review=review_from_notes(
            session.status,
            vault.list_notes(session.id),
            analysis_id,
            sign_off_text(vault, session, analysis_id),
        ),
        model_card=_model_card(results.get("model") or {}),
        settings=settings,
    )
    return build_eeg_report(report)


def _model_card(model: dict[str, Any]) -> dict[str, Any] | None:
    """The installed card of the model an analysis names, or None when it is not installed."""
    from workstation.inference.cards import read_card

    name = str(model.get("name") or "")
    if not name:
        return None
    try:
        return read_card(name)
    except (ModelMissing, ValueError, OSError):
        return None


def _video_report_pdf(
    vault: Vault, session: SessionSummary, settings: ReportSettings, now: datetime
) -> bytes:
    """The video-vitals report of the session's latest stored "video" analysis."""
    from workstation.reports.session_parts import NoAnalysisToReport, review_from_notes
    from workstation.reports.video_report import VideoReport, build_video_report

    stored = _latest(vault, session.id, AnalysisKind.VIDEO)
    if stored is None:
        raise NoAnalysisToReport(
            f"Video session {session.id} has no stored video-vitals result to report on.",
            "Measure the video again and save it as a new session, then make the report.",
        )
    analysis_id, analysis = stored
    patient = vault.get_patient(session.patient_id)
    created = datetime.fromisoformat(session.created_at)
    report = VideoReport(
        analysis=dict(analysis.results),
        arrays=dict(analysis.arrays),
        patient=_patient_header(patient, created.date()),
        signature=_signature(vault, now),
        recorded=f"{format_time(created)} (session saved)",
        review=review_from_notes(
            session.status,
            vault.list_notes(session.id),
            analysis_id,
            sign_off_text(vault, session, analysis_id),
        ),
        settings=settings,
    )
    return build_video_report(report)
