"""The vault's tables, as an ordered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied; a migration is a function that
changes the schema from version n-1 to n and runs inside the same transaction that bumps the
version, so a crash mid-migration leaves the old schema intact. Never edit a released migration:
append a new one.

Tables are STRICT: a float where text belongs is an error, not a silent conversion.
"""

from __future__ import annotations

from collections.abc import Callable

from workstation.errors import VaultError
from workstation.vault import audit
from workstation.vault.driver import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _v1_initial(db: sqlite_utils.Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key", not_null={"value"}, strict=True)
    db["users"].create(
        {"username": str, "role": str, "created_at": str, "created_by": str, "removed_at": str},
        pk="username",
        not_null={"role", "created_at", "created_by"},
        strict=True,
    )
    db["patients"].create(
        {
            "id": int,
            "identifier": str,
            "name": str,
            "sex": str,
            "birth_date": str,
            "created_at": str,
            "created_by": str,
        },
        pk="id",
        not_null={"identifier", "name", "sex", "created_at", "created_by"},
        strict=True,
    )
    db["patients"].create_index(["identifier"], unique=True)
    db["sessions"].create(
        {
            "id": int,
            "patient_id": int,
            "modality": str,
            "status": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        not_null={"patient_id", "modality", "status", "created_by", "created_at"},
        foreign_keys=[("patient_id", "patients", "id")],
        strict=True,
    )
    db["sessions"].create_index(["patient_id"])
    db["sessions"].create_index(["created_at"])
    db["recordings"].create(
        {
            "id": int,
            "session_id": int,
            "fs": float,
            "n_channels": int,
            "n_samples": int,
            "dtype": str,
            "channel_names": str,
            "units": str,
            "modality": str,
            "start_time": str,
            "annotations": str,
            "source_name": str,
            "source_sha256": str,
            "source_format": str,
            "warnings": str,
            "metadata": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        not_null={
            "session_id",
            "fs",
            "n_channels",
            "n_samples",
            "dtype",
            "channel_names",
            "units",
            "modality",
            "annotations",
            "source_name",
            "source_sha256",
            "source_format",
            "warnings",
            "metadata",
            "created_by",
            "created_at",
        },
        foreign_keys=[("session_id", "sessions", "id")],
        strict=True,
    )
    db["recordings"].create_index(["session_id"])
    db["recording_chunks"].create(
        {"recording_id": int, "seq": int, "first_sample": int, "n_samples": int, "data": bytes},
        pk=("recording_id", "seq"),
        not_null={"first_sample", "n_samples", "data"},
        foreign_keys=[("recording_id", "recordings", "id")],
        strict=True,
    )
    db["analyses"].create(
        {
            "id": int,
            "session_id": int,
            "recording_id": int,
            "kind": str,
            "results": str,
            "models": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        not_null={"session_id", "kind", "results", "models", "created_by", "created_at"},
        foreign_keys=[("session_id", "sessions", "id"), ("recording_id", "recordings", "id")],
        strict=True,
    )
    db["analyses"].create_index(["session_id"])
    db["analysis_arrays"].create(
        {"analysis_id": int, "name": str, "dtype": str, "shape": str, "data": bytes},
        pk=("analysis_id", "name"),
        not_null={"dtype", "shape", "data"},
        foreign_keys=[("analysis_id", "analyses", "id")],
        strict=True,
    )
    db["notes"].create(
        {
            "id": int,
            "session_id": int,
            "kind": str,
            "text": str,
            "analysis_id": int,
            "author": str,
            "created_at": str,
        },
        pk="id",
        not_null={"session_id", "kind", "text", "author", "created_at"},
        foreign_keys=[("session_id", "sessions", "id"), ("analysis_id", "analyses", "id")],
        strict=True,
    )
    db["notes"].create_index(["session_id"])
    db["reports"].create(
        {
            "id": int,
            "session_id": int,
            "title": str,
            "pdf": bytes,
            "sha256": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        not_null={"session_id", "title", "pdf", "sha256", "created_by", "created_at"},
        foreign_keys=[("session_id", "sessions", "id")],
        strict=True,
    )
    db["reports"].create_index(["session_id"])
    for statement in audit.SCHEMA:
        db.execute(statement)


def _v2_signed_audit(db: sqlite_utils.Database) -> None:
    """Signatures and content hashes in the audit; each user's public key beside the account.

    Existing rows stay as they were (unsigned); the program that runs this migration writes a
    signed baseline of every clinical row right after it (``baseline.py``).
    """
    for column in audit.SIGNED_COLUMNS:
        db.execute(f"ALTER TABLE audit ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE users ADD COLUMN public_key TEXT")


MIGRATIONS: tuple[Migration, ...] = (_v1_initial, _v2_signed_audit)
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply the missing migrations inside the caller's write transaction; return their versions."""
    if not db.conn.in_transaction:
        raise RuntimeError("migrate must run inside a write transaction")
    version = current_version(db)
    if version > SCHEMA_VERSION:
        raise VaultError(
            f"The vault was written by a newer Workstation (schema version {version}; this "
            f"program knows up to {SCHEMA_VERSION}).",
            "Update the Workstation on this computer before opening the vault.",
        )
    applied = []
    for number in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[number - 1](db)
        db.execute(f"PRAGMA user_version = {number}")
        applied.append(number)
    return applied
