"""The append-only, hash-chained, signed audit table.

Each row stores the SHA-256 of a canonical serialisation of its own fields plus the previous
row's hash, so changing, inserting or deleting a row anywhere breaks the chain from there on.
Since schema version 2 each row also carries the Ed25519 signature of that hash by the user
who wrote it (``signed_by``; signing.py), and, for a write of clinical data, the content hash
of what was written (content.py). Recomputing the chain after an edit is therefore not enough:
the forger would need the signing key of every user whose rows they touch, which only that
user's password opens. SQL triggers refuse UPDATE and DELETE, which stops accidents and casual
edits. ``verification.py`` checks all of it; this module writes rows and walks the bare chain.

Rows written before version 2 have no signature and keep their original hash formula; once a
signed row exists, every later row must be signed.

Detail text names things by id (``session:12``), never by patient name.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from workstation.errors import VaultCorrupt
from workstation.vault.content import Snapshot
from workstation.vault.driver import sqlite_utils
from workstation.vault.signing import Signer

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

#: Schema version 2: who signed each row, the signature, and the content hash of what it wrote.
SIGNED_COLUMNS = ("content_hash", "content_fields", "signed_by", "signature")
COLUMNS = "id, time, username, action, target, outcome, detail, prev_hash, hash, " + ", ".join(
    SIGNED_COLUMNS
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
    KEY_ENROL = "key_enrol"
    REKEY = "rekey"
    CLEANUP = "cleanup"


#: Actions whose row may name a public key (``key:<hex>``) that from then on belongs to the
#: user in the target.
KEY_ACTIONS = frozenset({Action.USER_ADD, Action.PASSWORD_CHANGE, Action.RECOVER, Action.KEY_ENROL})
#: Rows written by the signer about someone else's attempt (failed sign-ins it imported).
ON_BEHALF_ACTIONS = frozenset({Action.LOGIN_FAILED, Action.FAILURE_LOG})


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
    content_hash: str = ""
    content_fields: str = ""
    signed_by: str = ""
    signature: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signature)


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


def signed_row_hash(
    row_id: int,
    time: str,
    username: str,
    action: str,
    target: str,
    outcome: str,
    detail: str,
    prev_hash: str,
    content_hash: str,
    content_fields: str,
    signed_by: str,
) -> str:
    """The hash of a version 2 row: every field but the signature, under a version tag."""
    canonical = json.dumps(
        [
            "audit/v2",
            row_id,
            time,
            username,
            action,
            target,
            outcome,
            detail,
            prev_hash,
            content_hash,
            content_fields,
            signed_by,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def signed_message(row_hash_hex: str) -> bytes:
    """What a row's signature signs: its hash, under a purpose tag."""
    return b"workstation-audit-row/v2:" + row_hash_hex.encode("ascii")


def entry_hash(entry: AuditEntry) -> str:
    """The hash the entry's fields give (compare with ``entry.hash``)."""
    if not entry.signed:
        return row_hash(
            entry.id,
            entry.time,
            entry.username,
            entry.action,
            entry.target,
            entry.outcome,
            entry.detail,
            entry.prev_hash,
        )
    return signed_row_hash(
        entry.id,
        entry.time,
        entry.username,
        entry.action,
        entry.target,
        entry.outcome,
        entry.detail,
        entry.prev_hash,
        entry.content_hash,
        entry.content_fields,
        entry.signed_by,
    )


def _last_sequence(db: sqlite_utils.Database) -> int:
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    return 0 if row is None else int(row[0])


