"""Entities extracted from clinical notes, stored beside the notes and audited like them.

A table of its own, ``note_entities``, created on first use (``CREATE TABLE IF NOT EXISTS``)
rather than by a migration in schema.py, so the feature needs no change to the vault's
migrations: a vault that never stored entities has no such table, and a read finds nothing.
Each row keeps the SHA-256 of the note text it was extracted from and the extractor's
version, so a note whose text or whose extractor changed is seen to be stale and extracted
again (app/notes.py). The entities are JSON here; the app turns them into typed entities.

The functions take an unlocked ``Vault`` and go through its own transaction and audit helpers
(``_writing``, ``_audit``, ``_record``), the same calls ``ClinicalRecords.add_note`` makes, so
every write commits with its audit row and every read is audited before it is served. Audit
details name notes by id, never by their text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.vault.audit import Action

if TYPE_CHECKING:
    from workstation.vault.store import Store
    from workstation.vault.vault import Vault

TABLE_SQL = """
    CREATE TABLE IF NOT EXISTS note_entities (
        note_id INTEGER PRIMARY KEY REFERENCES notes(id),
        text_sha256 TEXT NOT NULL,
        extractor_version TEXT NOT NULL,
        entities_json TEXT NOT NULL,
        extracted_by TEXT NOT NULL,
        extracted_at TEXT NOT NULL
    ) STRICT
"""

_NOTES_SQL = """
    SELECT n.id, n.session_id, s.patient_id, p.identifier, p.name, n.kind, n.text,
           e.note_id, e.text_sha256, e.extractor_version, e.entities_json, e.extracted_by,
           e.extracted_at
    FROM notes n
    JOIN sessions s ON s.id = n.session_id
    JOIN patients p ON p.id = s.patient_id
    LEFT JOIN note_entities e ON e.note_id = n.id
"""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NoteText:
    """A note with where it belongs: what extraction and search need to know of it."""

    note_id: int
    session_id: int
    patient_id: int
    patient_identifier: str
    patient_name: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class StoredEntities:
    """The stored extraction of one note: current only while both stamps still match."""

    note_id: int
    text_sha256: str
    extractor_version: str
    entities_json: str
    extracted_by: str
    extracted_at: str

    def is_current(self, text: str, extractor_version: str) -> bool:
        return self.text_sha256 == text_sha256(text) and self.extractor_version == extractor_version


def _ensure_table(store: Store) -> None:
    store.db.execute(TABLE_SQL)


def notes_with_entities(
    vault: Vault,
    *,
    note_id: int | None = None,
    session_id: int | None = None,
    patient_id: int | None = None,
) -> list[tuple[NoteText, StoredEntities | None]]:
    """One note, or the notes of a session, of a patient or of the whole vault (in id order),
    each with its stored extraction if it has one. One audit row, written first (with the
    table created if needed, in the same transaction), then the read."""
    if note_id is not None:
        target, where, params = f"note:{note_id}", " WHERE n.id = ?", [note_id]
    elif session_id is not None:
        target, where, params = f"session:{session_id}", " WHERE n.session_id = ?", [session_id]
    elif patient_id is not None:
        target, where, params = f"patient:{patient_id}", " WHERE s.patient_id = ?", [patient_id]
    else:
        target, where, params = "notes", "", []
    with vault._mutex:
        with vault._writing() as store:
            _ensure_table(store)
            vault._audit(store, Action.LIST, target, detail="notes with extracted entities")
        with vault._reading() as store:
            rows = store.db.execute(_NOTES_SQL + where + " ORDER BY n.id", params).fetchall()
    return [
        (NoteText(*row[:7]), None if row[7] is None else StoredEntities(*row[7:])) for row in rows
    ]


def save_entities(
    vault: Vault, note_id: int, text: str, extractor_version: str, entities_json: str, count: int
) -> None:
    """Store (or replace) a note's extraction with its audit row, in one transaction.

    Refuses to store it for text the note no longer holds, so an extraction that raced with
    a change of the note can never be filed as current.
    """
    digest = text_sha256(text)
    with vault._writing() as store:
        _ensure_table(store)
        row = store.db.execute("SELECT text FROM notes WHERE id = ?", [note_id]).fetchone()
        if row is None:
            raise LookupError(f"note {note_id}")
        if text_sha256(row[0]) != digest:
            raise LookupError(f"note {note_id} with this text (it has changed)")
        replaced = store.db.execute(
            "SELECT 1 FROM note_entities WHERE note_id = ?", [note_id]
        ).fetchone()
        store.db.execute(
            "INSERT OR REPLACE INTO note_entities VALUES (?, ?, ?, ?, ?, ?)",
            [note_id, digest, extractor_version, entities_json, vault.user.username, vault._now()],
        )
        verb = "re-extracted" if replaced else "extracted"
        vault._audit(
            store,
            Action.ANALYSIS,
            f"note:{note_id}",
            detail=f"{count} entities {verb}; extractor {extractor_version}",
        )
