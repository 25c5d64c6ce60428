"""A vault written by the previous program (schema 1, unsigned audit, version 1 key slots)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD, CLINICIAN, CLINICIAN_PASSWORD
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from vault_helpers import FAST_KDF, SleepRecorder

from workstation.errors import VaultCorrupt
from workstation.vault import audit, keyslots, recovery, schema, settings
from workstation.vault.accounts import Role
from workstation.vault.connection import close, open_keyed, write_transaction
from workstation.vault.files import create_private
from workstation.vault.keyslots import KeySlot, KeySlotFile
from workstation.vault.vault import Vault


def _v1_slot(vault_id: str, username: str, role: Role, password: str, key: bytes) -> KeySlot:
    salt, nonce = os.urandom(16), os.urandom(12)
    aad = keyslots._associated_data(vault_id, username, role, 1)
    wrapped = AESGCM(FAST_KDF.derive(password, salt)).encrypt(nonce, key, aad)
    return KeySlot(username, role, FAST_KDF, salt, nonce, wrapped)


def _legacy_row(db, row_id: int, prev: str, username: str, action: str, target: str) -> str:  # noqa: ANN001
    fields = (row_id, "2026-01-01T00:00:00+00:00", username, action, target, "ok", "", prev)
    digest = audit.row_hash(*fields)
    db.execute(
        "INSERT INTO audit (id, time, username, action, target, outcome, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*fields, digest],
    )
    return digest


def make_version_1_vault(path: Path) -> str:
    """What the previous program left: returns the recovery key."""
    secret = recovery.new_recovery_secret()
    key = recovery.database_key(secret)
    vault_id = uuid.uuid4().hex
    path.parent.mkdir(parents=True)
    create_private(path)
    db = open_keyed(path, key, create=True)
    with write_transaction(db):
        schema.MIGRATIONS[0](db)
        db.execute("PRAGMA user_version = 1")
        settings.put(db, settings.VAULT_ID, vault_id)
        for name, role in ((ADMIN, Role.ADMINISTRATOR), (CLINICIAN, Role.CLINICIAN)):
            db.execute(
                "INSERT INTO users (username, role, created_at, created_by) VALUES (?, ?, 't', ?)",
                [name, str(role), ADMIN],
            )
        db.execute(
            "INSERT INTO patients (identifier, name, sex, created_at, created_by)"
            " VALUES ('OLD-1', 'Old Patient', '', 't', ?)",
            [ADMIN],
        )
        prev = _legacy_row(db, 1, audit.GENESIS_HASH, ADMIN, "create", f"vault:{vault_id}")
        prev = _legacy_row(db, 2, prev, ADMIN, "user_add", f"user:{CLINICIAN}")
        _legacy_row(db, 3, prev, ADMIN, "edit", "patient:1")
    close(db)
    slots = KeySlotFile(vault_id, FAST_KDF)
    slots.slots[ADMIN] = _v1_slot(vault_id, ADMIN, Role.ADMINISTRATOR, ADMIN_PASSWORD, key)
    slots.slots[CLINICIAN] = _v1_slot(vault_id, CLINICIAN, Role.CLINICIAN, CLINICIAN_PASSWORD, key)
    slots.save(Path(str(path) + ".keys"))
    return recovery.format_recovery_key(secret)


def test_first_sign_in_after_the_upgrade_signs_from_then_on(tmp_path: Path) -> None:
    path = tmp_path / "old" / "vault.db"
    make_version_1_vault(path)
    vault = Vault(path, sleep=SleepRecorder())
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    report = vault.verify()
    assert 0 < report.signed_rows < report.audit_rows
    assert report.audit_rows - report.signed_rows == 3, "the three old rows stay unsigned"
    actions = [e.action for e in vault.audit_log()]
    assert {"migrate", "key_enrol"} <= set(actions)
    vault.close()

    carol = Vault(path, sleep=SleepRecorder())
    carol.unlock(CLINICIAN, CLINICIAN_PASSWORD)  # her version 1 slot gets its key now
    carol.add_patient("NEW-1", "New Patient")
    carol.verify()
    slots = KeySlotFile.load(path.with_name("vault.db.keys"))
    assert {s.version for s in slots.slots.values()} == {2}
    carol.close()


def test_an_old_clinical_row_edited_after_the_upgrade_is_named(tmp_path: Path) -> None:
    path = tmp_path / "old" / "vault.db"
    recovery_key = make_version_1_vault(path)
    vault = Vault(path, sleep=SleepRecorder())
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    vault.close()
    key = recovery.database_key(recovery.parse_recovery_key(recovery_key))
    db = open_keyed(path, key)
    db.execute("UPDATE patients SET name = 'Changed' WHERE id = 1")
    close(db)
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    with pytest.raises(VaultCorrupt, match="patients row 1 was changed .*field: name"):
        vault.verify()
    vault.close()


def test_recovery_after_a_removal_still_works_with_the_same_recovery_key(
    new_vault,  # noqa: ANN001
    vault_path: Path,
) -> None:
    vault, recovery_key = new_vault()
    vault.add_patient("R-1", "Recovered Later")
    vault.remove_user(CLINICIAN)  # rekeyed: the derived key no longer opens it
    vault.close()
    vault.paths.key_file.unlink()
    recovered = Vault.recover(vault_path, recovery_key, ADMIN, "after the disaster", kdf=FAST_KDF)
    assert recovered.find_patient("R-1") is not None
    recovered.verify()
    recovered.close()
