"""Content hashes of the clinical rows, so the signed audit covers what was written.

Every audited write of a clinical object puts ``sha256`` of a canonical serialisation of the
object's current row (and its child rows: a recording's signal chunks, an analysis's arrays)
into its audit row. ``verify`` recomputes each object from the tables and compares it with
the newest audit row that names it: a changed value, a deleted row, and a row that no audit
row ever mentioned (a forged insert) are each named, with the table, the id and, for a
change, the fields that differ from what the audit recorded (``field_digests`` are kept in
memory during verify only; the audit stores one hash per object).

The serialisation is the list of (column, value) pairs in column order, each blob replaced by
its SHA-256, as compact JSON; floats use Python's shortest round-tripping repr.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workstation.vault.driver import sqlite_utils


@dataclass(frozen=True, slots=True)
class Covered:
    """A table whose rows the audit covers, addressed as ``kind:key`` in audit targets."""

    kind: str
    table: str
    key: str
    children: tuple[tuple[str, str, str], ...] = ()  # (table, foreign key, order by)


COVERED = (
    Covered("user", "users", "username"),
    Covered("patient", "patients", "id"),
    Covered("session", "sessions", "id"),
    Covered("recording", "recordings", "id", (("recording_chunks", "recording_id", "seq"),)),
    Covered("analysis", "analyses", "id", (("analysis_arrays", "analysis_id", "name"),)),
    Covered("note", "notes", "id"),
    Covered("report", "reports", "id"),
)
BY_KIND = {c.kind: c for c in COVERED}
FIELD_HASH_CHARS = 16


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def _fields(db: sqlite_utils.Database, covered: Covered, key: str | int) -> dict[str, Any] | None:
    cursor = db.execute(f"SELECT * FROM {covered.table} WHERE {covered.key} = ?", [key])
    row = cursor.fetchone()
    if row is None:
        return None
    fields = {d[0]: _plain(v) for d, v in zip(cursor.description, row, strict=True)}
    for table, foreign_key, order in covered.children:
        cursor = db.execute(
            f"SELECT * FROM {table} WHERE {foreign_key} = ? ORDER BY {order}", [key]
        )
        names = [d[0] for d in cursor.description]
        fields[table] = [[[n, _plain(v)] for n, v in zip(names, r, strict=True)] for r in cursor]
    return fields


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One object's content hash, and a short hash per field to name what changed."""

    hash: str
    fields: dict[str, str]

    def fields_json(self) -> str:
        return json.dumps(self.fields, separators=(",", ":"))


def snapshot(db: sqlite_utils.Database, kind: str, key: str | int) -> Snapshot | None:
    """The object as it is stored now, or None when it does not exist."""
    fields = _fields(db, BY_KIND[kind], key)
    if fields is None:
        return None
    full = {name: _digest(value) for name, value in fields.items()}
    return Snapshot(
        _digest([kind, str(key), list(full.items())]),
        {name: value[:FIELD_HASH_CHARS] for name, value in full.items()},
    )


def changed_fields(recorded_json: str, now: Snapshot) -> list[str]:
    """The fields whose short hashes differ from the ones the audit recorded."""
    try:
        recorded = json.loads(recorded_json)
    except ValueError:
        return []
    if not isinstance(recorded, dict):
        return []
    names = list(dict.fromkeys([*recorded, *now.fields]))
    return [n for n in names if recorded.get(n) != now.fields.get(n)]


def keys(db: sqlite_utils.Database, covered: Covered) -> Iterator[str]:
    for (key,) in db.execute(f"SELECT {covered.key} FROM {covered.table} ORDER BY {covered.key}"):
        yield str(key)


def parse_target(target: str) -> tuple[str, str] | None:
    """``("note", "12")`` for ``note:12`` when notes are covered, else None."""
    kind, colon, key = target.partition(":")
    return (kind, key) if colon and kind in BY_KIND else None
