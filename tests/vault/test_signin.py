"""Sign-in, lock, rate limiting, roles and accounts."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD
from vault_helpers import SleepRecorder, synthetic_recording

from workstation.errors import (
    PasswordRejected,
    PermissionDenied,
    UnknownUser,
    UserExists,
    VaultCorrupt,
    VaultError,
    VaultLocked,
    VaultNotFound,
)
from workstation.vault import keyslots
from workstation.vault.accounts import Role
from workstation.vault.connection import open_keyed
from workstation.vault.keyslots import Argon2Params, KeySlotFile
from workstation.vault.throttle import escalating_delay
from workstation.vault.vault import Vault


def _failed_logins(vault: Vault) -> list[tuple[str, str]]:
    return [(e.username, e.detail) for e in vault.audit_log() if e.action == "login_failed"]


def test_wrong_password_is_refused_with_a_clear_error_and_no_access(
    vault: Vault, vault_path: Path
) -> None:
    vault.close()
    locked = Vault(vault_path, sleep=SleepRecorder())
    with pytest.raises(VaultLocked, match="username or password is wrong") as caught:
        locked.unlock(ADMIN, "not the password")
    assert "ask an administrator" in str(caught.value)
    assert locked.is_locked
    for attempt in (locked.list_sessions, locked.list_patients, lambda: locked.load_recording(1)):
        with pytest.raises(VaultLocked):
            attempt()


def test_failures_wait_longer_each_time_and_are_all_audited(vault: Vault, vault_path: Path) -> None:
    vault.close()
    sleeper = SleepRecorder()
    locked = Vault(vault_path, sleep=sleeper)
    for _ in range(4):
        with pytest.raises(VaultLocked):
            locked.unlock(CLINICIAN, "wrong password")
    with pytest.raises(VaultLocked):
        locked.unlock("mallory", "wrong password")
    # A restart does not reset the count: it lives in the failed-login file.
    restarted = Vault(vault_path, sleep=sleeper)
    restarted.unlock(ADMIN, ADMIN_PASSWORD)

    # Per account: carol's four failures grow her wait; the unknown name and the
    # administrator start from zero.
    assert sleeper.delays == [0, 0, 1, 2, 0, 0]
    assert sleeper.delays[:4] == [escalating_delay(n) for n in range(4)]
    failed = _failed_logins(restarted)
    assert [user for user, _ in failed] == [CLINICIAN] * 4 + ["(unknown account)"]
    assert all("wrong password" in detail for _, detail in failed[:4])
    assert "mallory" not in json.dumps([e.detail for e in restarted.audit_log()])

    restarted.lock()
    restarted.unlock(ADMIN, ADMIN_PASSWORD)
    assert sleeper.delays[-1] == 0, "a success resets the delay"
    assert len(_failed_logins(restarted)) == 5, "failures are imported once"
    restarted.close()


def test_delay_policy_grows_and_is_capped() -> None:
    delays = [escalating_delay(n) for n in range(12)]
    assert delays[:6] == [0, 0, 1, 2, 4, 8]
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert max(delays) == 30


def test_lock_drops_access_and_unlock_restores_it(vault: Vault) -> None:
    patient = vault.add_patient("L-1", "Someone")
    vault.lock()
    assert vault.is_locked
    with pytest.raises(VaultLocked):
        vault.add_patient("L-2", "Someone")
    with pytest.raises(VaultLocked):
        _ = vault.user
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    assert vault.get_patient(patient.id) == patient
    actions = [e.action for e in vault.audit_log()]
    assert actions.count("lock") == 1
    assert actions[-4:] == ["lock", "unlock", "open", "list"]


def test_clinician_cannot_manage_users_but_administrator_can(vault: Vault) -> None:
    vault.lock()
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    patient = vault.add_patient("R-1", "Someone")
    vault.save_session(patient.id, synthetic_recording(1, channels=1, samples=64))
    for forbidden in (
        lambda: vault.add_user("dave", "dave password 1", Role.CLINICIAN),
        lambda: vault.remove_user(ADMIN),
        lambda: vault.change_password(ADMIN, "new admin password"),
        vault.list_users,
        vault.audit_log,
        lambda: vault.backup(vault.paths.database.with_name("b.db")),
    ):
        with pytest.raises(PermissionDenied, match="carol.*clinician.*administrator"):
            forbidden()
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    denied = [e for e in vault.audit_log() if e.outcome == "denied"]
    assert len(denied) == 6 and {e.username for e in denied} == {CLINICIAN}
    vault.add_user("dave", "dave password 1", Role.ADMINISTRATOR)
    assert [(u.username, u.role) for u in vault.list_users()] == [
        (ADMIN, Role.ADMINISTRATOR),
        (CLINICIAN, Role.CLINICIAN),
        ("dave", Role.ADMINISTRATOR),
    ]


def test_removed_users_password_no_longer_opens_the_vault(vault: Vault, vault_path: Path) -> None:
    vault.remove_user(CLINICIAN)
    slots = json.loads(vault.paths.key_file.read_text())["slots"]
    assert [slot["username"] for slot in slots] == [ADMIN]
    with pytest.raises(UnknownUser):
        vault.remove_user(CLINICIAN)
    with pytest.raises(VaultError, match="your own account"):
        vault.remove_user(ADMIN)
    vault.close()
    with pytest.raises(VaultLocked):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)


def test_removed_users_old_slot_and_password_no_longer_open_the_vault(
    vault: Vault, vault_path: Path
) -> None:
    old_key_file = vault.paths.key_file.read_bytes()
    old_key = bytes(vault._key or b"")
    vault.remove_user(CLINICIAN)
    vault.add_patient("AFTER-1", "Added After The Removal")
    new_key_file = vault.paths.key_file.read_bytes()
    vault.close()

    slots = KeySlotFile.from_bytes(old_key_file)
    opened = keyslots.open_slot(slots.vault_id, slots.slots[CLINICIAN], CLINICIAN_PASSWORD)
    assert opened.db_key == old_key
    with pytest.raises(VaultCorrupt):
        open_keyed(vault_path, opened.db_key)
    vault.paths.key_file.write_bytes(old_key_file)
    with pytest.raises(VaultCorrupt, match="older than the database"):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)

    vault.paths.key_file.write_bytes(new_key_file)
    again = Vault(vault_path, sleep=SleepRecorder())
    again.unlock(ADMIN, ADMIN_PASSWORD)
    assert again.find_patient("AFTER-1") is not None
    assert again.verify().audit_rows > 0
    again.close()


def test_a_removed_users_open_session_ends_at_its_next_call(vault: Vault, vault_path: Path) -> None:
    patient = vault.add_patient("S-1", "Still Open")
    other = Vault(vault_path, sleep=SleepRecorder())
    other.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    other.add_note(other.create_session(patient.id, "ecg"), "before the removal")
    vault.remove_user(CLINICIAN)
    with pytest.raises(VaultLocked, match="session has ended"):
        other.add_note(1, "after the removal")
    assert other.is_locked
    vault.verify()
    vault.close()


def test_editing_the_role_in_the_key_file_does_not_grant_it(vault: Vault, vault_path: Path) -> None:
    vault.close()
    document = json.loads(vault.paths.key_file.read_text())
    for slot in document["slots"]:
        if slot["username"] == CLINICIAN:
            slot["role"] = "administrator"
    vault.paths.key_file.write_text(json.dumps(document))
    with pytest.raises(VaultLocked):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)


def test_password_change_rewrites_one_slot(vault: Vault, vault_path: Path) -> None:
    before = {s["username"]: s for s in json.loads(vault.paths.key_file.read_text())["slots"]}
    vault.lock()
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    with pytest.raises(VaultLocked, match="current password is wrong"):
        vault.change_password(CLINICIAN, "brand new password", current_password="guess")
    with pytest.raises(PasswordRejected, match="at least 12"):
        vault.change_password(CLINICIAN, "short", current_password=CLINICIAN_PASSWORD)
    vault.change_password(CLINICIAN, "brand new password", current_password=CLINICIAN_PASSWORD)
    after = {s["username"]: s for s in json.loads(vault.paths.key_file.read_text())["slots"]}
    assert after[ADMIN] == before[ADMIN]
    assert after[CLINICIAN]["sealed_seed"] != before[CLINICIAN]["sealed_seed"]
    vault.lock()
    with pytest.raises(VaultLocked):
        Vault(vault_path, sleep=SleepRecorder()).unlock(CLINICIAN, CLINICIAN_PASSWORD)
    vault.unlock(CLINICIAN, "brand new password")
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    vault.change_password(CLINICIAN, "reset by the admin")
    vault.lock()
    vault.unlock(CLINICIAN, "reset by the admin")
    vault.close()


def test_account_rules(vault: Vault) -> None:
    with pytest.raises(UserExists):
        vault.add_user(CLINICIAN, "another password", Role.CLINICIAN)
    with pytest.raises(PasswordRejected, match="username"):
        vault.add_user("bad name\n", "another password", Role.CLINICIAN)
    with pytest.raises(PasswordRejected, match="characters"):
        vault.add_user("erin", "short", Role.CLINICIAN)
    with pytest.raises(UnknownUser):
        vault.change_password("nobody", "another password")


def test_missing_vault_is_reported(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound, match="vault init"):
        Vault(tmp_path / "absent.db").unlock(ADMIN, ADMIN_PASSWORD)


def test_default_argon2_parameters_are_stored_in_the_slot(tmp_path: Path) -> None:
    assert Argon2Params() == Argon2Params(memory_kib=65_536, time_cost=3, parallelism=4)
    path = tmp_path / "default.db"
    vault, _ = Vault.create(path, ADMIN, ADMIN_PASSWORD)
    vault.close()
    [slot] = json.loads(path.with_name("default.db.keys").read_text())["slots"]
    assert slot["kdf"] == {
        "algorithm": "argon2id",
        "version": 19,
        "memory_kib": 65_536,
        "time_cost": 3,
        "parallelism": 4,
    }
    assert len(base64.b64decode(slot["salt"])) == 16
    Vault(path).unlock(ADMIN, ADMIN_PASSWORD)


def test_failure_log_replaced_while_locked_is_audited(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    vault.close()
    vault.paths.failure_log.unlink()
    locked = Vault(vault_path, sleep=SleepRecorder())
    with pytest.raises(VaultLocked):
        locked.unlock(ADMIN, "wrong")
    locked.unlock(ADMIN, ADMIN_PASSWORD)
    rows = [(e.action, e.outcome) for e in locked.audit_log()]
    assert ("failure_log", "failed") in rows
    assert ("login_failed", "failed") in rows
    locked.close()


def test_forged_failure_lines_reach_the_audit_only_as_unreadable(
    vault: Vault, vault_path: Path
) -> None:
    vault.close()
    forged = {
        "type": "failure",
        "time": "2026-01-01T00:00:00+00:00",
        "username": CLINICIAN,
        "reason": "Quokka Zebrafinch was here",
    }
    with vault.paths.failure_log.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    again = Vault(vault_path, sleep=SleepRecorder())
    again.unlock(ADMIN, ADMIN_PASSWORD)
    details = [e.detail for e in again.audit_log() if e.action == "login_failed"]
    assert len(details) == 1 and details[0].startswith("unreadable line")
    assert "Quokka" not in json.dumps([e.detail for e in again.audit_log()])
    again.close()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda doc: doc["slots"][0].update(nonce="AAAA"), "wrong size"),
        (lambda doc: doc["slots"][0].update(kdf="argon2id"), "damaged"),
        (lambda doc: doc["slots"][0]["kdf"].update(memory_kib=1 << 40), "out of range"),
        (lambda doc: doc["slots"][0].update(wrapped_key="AAAA"), "wrong size"),
    ],
)
def test_damaged_key_file_is_reported_as_such(
    vault: Vault, vault_path: Path, damage: Callable[[dict], None], words: str
) -> None:
    vault.close()
    document = json.loads(vault.paths.key_file.read_text())
    document["slots"].sort(key=lambda slot: slot["username"] != ADMIN)
    damage(document)
    vault.paths.key_file.write_text(json.dumps(document))
    with pytest.raises(VaultCorrupt, match=words) as caught:
        Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, ADMIN_PASSWORD)
    assert "key file" in str(caught.value) and "recover" in str(caught.value)


def test_key_file_that_is_not_an_object_is_reported_as_damaged(
    vault: Vault, vault_path: Path
) -> None:
    vault.close()
    vault.paths.key_file.write_text("[]")
    with pytest.raises(VaultCorrupt, match="key file .* is damaged"):
        Vault(vault_path, sleep=SleepRecorder()).unlock(ADMIN, ADMIN_PASSWORD)


def test_guessing_the_current_password_while_signed_in_waits_longer_each_time(
    vault: Vault, vault_path: Path
) -> None:
    vault.close()
    sleeper = SleepRecorder()
    signed_in = Vault(vault_path, sleep=sleeper)
    signed_in.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    for _ in range(4):
        with pytest.raises(VaultLocked, match="current password is wrong"):
            signed_in.change_password(CLINICIAN, "a new password", current_password="guess")
    signed_in.change_password(CLINICIAN, "a new password", current_password=CLINICIAN_PASSWORD)
    assert sleeper.delays == [0, 0, 0, 1, 2, 4]
    signed_in.close()
