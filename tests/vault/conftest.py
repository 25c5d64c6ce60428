"""Fixtures for the vault tests: a fresh vault with an administrator and a clinician."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from vault_helpers import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD, FAST_KDF

from workstation.vault.vault import Vault


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "vault.db"


@pytest.fixture
def new_vault(vault_path: Path) -> Callable[..., tuple[Vault, str]]:
    """Create a vault with a fast KDF, an administrator and a clinician; returns it and its
    recovery key, signed in as the administrator."""

    def make(**options: object) -> tuple[Vault, str]:
        vault, recovery_key = Vault.create(
            vault_path, ADMIN, ADMIN_PASSWORD, kdf=FAST_KDF, **options
        )
        vault.add_user(CLINICIAN, CLINICIAN_PASSWORD, "clinician")
        return vault, recovery_key

    return make


@pytest.fixture
def vault(new_vault: Callable[..., tuple[Vault, str]]) -> Iterator[Vault]:
    opened, _ = new_vault()
    yield opened
    opened.close()
