"""The clinical records behind the vault API: patients, sessions, recordings, analyses,
notes and reports. Clinicians and administrators alike may use all of it; every call is audited,
and every write's audit row carries the content hash of the row it wrote (content.py).

A clinician signs a session off (``sign_off_session``): the statements they confirm, the
session marked REVIEWED and who signed it when (sign_offs.py) commit together with their audit
rows. An exported report is signed with the exporting user's own key (``sign_report``).

Exports create their file readable by its owner only (``files.create_private_file``): what
leaves the vault is outside its encryption from then on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from workstation.errors import SignOffRefused, VaultError
from workstation.recording import Modality, Recording
from workstation.vault import sign_offs
from workstation.vault.access import VaultAccess
from workstation.vault.accounts import Role
from workstation.vault.audit import KEY_ACTIONS, Action, Outcome
from workstation.vault.entities import (
    Analysis,
    AnalysisInfo,
    Note,
    NoteKind,
    Patient,
    RecordingInfo,
    ReportInfo,
    SessionStatus,
    SessionSummary,
)
from workstation.vault.files import create_private_file, reported_as_vault_error
from workstation.vault.sign_offs import SignedStatement, SignOff
from workstation.vault.signing import DetachedSignature, key_in_detail, sign_document
from workstation.vault.store import Store

#: Who writes a row and when: the keyword arguments every Store write takes.
Stamp = dict[str, str]


class ClinicalRecords(VaultAccess):
    """The clinical data API: each write and its audit row commit together."""

    def add_patient(
        self, identifier: str, name: str, sex: str = "", birth_date: date | None = None
    ) -> Patient:
        with self._writing() as store:
            if store.find_patient(identifier) is not None:
                raise VaultError(
                    "A patient with this identifier is already in the vault.",
                    "Open the existing patient instead of creating a new one.",
                )
            patient = store.add_patient(
                identifier, name, sex, birth_date, actor=self.user.username, now=self._now()
            )
            self._audit(store, Action.EDIT, f"patient:{patient.id}", detail="patient created")
        return patient

    def get_patient(self, patient_id: int) -> Patient:
        return self._audited_read(
            Action.OPEN, f"patient:{patient_id}", lambda store: store.patient(patient_id)
        )

    def find_patient(self, identifier: str) -> Patient | None:
        """Look a patient up by identifier (audited without the identifier)."""
        return self._audited_read(
            Action.OPEN, "patient:by-identifier", lambda store: store.find_patient(identifier)
        )

    def list_patients(self) -> list[Patient]:
        return self._audited_read(Action.LIST, "patients", lambda store: store.patients())

    def _create(
        self,
        kind: str,
        write: Callable[[Store, Stamp], int],
        detail: str,
        action: Action = Action.EDIT,
    ) -> int:
        """Run ``write`` (which returns the new row's id) and audit ``kind:id`` with it."""
        with self._writing() as store:
            new_id = write(store, {"actor": self.user.username, "now": self._now()})
            self._audit(store, action, f"{kind}:{new_id}", detail=detail)
        return new_id

    def create_session(self, patient_id: int, modality: Modality | str) -> int:
        return self._create(
            "session",
            lambda store, stamp: store.add_session(patient_id, Modality(modality), **stamp),
            f"session created for patient:{patient_id}",
        )

    def save_session(
        self, patient_id: int, recording: Recording, modality: Modality | str | None = None
    ) -> int:
        """A new session holding one recording, in one transaction; durable when it returns."""
        with self._writing() as store:
            now = self._now()
            session_id = store.add_session(
                patient_id,
                Modality(modality or recording.modality),
                actor=self.user.username,
                now=now,
            )
            recording_id = store.add_recording(
                session_id, recording, actor=self.user.username, now=now
            )
            self._audit(
                store,
                Action.EDIT,
                f"session:{session_id}",
                detail=f"session created for patient:{patient_id} with recording:{recording_id}",
            )
            self._audit(
                store,
                Action.EDIT,
                f"recording:{recording_id}",
                detail=f"added to session:{session_id}",
            )
        return session_id

    def add_recording(self, session_id: int, recording: Recording) -> int:
        return self._create(
            "recording",
            lambda store, stamp: store.add_recording(session_id, recording, **stamp),
            f"added to session:{session_id}",
        )

    def list_sessions(self, patient_id: int | None = None) -> list[SessionSummary]:
        target = "sessions" if patient_id is None else f"patient:{patient_id}"
        return self._audited_read(
            Action.LIST,
            target,
            lambda store: sign_offs.with_signers(store, store.sessions(patient_id)),
        )

    def get_session(self, session_id: int) -> SessionSummary:
        return self._audited_read(
            Action.OPEN,
            f"session:{session_id}",
            lambda store: sign_offs.with_signers(store, [store.session(session_id)])[0],
        )

    def set_session_status(self, session_id: int, status: SessionStatus | str) -> None:
        status = SessionStatus(status)
        with self._writing() as store:
            store.set_session_status(session_id, status)
            self._audit(store, Action.EDIT, f"session:{session_id}", detail=f"status {status}")

    # Sign-off ----------------------------------------------------------------------------

    def sign_off_session(
        self,
        session_id: int,
        analysis_id: int | None,
        statements: Sequence[SignedStatement],
        confirm: Sequence[str] = (),
    ) -> SignOff:
        """Sign the session off as the signed-in clinician: confirm the statements in
        ``confirm`` (not yet confirmed), record who signed which ``statements`` of which
        analysis, and mark the session REVIEWED, all in one transaction with its audit rows.

        Only a clinician may sign off (an administrator account manages the vault; it does not
        interpret recordings); a session is signed off once. Refusals are audited as denied.
        """
        target = f"session:{session_id}"
        user = self.user
        if user.role is not Role.CLINICIAN:
            self._record(Action.EDIT, target, Outcome.DENIED, "sign-off needs the clinician role")
            raise SignOffRefused(
                f"User '{user.username}' ({user.role}) may not sign off a session: signing off "
                "an interpretation needs a clinician account.",
                "Sign in with your clinician account to sign it off.",
            )
        try:
            with self._writing() as store:
                sign_offs.ensure_table(store)
                self._refuse_signed_twice(store, session_id)
                now = self._now()
                for text in confirm:
                    note_id = store.add_note(
                        session_id,
                        NoteKind.CONFIRMED_STATEMENT,
                        text,
                        analysis_id,
                        actor=user.username,
                        now=now,
                    )
                    self._audit(
                        store,
                        Action.EDIT,
                        f"note:{note_id}",
                        detail=f"{NoteKind.CONFIRMED_STATEMENT} added to {target} at sign-off",
                    )
                sign_off = SignOff(session_id, analysis_id, user.username, now, tuple(statements))
                sign_offs.insert(store, sign_off)
                store.set_session_status(session_id, SessionStatus.REVIEWED)
                clinician = sum(1 for s in statements if s.source != "automated")
                self._audit(
                    store,
                    Action.EDIT,
                    target,
                    detail=f"status {SessionStatus.REVIEWED}: signed off by {user.username}"
                    f" (analysis:{analysis_id}; {len(statements) - clinician} automated "
                    f"findings and {clinician} clinician statements, notes or annotations)",
                )
        except SignOffRefused as refusal:
            self._record(Action.EDIT, target, Outcome.DENIED, refusal.problem)
            raise
        return sign_off

    @staticmethod
    def _refuse_signed_twice(store: Store, session_id: int) -> None:
        earlier = sign_offs.find(store, session_id)
        status = store.session(session_id).status
        if earlier is None and status is SessionStatus.OPEN:
            return
        by = f" by {earlier.signed_by} at {earlier.signed_at[:16]} UTC" if earlier else ""
        raise SignOffRefused(
            f"Session {session_id} is already {status}{by}.",
            "A signed-off session is not signed again; open it to read its sign-off.",
        )

    def get_sign_off(self, session_id: int) -> SignOff | None:
        """Who signed the session off, when and what; None while it is not signed off."""
        return self._audited_read(
            Action.OPEN, f"session:{session_id}", lambda store: sign_offs.find(store, session_id)
        )

    def sign_report(self, report_id: int) -> DetachedSignature:
        """The signed-in user's signature over a stored report's PDF bytes (audited with the
        PDF's SHA-256): written beside an exported PDF, it shows whose report it is and that
        not a byte of it changed since (``reports.signature``)."""
        pdf = self._audited_read(
            Action.OPEN, f"report:{report_id}", lambda store: store.load_report(report_id)
        )
        digest = hashlib.sha256(pdf).hexdigest()
        with self._writing() as store:
            signature = sign_document(self._require_signer(), digest, self._now())
            self._audit(
                store,
                Action.EXPORT,
                f"report:{report_id}",
                detail=f"report signed: sha256:{digest}",
            )
        return signature

    def key_belonged_to(self, username: str, public_key: str) -> bool:
        """Whether the vault ever gave ``username`` this signing key: their current key, or
        one a signed audit row introduced for them (a key changes with the password)."""

        def read(store: Store) -> bool:
            row = store.db.execute(
                "SELECT public_key FROM users WHERE username = ?", [username]
            ).fetchone()
            if row is not None and row[0] == public_key:
                return True
            marks = ", ".join("?" for _ in KEY_ACTIONS)
            details = store.db.execute(
                f"SELECT detail FROM audit WHERE target = ? AND action IN ({marks})",
                [f"user:{username}", *map(str, KEY_ACTIONS)],
            )
            return any(key_in_detail(detail) == public_key for (detail,) in details)

        return self._audited_read(Action.VERIFY, f"user:{username}", read)

    def list_recordings(self, session_id: int) -> list[RecordingInfo]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.recording_infos(session_id)
        )

    def load_recording(self, recording_id: int) -> Recording:
        return self._audited_read(
            Action.OPEN,
            f"recording:{recording_id}",
            lambda store: store.load_recording(recording_id),
        )

    def export_recording(
        self, recording_id: int, destination: str | Path, write: Callable[[Recording, Path], Path]
    ) -> Path:
        """Write a stored recording where the user chose, in the format ``write`` makes (EDF+):
        like a report export, patient data leaving on purpose, so it is audited, and a file
        that could not be written is audited as a failure."""
        target = Path(destination)
        recording = self._audited_read(
            Action.EXPORT,
            f"recording:{recording_id}",
            lambda store: store.load_recording(recording_id),
        )
        try:
            with reported_as_vault_error("the recording to", target):
                write(recording, target)
        except VaultError:
            self._record(
                Action.EXPORT, f"recording:{recording_id}", Outcome.FAILED, "file not written"
            )
            raise
        return target

    # Analyses, notes, reports ------------------------------------------------------------

    def save_analysis(self, session_id: int, analysis: Analysis) -> int:
        models = ", ".join(f"{m.name} {m.version} sha256:{m.sha256}" for m in analysis.models)
        return self._create(
            "analysis",
            lambda store, stamp: store.add_analysis(session_id, analysis, **stamp),
            f"{analysis.kind} in session:{session_id}; models: {models or '-'}",
            Action.ANALYSIS,
        )

    def list_analyses(self, session_id: int) -> list[AnalysisInfo]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.analysis_infos(session_id)
        )

    def load_analysis(self, analysis_id: int) -> Analysis:
        return self._audited_read(
            Action.OPEN, f"analysis:{analysis_id}", lambda store: store.load_analysis(analysis_id)
        )

    def add_note(self, session_id: int, text: str) -> int:
        return self._add_note(session_id, NoteKind.NOTE, text, None)

    def confirm_statement(
        self, session_id: int, statement: str, analysis_id: int | None = None
    ) -> int:
        """Record that the signed-in clinician confirmed an interpretation statement."""
        return self._add_note(session_id, NoteKind.CONFIRMED_STATEMENT, statement, analysis_id)

    def _add_note(self, session_id: int, kind: NoteKind, text: str, analysis_id: int | None) -> int:
        return self._create(
            "note",
            lambda store, stamp: store.add_note(session_id, kind, text, analysis_id, **stamp),
            f"{kind} added to session:{session_id}",
        )

    def list_notes(self, session_id: int) -> list[Note]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.notes(session_id)
        )

    def save_report(self, session_id: int, title: str, pdf: bytes) -> int:
        return self._create(
            "report",
            lambda store, stamp: store.add_report(session_id, title, pdf, **stamp),
            f"report stored for session:{session_id}",
        )

    def list_reports(self, session_id: int) -> list[ReportInfo]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.report_infos(session_id)
        )

    def load_report(self, report_id: int) -> bytes:
        return self._audited_read(
            Action.OPEN, f"report:{report_id}", lambda store: store.load_report(report_id)
        )

    def export_report(self, report_id: int, destination: str | Path) -> Path:
        """Write a stored PDF where the user chose: the one way patient data leaves on purpose.

        The audit row names the report by id, not by the file name (which often contains the
        patient's name).
        """
        target = Path(destination)
        pdf = self._audited_read(
            Action.EXPORT, f"report:{report_id}", lambda store: store.load_report(report_id)
        )
        try:
            with reported_as_vault_error("the report to", target):
                create_private_file(target, pdf)
        except VaultError:
            self._record(Action.EXPORT, f"report:{report_id}", Outcome.FAILED, "file not written")
            raise
        return target
