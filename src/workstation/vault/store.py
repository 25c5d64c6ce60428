"""Reading and writing the clinical tables, with no notion of users, roles or audit.

The Vault wraps each call in a transaction, checks the role and writes the audit row; keeping
this layer free of all that lets the benchmark run the same code on an unencrypted database
to measure what the encryption costs. Missing ids raise ``LookupError``, which the Vault turns
into a message for the user.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np

from workstation.recording import Modality, Recording
from workstation.vault import arrays, recordings
from workstation.vault.accounts import Role, User
from workstation.vault.driver import sqlite_utils
from workstation.vault.entities import (
    Analysis,
    AnalysisInfo,
    ModelInfo,
    Note,
    NoteKind,
    Patient,
    RecordingInfo,
    ReportInfo,
    SessionStatus,
    SessionSummary,
)

# The session's first recording names the row: its file and when it was recorded.
_SESSION_SUMMARY_SQL = """
    SELECT s.id, s.patient_id, p.identifier, p.name, s.modality, s.status, s.created_by,
           s.created_at, r.source_name, r.start_time
    FROM sessions AS s JOIN patients AS p ON p.id = s.patient_id
    LEFT JOIN recordings AS r
        ON r.id = (SELECT MIN(id) FROM recordings WHERE session_id = s.id)
