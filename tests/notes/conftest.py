"""Fixtures for the clinical-notes tests: a real vault with cheap Argon2 and two patients'
notes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notes_helpers import FAST_KDF, PASSWORD, USER

from workstation.vault import Vault


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "vault.db"


@pytest.fixture
def vault(vault_path: Path) -> Iterator[Vault]:
    opened, _ = Vault.create(vault_path, USER, PASSWORD, kdf=FAST_KDF)
    yield opened
    opened.close()


@pytest.fixture
def ward(vault: Vault) -> dict[str, int]:
    """Two patients: one with chest pain, one who denies it (and whose mother had it)."""
    first = vault.add_patient("P-001", "Doe, Jane")
    second = vault.add_patient("P-002", "Roe, Richard")
    s1 = vault.create_session(first.id, "ecg")
    s2 = vault.create_session(second.id, "ecg")
    return {
        "patient1": first.id,
        "patient2": second.id,
        "session1": s1,
        "session2": s2,
        "note1": vault.add_note(s1, "Crushing chest pain since this morning. On ASA."),
        "note2": vault.add_note(s2, "Denies chest pain. Mother had CP and an MI."),
        "note3": vault.add_note(s2, "Possible pneumonia, started amoxicillin."),
    }
