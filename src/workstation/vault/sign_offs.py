"""Sign-offs: which clinician marked a session reviewed, when, and which statements they signed.

A table of its own, ``session_signoffs``, created on first use (``CREATE TABLE IF NOT EXISTS``)
like ``note_entities``, so the feature needs no change to the vault's migrations: a vault in
which nobody signed off has no such table, and a read finds no sign-off. One row per session:
a session is signed off once. The row keeps the statements as they stood when signed (their
text, whether the engine or a clinician wrote them, and who), so the record of what was
signed does not change when the analysis later gets a new version.

The session's status (REVIEWED) is written by ``ClinicalRecords.sign_off_session`` in the
same transaction as this row and its audit row, whose content hash covers the session row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from workstation.vault.entities import SessionSummary

if TYPE_CHECKING:
    from workstation.vault.store import Store

TABLE_SQL = """
    CREATE TABLE IF NOT EXISTS session_signoffs (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
        analysis_id INTEGER REFERENCES analyses(id),
        signed_by TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        statements_json TEXT NOT NULL
    ) STRICT
"""


#: Sources of what a sign-off signs besides 'automated' findings and 'clinician' statements
#: (reports.ecg_content names those two): a clinician's free-text note, and an annotation a
#: reviewer placed on the recording (EEG).
NOTE = "note"
ANNOTATION = "annotation"


@dataclass(frozen=True, slots=True)
class SignedStatement:
    """One item as it stood at sign-off: ``source`` is 'automated' (an engine's finding),
    'clinician' (a statement a clinician wrote), NOTE or ANNOTATION."""

    text: str
    source: str
    author: str = ""


@dataclass(frozen=True, slots=True)
class SignOff:
    """A session's sign-off: who, when, the analysis version and the statements signed."""

    session_id: int
    analysis_id: int | None
    signed_by: str
    signed_at: str
    statements: tuple[SignedStatement, ...]


def ensure_table(store: Store) -> None:
    store.db.execute(TABLE_SQL)


def _exists(store: Store) -> bool:
    row = store.db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'session_signoffs'"
    ).fetchone()
    return row is not None


def insert(store: Store, sign_off: SignOff) -> None:
    statements = [
        {"text": s.text, "source": s.source, "author": s.author} for s in sign_off.statements
    ]
    store.db.execute(
        "INSERT INTO session_signoffs VALUES (?, ?, ?, ?, ?)",
        [
            sign_off.session_id,
            sign_off.analysis_id,
            sign_off.signed_by,
            sign_off.signed_at,
            json.dumps(statements),
        ],
    )


def find(store: Store, session_id: int) -> SignOff | None:
    """The session's sign-off, or None when nobody signed it off."""
    if not _exists(store):
        return None
    row = store.db.execute(
        "SELECT session_id, analysis_id, signed_by, signed_at, statements_json"
        " FROM session_signoffs WHERE session_id = ?",
        [session_id],
    ).fetchone()
    if row is None:
        return None
    statements = tuple(
        SignedStatement(str(s["text"]), str(s["source"]), str(s.get("author") or ""))
        for s in json.loads(row[4])
    )
    return SignOff(row[0], row[1], row[2], row[3], statements)


def with_signers(store: Store, summaries: Sequence[SessionSummary]) -> list[SessionSummary]:
    """The summaries with who signed each off and when (unchanged for sessions not signed)."""
    if not summaries or not _exists(store):
        return list(summaries)
    signed = dict(
        (session_id, (by, at))
        for session_id, by, at in store.db.execute(
            "SELECT session_id, signed_by, signed_at FROM session_signoffs"
        )
    )
    return [
        replace(s, signed_by=signed[s.id][0], signed_at=signed[s.id][1]) if s.id in signed else s
        for s in summaries
    ]
