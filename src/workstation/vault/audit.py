"""The append-only, hash-chained audit table.

Each row stores the SHA-256 of a canonical serialisation of its own fields plus the previous
row's hash, so changing, inserting or deleting a row anywhere breaks the chain from there on.
SQL triggers refuse UPDATE and DELETE, which stops accidents and casual edits; someone who
holds the key and drops the triggers can still rewrite rows, and ``verify_chain`` then names
the first row that no longer fits. Ids come from AUTOINCREMENT, so a deleted row leaves a gap
(and deleting the newest rows leaves ``sqlite_sequence`` ahead of the table): both are checked.

Detail text names things by id (``session:12``), never by patient name.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass

from workstation.errors import VaultCorrupt
from workstation.vault.driver import sqlite_utils

GENESIS_HASH = "0" * 64

_TRIGGER_SQL = """
    CREATE TRIGGER audit_refuse_{verb} BEFORE {VERB} ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """
#: The append-only triggers by name, with the exact statement that creates each.
TRIGGER_DEFINITIONS = {
    f"audit_refuse_{verb}": _TRIGGER_SQL.format(verb=verb, VERB=verb.upper())
    for verb in ("update", "delete")
}
TRIGGERS = tuple(TRIGGER_DEFINITIONS)

SCHEMA = (
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    ) STRICT
    """,
    *TRIGGER_DEFINITIONS.values(),
)


class Action(enum.StrEnum):
    CREATE = "create"
    MIGRATE = "migrate"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    UNLOCK = "unlock"
    LOCK = "lock"
    LIST = "list"
    OPEN = "open"
    EDIT = "edit"
    ANALYSIS = "analysis"
    EXPORT = "export"
    USER_ADD = "user_add"
    USER_REMOVE = "user_remove"
    PASSWORD_CHANGE = "password_change"
    VERIFY = "verify"
    BACKUP = "backup"
    RESTORE = "restore"
    RECOVER = "recover"
    FAILURE_LOG = "failure_log"


class Outcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    time: str
    username: str
    action: str
    target: str
    outcome: str
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """How many rows the chain holds and the hash of the last one (quote it to anchor a copy)."""

    rows: int
    hash: str


def row_hash(
    row_id: int,
    time: str,
    username: str,
    action: str,
    target: str,
    outcome: str,
    detail: str,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [row_id, time, username, action, target, outcome, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _last_sequence(db: sqlite_utils.Database) -> int:
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    return 0 if row is None else int(row[0])


def append(
    db: sqlite_utils.Database,
    *,
    time: str,
    username: str,
    action: Action,
    target: str = "",
    outcome: Outcome = Outcome.OK,
    detail: str = "",
) -> int:
    """Add one row at the end of the chain; must run inside a write transaction."""
    if not db.conn.in_transaction:
        raise RuntimeError("audit.append must run inside a write transaction")
    last = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = GENESIS_HASH if last is None else str(last[0])
    row_id = _last_sequence(db) + 1
    fields = (row_id, time, username, str(action), target, str(outcome), detail, prev_hash)
    db.execute(
        "INSERT INTO audit (id, time, username, action, target, outcome, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*fields, row_hash(*fields)],
    )
    return row_id


def _check_row(row: tuple, expected_id: int, expected_prev: str) -> None:
    row_id, *fields, prev_hash, stored_hash = row
    if row_id != expected_id:
        rows = (
            f"row {expected_id} is"
            if row_id == expected_id + 1
            else f"rows {expected_id}–{row_id - 1} are"
        )
        raise VaultCorrupt(f"Audit {rows} missing: deleted after being written.", row=expected_id)
    if row_hash(row_id, *fields, prev_hash) != stored_hash:
        raise VaultCorrupt(f"Audit row {row_id} was altered after it was written.", row=row_id)
    if prev_hash != expected_prev:
        raise VaultCorrupt(
            f"Audit row {row_id - 1} was altered after it was written (row {row_id} no longer "
            "follows it).",
            row=row_id - 1,
        )


def _same_statement(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _check_triggers(db: sqlite_utils.Database) -> None:
    """The two triggers must exist with exactly their original statements: a trigger of the
    same name that no longer refuses anything (``BEGIN SELECT 1; END``) is no protection."""
    present = dict(
        db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).fetchall()
    )
    missing = [name for name in TRIGGER_DEFINITIONS if name not in present]
    changed = [
        name
        for name, sql in TRIGGER_DEFINITIONS.items()
        if name in present and not _same_statement(present[name] or "", sql)
    ]
    if missing or changed:
        what = [f"{name} removed" for name in missing] + [f"{name} changed" for name in changed]
        raise VaultCorrupt(
            f"The audit table's append-only protection was removed ({', '.join(what)}).",
        )


def verify_chain(db: sqlite_utils.Database) -> ChainHead:
    """Walk the whole chain; VaultCorrupt names the first row that does not fit."""
    expected_id, expected_prev = 1, GENESIS_HASH
    cursor = db.execute(
        "SELECT id, time, username, action, target, outcome, detail, prev_hash, hash"
        " FROM audit ORDER BY id"
    )
    for row in cursor:
        _check_row(row, expected_id, expected_prev)
        expected_id, expected_prev = expected_id + 1, row[-1]
    rows = expected_id - 1
    last_issued = _last_sequence(db)
    if last_issued > rows:
        raise VaultCorrupt(
            f"Audit rows {rows + 1}–{last_issued} are missing: the newest rows were deleted.",
            row=rows + 1,
        )
    _check_triggers(db)
    return ChainHead(rows=rows, hash=expected_prev)


def entries(db: sqlite_utils.Database, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
    rows = db.execute(
        "SELECT id, time, username, action, target, outcome, detail, prev_hash, hash"
        " FROM audit WHERE id > ? ORDER BY id LIMIT ?",
        [after_id, limit],
    ).fetchall()
    return [AuditEntry(*row) for row in rows]