"""


# A dict lookup, not SessionStatus(value): listing 10,000 sessions does it 10,000 times.
_STATUSES = {str(status): status for status in SessionStatus}


def _one(db: sqlite_utils.Database, sql: str, params: list[Any], what: str) -> tuple:
    row = db.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(what)
    return row


class Store:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # Users -------------------------------------------------------------------------------

    def add_user(self, username: str, role: Role, *, actor: str, now: str) -> User:
        self.db["users"].upsert(
            {
                "username": username,
                "role": str(role),
                "created_at": now,
                "created_by": actor,
                "removed_at": None,
            },
            pk="username",
        )
        return User(username, role, now, actor)

    def user(self, username: str) -> User | None:
        """The active account of that name, or None (never existed or removed)."""
        row = self.db.execute(
            "SELECT username, role, created_at, created_by FROM users"
            " WHERE username = ? AND removed_at IS NULL",
            [username],
        ).fetchone()
        return None if row is None else User(row[0], Role(row[1]), row[2], row[3])

    def users(self) -> list[User]:
        rows = self.db.execute(
            "SELECT username, role, created_at, created_by FROM users"
            " WHERE removed_at IS NULL ORDER BY username"
        ).fetchall()
        return [User(r[0], Role(r[1]), r[2], r[3]) for r in rows]

    def remove_user(self, username: str, *, now: str) -> None:
        self.db.execute("UPDATE users SET removed_at = ? WHERE username = ?", [now, username])

    # Patients ----------------------------------------------------------------------------

    def add_patient(
        self,
        identifier: str,
        name: str,
        sex: str,
        birth_date: date | None,
        *,
        actor: str,
        now: str,
    ) -> Patient:
        row = {
            "identifier": identifier,
            "name": name,
            "sex": sex,
            "birth_date": None if birth_date is None else birth_date.isoformat(),
            "created_at": now,
            "created_by": actor,
        }
        patient_id = self.db["patients"].insert(row).last_pk
        return Patient(int(patient_id), identifier, name, sex, birth_date)

    def _patient_from(self, row: tuple) -> Patient:
        birth = None if row[4] is None else date.fromisoformat(row[4])
        return Patient(int(row[0]), row[1], row[2], row[3], birth)

    def patient(self, patient_id: int) -> Patient:
        return self._patient_from(
            _one(
                self.db,
                "SELECT id, identifier, name, sex, birth_date FROM patients WHERE id = ?",
                [patient_id],
                f"patient {patient_id}",
            )
        )

    def find_patient(self, identifier: str) -> Patient | None:
        row = self.db.execute(
            "SELECT id, identifier, name, sex, birth_date FROM patients WHERE identifier = ?",
            [identifier],
        ).fetchone()
        return None if row is None else self._patient_from(row)

    def patients(self) -> list[Patient]:
        rows = self.db.execute(
            "SELECT id, identifier, name, sex, birth_date FROM patients ORDER BY identifier"
        ).fetchall()
        return [self._patient_from(r) for r in rows]

    # Sessions ----------------------------------------------------------------------------

    def add_session(self, patient_id: int, modality: Modality, *, actor: str, now: str) -> int:
        self.patient(patient_id)
        row = {
            "patient_id": patient_id,
            "modality": str(Modality(modality)),
            "status": str(SessionStatus.OPEN),
            "created_by": actor,
            "created_at": now,
        }
        return int(self.db["sessions"].insert(row).last_pk)

    def _summary_from(self, row: tuple) -> SessionSummary:
        session_id, patient_id, identifier, name, modality, status, by, at, source, start = row
        return SessionSummary(
            session_id,
            patient_id,
            identifier,
            name,
            modality,
            _STATUSES[status],
            by,
            at,
            source or "",
            start,
        )

    def session(self, session_id: int) -> SessionSummary:
        return self._summary_from(
            _one(
                self.db,
                _SESSION_SUMMARY_SQL + " WHERE s.id = ?",
                [session_id],
                f"session {session_id}",
            )
        )

    def sessions(self, patient_id: int | None = None) -> list[SessionSummary]:
        """Newest first; one query with the patient joined in, so 10,000 rows list quickly."""
        if patient_id is None:
            cursor = self.db.execute(
                _SESSION_SUMMARY_SQL + " ORDER BY s.created_at DESC, s.id DESC"
            )
        else:
            cursor = self.db.execute(
                _SESSION_SUMMARY_SQL
                + " WHERE s.patient_id = ? ORDER BY s.created_at DESC, s.id DESC",
                [patient_id],
            )
        return [self._summary_from(r) for r in cursor]

    def set_session_status(self, session_id: int, status: SessionStatus) -> None:
        self.session(session_id)
        self.db.execute(
            "UPDATE sessions SET status = ? WHERE id = ?", [str(SessionStatus(status)), session_id]
        )

    # Recordings --------------------------------------------------------------------------

    def add_recording(self, session_id: int, recording: Recording, *, actor: str, now: str) -> int:
        self.session(session_id)
        row = recordings.metadata_row(recording)
        row.update(session_id=session_id, created_by=actor, created_at=now)
        recording_id = int(self.db["recordings"].insert(row).last_pk)
        for seq, (first, count, payload) in enumerate(recordings.chunks(recording)):
            self.db.execute(
                "INSERT INTO recording_chunks (recording_id, seq, first_sample, n_samples, data)"
                " VALUES (?, ?, ?, ?, ?)",
                [recording_id, seq, first, count, payload],
            )
        return recording_id

    def recording_infos(self, session_id: int) -> list[RecordingInfo]:
        rows = self.db.execute(
            "SELECT id, session_id, source_name, modality, fs, n_channels, n_samples,"
            " source_sha256 FROM recordings WHERE session_id = ? ORDER BY id",
            [session_id],
        ).fetchall()
        return [RecordingInfo(*r) for r in rows]

    def recording_session(self, recording_id: int) -> int:
        return int(
            _one(
                self.db,
                "SELECT session_id FROM recordings WHERE id = ?",
                [recording_id],
                f"recording {recording_id}",
            )[0]
        )

    def load_recording(self, recording_id: int) -> Recording:
        cursor = self.db.execute("SELECT * FROM recordings WHERE id = ?", [recording_id])
        values = cursor.fetchone()
        if values is None:
            raise LookupError(f"recording {recording_id}")
        row = dict(zip([d[0] for d in cursor.description], values, strict=True))
        chunk_rows = self.db.execute(
            "SELECT first_sample, n_samples, data FROM recording_chunks"
            " WHERE recording_id = ? ORDER BY seq",
            [recording_id],
        )
        return recordings.assemble(row, iter(chunk_rows))

    # Analyses ----------------------------------------------------------------------------

    def add_analysis(self, session_id: int, analysis: Analysis, *, actor: str, now: str) -> int:
        self.session(session_id)
        if analysis.recording_id is not None and (
            self.recording_session(analysis.recording_id) != session_id
        ):
            raise LookupError(f"recording {analysis.recording_id} in session {session_id}")
        row = {
            "session_id": session_id,
            "recording_id": analysis.recording_id,
            "kind": analysis.kind,
            "results": json.dumps(dict(analysis.results), ensure_ascii=False),
            "models": json.dumps([[m.name, m.version, m.sha256] for m in analysis.models]),
            "created_by": actor,
            "created_at": now,
        }
        analysis_id = int(self.db["analyses"].insert(row).last_pk)
        for name, array in analysis.arrays.items():
            dtype, shape, payload = arrays.encode(np.asarray(array))
            self.db.execute(
                "INSERT INTO analysis_arrays (analysis_id, name, dtype, shape, data)"
                " VALUES (?, ?, ?, ?, ?)",
                [analysis_id, str(name), dtype, shape, payload],
            )
        return analysis_id

    def analysis_infos(self, session_id: int) -> list[AnalysisInfo]:
        rows = self.db.execute(
            "SELECT id, session_id, recording_id, kind, created_by, created_at FROM analyses"
            " WHERE session_id = ? ORDER BY id",
            [session_id],
        ).fetchall()
        return [AnalysisInfo(*r) for r in rows]

    def analysis_session(self, analysis_id: int) -> int:
        return int(
            _one(
                self.db,
                "SELECT session_id FROM analyses WHERE id = ?",
                [analysis_id],
                f"analysis {analysis_id}",
            )[0]
        )

    def load_analysis(self, analysis_id: int) -> Analysis:
        kind, results, models, recording_id = _one(
            self.db,
            "SELECT kind, results, models, recording_id FROM analyses WHERE id = ?",
            [analysis_id],
            f"analysis {analysis_id}",
        )
        stored = self.db.execute(
            "SELECT name, dtype, shape, data FROM analysis_arrays WHERE analysis_id = ?"
            " ORDER BY rowid",
            [analysis_id],
        )
        named: Mapping[str, np.ndarray] = {
            name: arrays.decode(dtype, shape, data) for name, dtype, shape, data in stored
        }
        return Analysis(
            kind=kind,
            results=json.loads(results),
            models=tuple(ModelInfo(*m) for m in json.loads(models)),
            arrays=named,
            recording_id=recording_id,
        )

    # Notes and reports -------------------------------------------------------------------

    def add_note(
        self,
        session_id: int,
        kind: NoteKind,
        text: str,
        analysis_id: int | None,
        *,
        actor: str,
        now: str,
    ) -> int:
        self.session(session_id)
        if analysis_id is not None and self.analysis_session(analysis_id) != session_id:
            raise LookupError(f"analysis {analysis_id} in session {session_id}")
        row = {
            "session_id": session_id,
            "kind": str(NoteKind(kind)),
            "text": text,
            "analysis_id": analysis_id,
            "author": actor,
            "created_at": now,
        }
        return int(self.db["notes"].insert(row).last_pk)

    def notes(self, session_id: int) -> list[Note]:
        rows = self.db.execute(
            "SELECT id, session_id, kind, text, analysis_id, author, created_at FROM notes"
            " WHERE session_id = ? ORDER BY id",
            [session_id],
        ).fetchall()
        return [Note(r[0], r[1], NoteKind(r[2]), r[3], r[4], r[5], r[6]) for r in rows]

    def add_report(self, session_id: int, title: str, pdf: bytes, *, actor: str, now: str) -> int:
        self.session(session_id)
        row = {
            "session_id": session_id,
            "title": title,
            "pdf": bytes(pdf),
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "created_by": actor,
            "created_at": now,
        }
        return int(self.db["reports"].insert(row).last_pk)

    def report_infos(self, session_id: int) -> list[ReportInfo]:
        rows = self.db.execute(
            "SELECT id, session_id, title, sha256, length(pdf), created_by, created_at"
            " FROM reports WHERE session_id = ? ORDER BY id",
            [session_id],
        ).fetchall()
        return [ReportInfo(*r) for r in rows]

    def load_report(self, report_id: int) -> bytes:
        return bytes(
            _one(
                self.db, "SELECT pdf FROM reports WHERE id = ?", [report_id], f"report {report_id}"
            )[0]
        )
