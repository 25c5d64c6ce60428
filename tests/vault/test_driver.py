"""sqlite-utils on a keyed sqlcipher3 connection, and the default vault location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workstation.vault.connection import open_keyed
from workstation.vault.driver import sqlcipher3, sqlite_utils
from workstation.vault.location import ENV_VAR, VaultPaths, default_vault_path


def test_sqlite_utils_catches_sqlcipher_errors(tmp_path: Path) -> None:
    assert sqlite_utils.db.sqlite3 is sqlcipher3
    db = open_keyed(tmp_path / "k.db", os.urandom(32), create=True)
    db["missing"].drop(ignore=True)
    db["items"].insert({"a": 1})
    db["items"].insert({"a": 2, "b": "new column"}, alter=True)
    db["items"].create_index(["a"], find_unique_name=True)
    db["items"].create_index(["a"], find_unique_name=True)
    assert db["items"].count == 2
    db.conn.close()


def test_location_from_environment_or_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert default_vault_path() == tmp_path / "env.db"
    assert VaultPaths.at(None).key_file == tmp_path / "env.db.keys"
    assert VaultPaths.at(tmp_path / "arg.db").failure_log == tmp_path / "arg.db.failures"
    monkeypatch.delenv(ENV_VAR)
    assert default_vault_path().name == "vault.db"
    assert "clinician-workstation" in str(default_vault_path())
