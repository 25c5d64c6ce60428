"""Fixtures for the batch tests: a small archive of real LUDB records in a temporary tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import shared


def copy_ludb(destination: Path, numbers: list[int], with_annotations: bool = False) -> None:
    """LUDB records (header and data, and the per-lead annotation files when asked)."""
    source = shared("ludb", "data")
    destination.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        for path in source.glob(f"{n}.*"):
            if with_annotations or path.suffix in (".hea", ".dat"):
                shutil.copy(path, destination / path.name)


@pytest.fixture
def three_records(tmp_path: Path) -> Path:
    archive = tmp_path / "archive"
    copy_ludb(archive, [1, 2, 3])
    return archive


@pytest.fixture
def vault(tmp_path: Path):
    """A real encrypted vault with cheap Argon2 settings, signed in as its administrator."""
    from workstation.vault import Argon2Params, Vault

    fast = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
    created, _recovery_key = Vault.create(
        tmp_path / "vault" / "vault.db", "admin", "admin password 1", kdf=fast
    )
    yield created
    created.lock()
