"""Versioned migrations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD
from vault_helpers import SleepRecorder, raw_connection

from workstation.errors import VaultError
from workstation.vault import schema
from workstation.vault.vault import Vault


def test_new_vault_is_at_the_latest_schema_version(
    new_vault: Callable[..., tuple[Vault, str]],
) -> None:
    vault, recovery_key = new_vault()
    vault.close()
    conn = raw_connection(vault.paths.database, recovery_key)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert schema.SCHEMA_VERSION == len(schema.MIGRATIONS)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "patients",
        "sessions",
        "recordings",
        "recording_chunks",
        "analyses",
        "analysis_arrays",
        "notes",
        "reports",
        "audit",
        "users",
        "settings",
    } <= tables
    conn.close()


def test_a_pending_migration_runs_at_sign_in_and_is_audited(
    new_vault: Callable[..., tuple[Vault, str]],
    vault_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault, _ = new_vault()
    vault.close()

    def add_column(db) -> None:  # noqa: ANN001  (the shape every migration has)
        db["sessions"].add_column("ward", str)

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, add_column))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    vault = Vault(vault_path, sleep=SleepRecorder())
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    migrated = [e.detail for e in vault.audit_log() if e.action == "migrate"]
    assert migrated == [f"schema upgraded to version {schema.SCHEMA_VERSION}"]
    vault.verify()
    vault.close()


def test_a_vault_from_a_newer_program_is_refused(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, recovery_key = new_vault()
    vault.close()
    conn = raw_connection(vault.paths.database, recovery_key)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(VaultError, match="newer Workstation"):
        Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, ADMIN_PASSWORD)