def append(
    db: sqlite_utils.Database,
    *,
    time: str,
    signer: Signer,
    action: Action,
    target: str = "",
    outcome: Outcome = Outcome.OK,
    detail: str = "",
    content: Snapshot | None = None,
    username: str | None = None,
) -> ChainHead:
    """Add one signed row at the end of the chain; must run inside a write transaction.

    ``username`` is whom the row is about when that is not the signer (an imported failed
    sign-in); ``content`` is the snapshot of the clinical object the row wrote. Returns the
    new head, for the anchor file.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("audit.append must run inside a write transaction")
    last = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = GENESIS_HASH if last is None else str(last[0])
    row_id = _last_sequence(db) + 1
    content_hash = "" if content is None else content.hash
    content_fields = "" if content is None else content.fields_json()
    fields = (
        row_id,
        time,
        username or signer.username,
        str(action),
        target,
        str(outcome),
        detail,
        prev_hash,
        content_hash,
        content_fields,
        signer.username,
    )
    digest = signed_row_hash(*fields)
    db.execute(
        f"INSERT INTO audit ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *fields[:8],
            digest,
            content_hash,
            content_fields,
            signer.username,
            signer.sign(signed_message(digest)),
        ],
    )
    return ChainHead(row_id, digest)


def check_link(entry: AuditEntry, expected_id: int, expected_prev: str) -> None:
    """The row has the next id, its own fields give its hash, and it follows the row before."""
    if entry.id != expected_id:
        rows = (
            f"row {expected_id} is"
            if entry.id == expected_id + 1
            else f"rows {expected_id}–{entry.id - 1} are"
        )
        raise VaultCorrupt(f"Audit {rows} missing: deleted after being written.", row=expected_id)
    if entry_hash(entry) != entry.hash:
        raise VaultCorrupt(f"Audit row {entry.id} was altered after it was written.", row=entry.id)
    if entry.prev_hash != expected_prev:
        raise VaultCorrupt(
            f"Audit row {entry.id - 1} was altered after it was written (row {entry.id} no "
            "longer follows it).",
            row=entry.id - 1,
        )


def check_sequence(db: sqlite_utils.Database, rows: int) -> None:
    """Deleting the newest rows leaves AUTOINCREMENT's counter ahead of the table."""
    last_issued = _last_sequence(db)
    if last_issued > rows:
        raise VaultCorrupt(
            f"Audit rows {rows + 1}–{last_issued} are missing: the newest rows were deleted.",
            row=rows + 1,
        )


def _same_statement(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def check_triggers(db: sqlite_utils.Database) -> None:
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


def has_signed_rows(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM audit WHERE signature != '' LIMIT 1").fetchone() is not None


def foreign_triggers(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(name, table) of every trigger that is not one of the audit's own.

    The vault defines no others. One added behind its back (say, one that rewrites every new
    note as it is inserted) would have its work sealed into the next content hash, so writes
    are refused while one exists, and verify names it.
    """
    rows = db.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
    return [(name, table) for name, table in rows if name not in TRIGGER_DEFINITIONS]


def refuse_foreign_triggers(db: sqlite_utils.Database) -> None:
    found = foreign_triggers(db)
    if found:
        name, table = found[0]
        raise VaultCorrupt(
            f"A trigger '{name}' on the {table} table was added behind the vault's back; "
            "nothing is written while it exists."
        )


def walk(db: sqlite_utils.Database) -> Iterator[AuditEntry]:
    """Every row, oldest first, without loading the whole table."""
    for row in db.execute(f"SELECT {COLUMNS} FROM audit ORDER BY id"):
        yield AuditEntry(*row)


def verify_chain(db: sqlite_utils.Database) -> ChainHead:
    """Walk the bare chain (ids, hashes, links, triggers); VaultCorrupt names the first row
    that does not fit. Signatures and content are checked by ``verification``."""
    expected_id, expected_prev = 1, GENESIS_HASH
    for entry in walk(db):
        check_link(entry, expected_id, expected_prev)
        expected_id, expected_prev = expected_id + 1, entry.hash
    rows = expected_id - 1
    check_sequence(db, rows)
    check_triggers(db)
    return ChainHead(rows=rows, hash=expected_prev)


def head(db: sqlite_utils.Database) -> ChainHead:
    """The last row's id and hash, read without checking anything."""
    row = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return ChainHead(0, GENESIS_HASH) if row is None else ChainHead(int(row[0]), str(row[1]))


def entries(db: sqlite_utils.Database, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
    rows = db.execute(
        f"SELECT {COLUMNS} FROM audit WHERE id > ? ORDER BY id LIMIT ?",
        [after_id, limit],
    ).fetchall()
    return [AuditEntry(*row) for row in rows]
