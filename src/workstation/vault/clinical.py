"""The clinical records behind the vault API: patients, sessions, recordings, analyses,
notes and reports. Clinicians and administrators alike may use all of it; every call is audited,
and every write's audit row carries the content hash of the row it wrote (content.py).

Exports create their file readable by its owner only (``files.create_private_file``): what
leaves the vault is outside its encryption from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from workstation.errors import VaultError
from workstation.recording import Modality, Recording
from workstation.vault.access import VaultAccess
from workstation.vault.audit import Action, Outcome
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
        return self._audited_read(Action.LIST, target, lambda store: store.sessions(patient_id))

    def get_session(self, session_id: int) -> SessionSummary:
        return self._audited_read(
            Action.OPEN, f"session:{session_id}", lambda store: store.session(session_id)
        )

    def set_session_status(self, session_id: int, status: SessionStatus | str) -> None:
        status = SessionStatus(status)
        with self._writing() as store:
            store.set_session_status(session_id, status)
            self._audit(store, Action.EDIT, f"session:{session_id}", detail=f"status {status}")

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
