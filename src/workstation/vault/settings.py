"""Small named values that belong to the vault itself (its id, the failed-login log position)."""

from __future__ import annotations

from workstation.vault.driver import sqlite_utils

VAULT_ID = "vault_id"
CREATED_AT = "created_at"
FAILURE_LOG_EPOCH = "failure_log_epoch"
FAILURE_LOG_OFFSET = "failure_log_offset"


def get(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def put(db: sqlite_utils.Database, key: str, value: str) -> None:
    db["settings"].upsert({"key": key, "value": value}, pk="key")
