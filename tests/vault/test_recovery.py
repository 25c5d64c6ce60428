"""The recovery key: the way back in when the key file is lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN, CLINICIAN, CLINICIAN_PASSWORD
from vault_helpers import FAST_KDF, SleepRecorder, assert_same_recording, synthetic_recording

from workstation.errors import (
    InvalidRecoveryKey,
    KeyFileMissing,
    PermissionDenied,
    VaultCorrupt,
    VaultLocked,
)
from workstation.vault import recovery
from workstation.vault.vault import Vault


def test_recovery_key_format_survives_retyping() -> None:
    secret = recovery.new_recovery_secret()
    text = recovery.format_recovery_key(secret)
    groups = text.split("-")
    assert len(groups) == 11 and all(len(g) == 5 for g in groups)
    retyped = text.lower().replace("-", " ").replace("o", "0")
    assert recovery.parse_recovery_key(retyped) == secret
    typo = ("A" if text[0] != "A" else "B") + text[1:]
    with pytest.raises(InvalidRecoveryKey, match="typo"):
        recovery.parse_recovery_key(typo)
    with pytest.raises(InvalidRecoveryKey, match="should have 55"):
        recovery.parse_recovery_key(text[:-3])


def test_database_key_is_not_the_printed_secret() -> None:
    secret = recovery.new_recovery_secret()
    key = recovery.database_key(secret)
    assert len(key) == 32 and key != secret
    assert recovery.database_key(secret) == key


def test_lost_key_file_is_recovered_with_the_recovery_key(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, recovery_key = new_vault()
    patient = vault.add_patient("K-1", "Someone")
    original = synthetic_recording(7)
    session_id = vault.save_session(patient.id, original)
    vault.close()
    vault.paths.key_file.unlink()

    with pytest.raises(KeyFileMissing, match="recovery key"):
        Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, "admin password 1")
    recovered = Vault.recover(vault_path, recovery_key, ADMIN, "after the disaster", kdf=FAST_KDF)
    [info] = recovered.list_recordings(session_id)
    assert_same_recording(recovered.load_recording(info.id), original)
    recovered.verify()
    assert any(e.action == "recover" for e in recovered.audit_log())
    recovered.change_password(CLINICIAN, "new clinician password")
    recovered.close()

    again = Vault(vault_path, sleep=SleepRecorder())
    with pytest.raises(VaultLocked):
        again.unlock(ADMIN, "admin password 1")
    again.unlock(CLINICIAN, "new clinician password")
    again.close()


def test_recovery_can_create_a_new_administrator_but_not_promote_a_clinician(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, recovery_key = new_vault()
    vault.close()
    with pytest.raises(PermissionDenied):
        Vault.recover(vault_path, recovery_key, CLINICIAN, "a new password 1", kdf=FAST_KDF)
    recovered = Vault.recover(vault_path, recovery_key, "it-admin", "a new password 1")
    assert recovered.user.username == "it-admin"
    recovered.close()
    Vault(vault_path).unlock(CLINICIAN, CLINICIAN_PASSWORD)


def test_a_wrong_recovery_key_opens_nothing(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    vault.close()
    other = recovery.format_recovery_key(recovery.new_recovery_secret())
    with pytest.raises(InvalidRecoveryKey, match="does not open"):
        Vault.recover(vault_path, other, ADMIN, "a new password 1", kdf=FAST_KDF)


def test_key_file_of_another_vault_is_named_as_the_problem(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path, tmp_path: Path
) -> None:
    vault, recovery_key = new_vault()
    vault.close()
    other_path = tmp_path / "other" / "vault.db"
    other, _ = Vault.create(other_path, ADMIN, "admin password 1", kdf=FAST_KDF)
    other.close()
    vault.paths.key_file.write_bytes(other.paths.key_file.read_bytes())

    with pytest.raises(VaultCorrupt, match="key file .* does not open the database") as caught:
        Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, "admin password 1")
    assert "recovery key" in str(caught.value)
    Vault.recover(vault_path, recovery_key, ADMIN, "after the mix-up", kdf=FAST_KDF).close()
    Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, "after the mix-up")
