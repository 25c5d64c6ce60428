"""Signing a session off: review, confirm the findings, sign (the session becomes REVIEWED).

One sign-off for every reviewed modality. A ``SignOffSheet`` lists what the clinician is
about to sign, built from what the session's tab shows: the engine's findings (the ECG
interpretation statements, the EEG detector's events, the video-vitals measurements) apart
from what clinicians wrote (their statements, notes and annotations, with their author).
``sign_off`` signs it through ``Vault.sign_off_session``, which confirms the findings still
unconfirmed, records who signed which findings of which analysis and when, marks the session
REVIEWED, and audits it all in one transaction. It refuses, before anything is written, a
review with unsaved changes (what is signed must be what is stored) and a session whose
stored analysis changed since it was shown; the vault itself refuses a second sign-off and a
non-clinician.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workstation.app.eeg_review import RECORDING_AUTHOR, StoredEeg, stored_eeg
from workstation.app.progress import Progress
from workstation.app.sessions import OpenedSession, open_session
from workstation.app.video_sessions import SavedVideo
from workstation.errors import SignOffRefused
from workstation.recording import Modality
from workstation.reports.ecg_content import AUTOMATED, CLINICIAN_CODE
from workstation.reports.eeg_content import channels_text, clock_text, highest_probability
from workstation.reports.eeg_content import threshold as detector_threshold
from workstation.reports.video_report import heart_rate_text, hrv_rows
from workstation.vault import Patient, SessionStatus, SessionSummary, Vault
from workstation.vault.kinds import AnalysisKind
from workstation.vault.sign_offs import ANNOTATION, NOTE, SignedStatement, SignOff

#: The analysis a session of each modality is reviewed on (what a sign-off signs).
REVIEWED_KIND = {
    Modality.ECG: AnalysisKind.ECG,
    Modality.EEG: AnalysisKind.EEG,
    Modality.VIDEO: AnalysisKind.VIDEO,
}


@dataclass(frozen=True)
class SignOffSheet:
    """What a sign-off signs: the engine's findings, the clinicians' statements, their notes
    and annotations, and which findings and statements are still unconfirmed (signing
    confirms them).

    ``analysis_id`` is the analysis version shown; None when the tab does not know it (the
    EEG viewer), in which case the latest stored version must say what the sheet says.
    ``session`` is the session as the tab knows it (None where the tab holds only its id).
    """

    session_id: int
    modality: Modality
    patient: Patient
    source: str  # the recording's (or video's) name, as the dialog's header shows it
    analysis_id: int | None
    automated: tuple[SignedStatement, ...]
    clinician: tuple[SignedStatement, ...]
    unconfirmed: tuple[str, ...]
    notes: tuple[SignedStatement, ...] = ()
    session: SessionSummary | None = None
    recorded: datetime | None = None  # the recording's start (EEG times say the clock time)

    @property
    def statements(self) -> tuple[SignedStatement, ...]:
        """Everything signed, as the sign-off record keeps it."""
        return self.automated + self.clinician + self.notes


@dataclass(frozen=True)
class SignedSession:
    """The sign-off as stored and, for an ECG, the session reopened as it now is."""

    sign_off: SignOff
    opened: OpenedSession | None


def statement_source(statement: dict) -> str:
    """'clinician' for a statement a clinician typed or rewrote, else 'automated'."""
    return CLINICIAN_CODE if statement.get("code") == CLINICIAN_CODE else AUTOMATED


def sign_off_sheet(opened: OpenedSession) -> SignOffSheet:
    """An ECG session's sheet: the statements of the analysis on screen, as stored, and the
    clinicians' notes and annotations; a clinician's statement names its author (the
    statement's own, else the reviewer who saved that version)."""
    result = opened.result
    statements = result.statements if result is not None else ()
    reviewer = (result.reviewed_by if result is not None else None) or ""
    signed = [
        SignedStatement(
            str(s.get("text", "")),
            statement_source(s),
            str(s.get("author") or reviewer) if statement_source(s) == CLINICIAN_CODE else "",
        )
        for s in statements
    ]
    confirmed = {n.text for n in opened.confirmations}
    recorded = opened.recording.start_time
    annotations = tuple(
        SignedStatement(
            f"{clock_text(float(a['onset']), recorded)}: {a.get('label', '')}"
            + (f" (lead {a['lead']})" if a.get("lead") else ""),
            ANNOTATION,
            str(a.get("author") or reviewer),
        )
        for a in (result.clinician_annotations if result is not None else ())
    )
    return SignOffSheet(
        opened.session.id,
        Modality(opened.session.modality),
        opened.patient,
        opened.recording.source_name,
        opened.analysis_id,
        tuple(s for s in signed if s.source == AUTOMATED),
        tuple(s for s in signed if s.source == CLINICIAN_CODE),
        tuple(dict.fromkeys(s.text for s in signed if s.text not in confirmed)),
        tuple(SignedStatement(n.text, NOTE, n.author) for n in opened.notes) + annotations,
        opened.session,
        recorded,
    )


def eeg_findings(
    stored: StoredEeg, recorded: datetime | None
) -> tuple[tuple[SignedStatement, ...], tuple[SignedStatement, ...]]:
    """An EEG review's findings (the detector's events, as the report groups them) and the
    reviewers' annotations (the file's own annotations are not a clinician's)."""
    summary = stored.summary
    if "detector" not in summary:
        findings = ["Seizure-like-activity detector: not run for this analysis."]
    else:
        events = stored.events()
        findings = [
            f"Seizure-like activity flagged {clock_text(e.start_s, recorded)} to "
            f"{clock_text(e.end_s, recorded)}: peak probability {e.peak.probability:.2f} "
            f"({channels_text(e.peak.top_channels)})"
            for e in events
        ] or [
            "No seizure-like activity flagged (threshold "
            f"{detector_threshold(summary):.2f}; highest window {highest_probability(summary)})."
        ]
    annotations = tuple(
        SignedStatement(
            f"{clock_text(m.onset, recorded)}"
            + (f", {m.duration:.1f} s" if m.duration else "")
            + f": {m.label}"
            + (f" ({m.channel})" if m.channel else ""),
            ANNOTATION,
            m.author,
        )
        for m in sorted(stored.marks, key=lambda m: m.onset)
        if m.author != RECORDING_AUTHOR
    )
    return tuple(SignedStatement(text, AUTOMATED) for text in findings), annotations


def eeg_sign_off_sheet(
    session_id: int,
    patient: Patient,
    source: str,
    recorded: datetime | None,
    stored: StoredEeg,
) -> SignOffSheet:
    """An EEG session's sheet, from the review the viewer shows (stored with the session);
    signing confirms the detector's findings."""
    automated, annotations = eeg_findings(stored, recorded)
    return SignOffSheet(
        session_id,
        Modality.EEG,
        patient,
        source,
        None,
        automated,
        (),
        tuple(s.text for s in automated),
        annotations,
        recorded=recorded,
    )


def video_findings(results: Mapping[str, Any]) -> tuple[SignedStatement, ...]:
    """The video-vitals engine's measurements as the report states them."""
    hrv = hrv_rows(results.get("hrv"))  # rows, or the engine's reason, which names HRV
    hrv_text = hrv if isinstance(hrv, str) else "HRV: " + "; ".join(f"{k} {v}" for k, v in hrv)
    return (
        SignedStatement(heart_rate_text(results), AUTOMATED),
        SignedStatement(hrv_text, AUTOMATED),
    )


def video_sign_off_sheet(saved: SavedVideo) -> SignOffSheet:
    """A stored video-vitals session's sheet; signing confirms the measurements."""
    automated = video_findings(saved.results)
    return SignOffSheet(
        saved.session.id,
        Modality.VIDEO,
        saved.patient,
        str(saved.results.get("source") or "video"),
        saved.analysis_id,
        automated,
        (),
        tuple(s.text for s in automated),
        session=saved.session,
    )


def sign_off(
    vault: Vault, shown: OpenedSession | SignOffSheet, unsaved_changes: bool, progress: Progress
) -> SignedSession:
    """Sign the session shown off as the signed-in clinician; the sign-off (and an ECG
    session reopened as it now is).

    ``shown``: the sheet the clinician reviewed (an opened ECG session stands for its own).
    ``unsaved_changes``: whether the tab holds edits not yet saved (they would not be part
    of what is signed, so the sign-off is refused until they are saved or discarded).
    """
    sheet = sign_off_sheet(shown) if isinstance(shown, OpenedSession) else shown
    session_id = sheet.session_id
    if unsaved_changes:
        raise SignOffRefused(
            f"Session {session_id} has unsaved changes: a sign-off signs what is stored.",
            "Save the review (Ctrl+S), then sign off.",
        )
    progress.step(10, "Checking the stored session…")
    session = vault.get_session(session_id)
    if session.status is not SessionStatus.OPEN:
        by = f" by {session.signed_by}" if session.signed_by else ""
        raise SignOffRefused(
            f"Session {session_id} is already {session.status}{by}.",
            "A signed-off session is not signed again; its report carries the sign-off.",
        )
    analysis_id = _stored_as_shown(vault, sheet)
    progress.step(40, "Signing off…")
    signed = vault.sign_off_session(session_id, analysis_id, sheet.statements, sheet.unconfirmed)
    if sheet.modality is not Modality.ECG:
        return SignedSession(signed, None)
    progress.step(70, "Reloading the signed session…")
    return SignedSession(signed, open_session(vault, session_id, progress))


def _stored_as_shown(vault: Vault, sheet: SignOffSheet) -> int | None:
    """The analysis version signed: the latest stored of the session's kind, refused when it
    is not the one shown (by its id, or by what it says where the tab does not know it)."""
    kind = REVIEWED_KIND.get(sheet.modality)
    latest = [a.id for a in vault.list_analyses(sheet.session_id) if a.kind == kind]
    if not latest and sheet.modality is Modality.ECG:
        return sheet.analysis_id  # an ECG the engine could not analyse: its recording
    if not latest:
        raise SignOffRefused(
            f"Session {sheet.session_id} has no stored analysis to sign.",
            "Let the analysis finish (it is stored with the session), then sign off.",
        )
    changed = sheet.analysis_id is not None and latest[-1] != sheet.analysis_id
    if sheet.analysis_id is None and sheet.modality is Modality.EEG:
        automated, annotations = eeg_findings(stored_eeg(vault, latest[-1]), sheet.recorded)
        changed = (automated, annotations) != (sheet.automated, sheet.notes)
    if changed:
        raise SignOffRefused(
            f"Session {sheet.session_id} was changed since you opened it (a newer review is "
            "stored).",
            "Close the session and open it again, review what is stored, then sign off.",
        )
    return latest[-1]
