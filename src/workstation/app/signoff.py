"""Signing a session off: review, confirm the statements, sign (the session becomes REVIEWED).

``sign_off_sheet`` lists what the clinician is about to sign, the engine's statements apart
from the ones a clinician wrote, so the dialog can show them side by side; ``sign_off`` signs
it through ``Vault.sign_off_session``, which confirms the statements still unconfirmed, records
who signed which statements of which analysis and when, marks the session REVIEWED, and audits
it all in one transaction. It refuses, before anything is written, a review with unsaved
changes (what is signed must be what is stored) and a session whose stored analysis changed
since it was opened; the vault itself refuses a second sign-off and a non-clinician.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.app.progress import Progress
from workstation.app.sessions import OpenedSession, open_session
from workstation.errors import SignOffRefused
from workstation.reports.ecg_content import AUTOMATED, CLINICIAN_CODE
from workstation.vault import SessionStatus, Vault
from workstation.vault.kinds import AnalysisKind
from workstation.vault.sign_offs import SignedStatement, SignOff


@dataclass(frozen=True)
class SignOffSheet:
    """What a sign-off signs: the session's statements by who wrote them, and which of them
    are still unconfirmed (signing confirms them)."""

    session_id: int
    analysis_id: int | None
    automated: tuple[SignedStatement, ...]
    clinician: tuple[SignedStatement, ...]
    unconfirmed: tuple[str, ...]

    @property
    def statements(self) -> tuple[SignedStatement, ...]:
        return self.automated + self.clinician


@dataclass(frozen=True)
class SignedSession:
    """The sign-off as stored and the session reopened as it now is in the vault."""

    sign_off: SignOff
    opened: OpenedSession


def statement_source(statement: dict) -> str:
    """'clinician' for a statement a clinician typed or rewrote, else 'automated'."""
    return CLINICIAN_CODE if statement.get("code") == CLINICIAN_CODE else AUTOMATED


def sign_off_sheet(opened: OpenedSession) -> SignOffSheet:
    """The statements of the analysis on screen, as stored; a clinician's statement names
    its author (the statement's own, else the reviewer who saved that version)."""
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
    return SignOffSheet(
        opened.session.id,
        opened.analysis_id,
        tuple(s for s in signed if s.source == AUTOMATED),
        tuple(s for s in signed if s.source == CLINICIAN_CODE),
        tuple(dict.fromkeys(s.text for s in signed if s.text not in confirmed)),
    )


def sign_off(
    vault: Vault, opened: OpenedSession, unsaved_changes: bool, progress: Progress
) -> SignedSession:
    """Sign the opened session off as the signed-in clinician; the session as it now is.

    ``unsaved_changes``: whether the workspace holds edits not yet saved (they would not be
    part of what is signed, so the sign-off is refused until they are saved or discarded).
    """
    session_id = opened.session.id
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
    latest = [a.id for a in vault.list_analyses(session_id) if a.kind == AnalysisKind.ECG]
    if latest and latest[-1] != opened.analysis_id:
        raise SignOffRefused(
            f"Session {session_id} was changed since you opened it (a newer review is stored).",
            "Close the session and open it again, review what is stored, then sign off.",
        )
    sheet = sign_off_sheet(opened)
    progress.step(40, "Signing off…")
    signed = vault.sign_off_session(
        session_id, sheet.analysis_id, sheet.statements, sheet.unconfirmed
    )
    progress.step(70, "Reloading the signed session…")
    return SignedSession(signed, open_session(vault, session_id, progress))
