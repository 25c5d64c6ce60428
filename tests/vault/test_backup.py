"""Backups are encrypted, verified when written, and restorable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD
from vault_helpers import SleepRecorder, assert_same_recording, synthetic_recording

from workstation.errors import PermissionDenied, VaultCorrupt, VaultExists, VaultLocked
from workstation.vault.integrity import refused_by_plain_sqlite
from workstation.vault.vault import Vault


def test_backup_then_restore_over_a_damaged_vault(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path, tmp_path: Path
) -> None:
    vault, _ = new_vault()
    patient = vault.add_patient("BK-1", "Someone")
    original = synthetic_recording(11)
    session_id = vault.save_session(patient.id, original)
    backup_file = tmp_path / "backups" / "monday.db"
    info = vault.backup(backup_file)
    vault.save_session(patient.id, synthetic_recording(12))
    vault.close()

    assert info.database == backup_file and info.key_file.exists()
    assert refused_by_plain_sqlite(backup_file)
    assert not list(backup_file.parent.glob(".*partial"))
    reopened = Vault(vault_path)
    reopened.unlock(ADMIN, ADMIN_PASSWORD)
    with pytest.raises(VaultExists, match="never overwritten"):
        reopened.backup(backup_file)
    reopened.close()

    with vault_path.open("r+b") as damaged:
        damaged.seek(4096 + 100)
        damaged.write(b"\xff" * 64)
    with pytest.raises(VaultExists, match="--force"):
        Vault.restore(backup_file, vault_path, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(VaultLocked):
        Vault.restore(backup_file, vault_path, ADMIN, "wrong password", force=True)
    with pytest.raises(PermissionDenied):
        Vault.restore(backup_file, vault_path, CLINICIAN, CLINICIAN_PASSWORD, force=True)

    restored = Vault.restore(backup_file, vault_path, ADMIN, ADMIN_PASSWORD, force=True)
    assert [s.id for s in restored.list_sessions()] == [session_id]
    [recording] = restored.list_recordings(session_id)
    assert_same_recording(restored.load_recording(recording.id), original)
    restored.verify()
    assert any(e.action == "restore" for e in restored.audit_log())
    assert not any(e.action == "failure_log" for e in restored.audit_log())
    restored.close()
    [aside] = vault_path.parent.glob("vault.db.replaced-*")
    assert (aside / "vault.db").exists(), "the replaced vault is kept, not deleted"
    Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)


def test_a_tampered_backup_is_refused(
    new_vault: Callable[..., tuple[Vault, str]], tmp_path: Path
) -> None:
    vault, _ = new_vault()
    vault.add_patient("BK-2", "Someone")
    backup_file = tmp_path / "b.db"
    vault.backup(backup_file)
    vault.close()
    data = bytearray(backup_file.read_bytes())
    data[-200] ^= 0x01
    backup_file.write_bytes(bytes(data))
    with pytest.raises(VaultCorrupt):
        Vault.restore(backup_file, tmp_path / "elsewhere.db", ADMIN, ADMIN_PASSWORD)
    assert not (tmp_path / "elsewhere.db").exists()


def test_restore_does_not_replay_a_stale_write_ahead_log(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path, tmp_path: Path
) -> None:
    """A -wal left by a deleted vault would be replayed onto the restored database."""
    vault, _ = new_vault()
    patient = vault.add_patient("BK-3", "Someone")
    backup_file = tmp_path / "b.db"
    vault.backup(backup_file)
    for seed in range(3):
        vault.save_session(patient.id, synthetic_recording(seed, channels=2, samples=500))
    wal = vault_path.with_name("vault.db-wal")
    stale = wal.read_bytes()
    assert len(stale) > 4096
    vault.close()
    for path in vault.paths.all_files():
        path.unlink(missing_ok=True)
    wal.write_bytes(stale)

    with pytest.raises(VaultExists, match="--force"):
        Vault.restore(backup_file, vault_path, ADMIN, ADMIN_PASSWORD)
    restored = Vault.restore(backup_file, vault_path, ADMIN, ADMIN_PASSWORD, force=True)
    assert restored.list_sessions() == []
    restored.verify()
    restored.close()
    [aside] = vault_path.parent.glob("vault.db.replaced-*")
    assert (aside / "vault.db-wal").read_bytes() == stale
