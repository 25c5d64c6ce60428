"""Key-file changes interrupted between their steps, leftovers, and the sign-in throttle."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD
from vault_helpers import SleepRecorder

from workstation.errors import PasswordRejected, VaultLocked
from workstation.vault import keyfile, throttle
from workstation.vault.vault import Vault

NEW_PASSWORD = "lantern harbour quiet"


def _crash_before_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies after the commit, before the staged key file is put in place."""

    def die(_paths: object) -> None:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(keyfile, "publish", die)


def test_a_committed_password_change_is_completed_at_the_next_sign_in(
    vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _crash_before_publish(patch)
        with pytest.raises(KeyboardInterrupt):
            vault.change_password(CLINICIAN, NEW_PASSWORD)
    assert keyfile.pending_path(vault.paths).exists()
    vault.close()

    carol = Vault(vault_path, sleep=SleepRecorder())
    carol.unlock(CLINICIAN, NEW_PASSWORD)  # the audited change holds, at once
    assert not keyfile.pending_path(vault.paths).exists()
    carol.close()
    with pytest.raises(VaultLocked):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)
    admin = Vault(vault_path, sleep=SleepRecorder())
    admin.unlock(ADMIN, ADMIN_PASSWORD)
    details = [e.detail for e in admin.audit_log() if e.action == "cleanup"]
    assert any("completed" in d for d in details)
    admin.verify()
    admin.close()


def test_an_uncommitted_key_file_and_stale_temporary_files_are_removed_and_audited(
    vault: Vault, vault_path: Path
) -> None:
    vault.close()
    pending = keyfile.pending_path(vault.paths)
    pending.write_bytes(vault.paths.key_file.read_bytes() + b"\n")  # staged, never committed
    stale = vault_path.with_name(f".{vault_path.name}.keys.0123456789ab.tmp")
    stale.write_bytes(b"half a key file")
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    assert not pending.exists() and not stale.exists()
    [row] = [e for e in vault.audit_log() if e.action == "cleanup"]
    assert "discarded" in row.detail and stale.name in row.detail
    vault.verify()
    vault.close()


def test_a_removal_whose_rekey_was_interrupted_is_completed(
    vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.add_patient("RK-1", "Rekey Patient")
    with monkeypatch.context() as patch:

        def die(_key: bytes) -> None:
            raise KeyboardInterrupt("killed before the rekey")

        patch.setattr(vault, "_rekey", die)
        with pytest.raises(KeyboardInterrupt):
            vault.remove_user(CLINICIAN)
    vault._forget()

    again = Vault(vault_path, sleep=SleepRecorder())
    again.unlock(ADMIN, ADMIN_PASSWORD)  # finishes the rekey, then publishes the key file
    assert again.find_patient("RK-1") is not None
    again.verify()
    again.close()
    with pytest.raises(VaultLocked):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)


def test_failures_under_other_names_do_not_slow_the_administrator(
    vault: Vault, vault_path: Path
) -> None:
    vault.close()
    sleeper = SleepRecorder()
    for name in ("nobody", "someone", "mallory", "eve", "trent", "oscar", "peggy"):
        with pytest.raises(VaultLocked):
            Vault(vault_path, sleep=sleeper).unlock(name, "a wrong guess at it")
    Vault(vault_path, sleep=sleeper).unlock(ADMIN, ADMIN_PASSWORD)
    assert sleeper.delays[-1] == 0
    assert sleeper.delays[2:7] == [1, 2, 4, 8, 16], "unknown names share one count"


def test_many_failures_across_accounts_slow_every_sign_in(vault: Vault, vault_path: Path) -> None:
    vault.close()
    sleeper = SleepRecorder()
    for attempt in range(12):
        name = ADMIN if attempt % 2 else CLINICIAN
        with pytest.raises(VaultLocked):
            Vault(vault_path, sleep=sleeper, delay=lambda _n: 0.0).unlock(name, "wrong guess here")
    assert sleeper.delays[:10] == [0] * 10
    assert sleeper.delays[10:] == [1, 2]


def test_deleting_the_failure_log_costs_the_longest_wait(vault: Vault, vault_path: Path) -> None:
    vault.close()
    vault.paths.failure_log.unlink()
    sleeper = SleepRecorder()
    Vault(vault_path, sleep=sleeper).unlock(ADMIN, ADMIN_PASSWORD)
    assert sleeper.delays == [throttle.MAX_DELAY_S]


def test_sign_in_attempts_wait_for_each_other(vault: Vault, vault_path: Path) -> None:
    vault.close()
    done = threading.Event()
    with throttle.one_attempt_at_a_time(vault.paths.signin_lock):
        worker = threading.Thread(
            target=lambda: (
                Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, ADMIN_PASSWORD),
                done.set(),
            )
        )
        worker.start()
        assert not done.wait(0.5), "a second attempt ran while the first held the lock"
    worker.join(timeout=60)
    assert done.is_set()


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "password1234", "carolcarol12", "short pw 1"])
def test_weak_passwords_are_refused_with_a_reason(vault: Vault, password: str) -> None:
    with pytest.raises(PasswordRejected, match="at least 12|too easy to guess"):
        vault.change_password(CLINICIAN, password)
