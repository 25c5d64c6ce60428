"""Checks that do not depend on the audit chain: page HMACs, B-tree structure, encryption."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from workstation.errors import VaultCorrupt
from workstation.vault.driver import sqlite_utils


def check_pages(db: sqlite_utils.Database) -> None:
    """SQLCipher's per-page HMAC check, then SQLite's own structure check."""
    bad_pages = db.execute("PRAGMA cipher_integrity_check").fetchall()
    if bad_pages:
        raise VaultCorrupt(f"Database pages failed their integrity check: {bad_pages[0][0]}.")
    structure = db.execute("PRAGMA quick_check").fetchall()
    if structure != [("ok",)]:
        raise VaultCorrupt(f"The database structure is damaged: {structure[0][0]}.")


def refused_by_plain_sqlite(path: Path) -> bool:
    """True when the standard ``sqlite3`` module cannot read the file (it is encrypted)."""
    plain = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return True
    finally:
        plain.close()
    return False
