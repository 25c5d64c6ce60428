"""A vault's life cycle: creation, recovery with the recovery key, backup and restore."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Self

from workstation.errors import (
    InvalidRecoveryKey,
    KeyFileMissing,
    PermissionDenied,
    VaultCorrupt,
    VaultExists,
    VaultLocked,
)
from workstation.vault import audit, backup, failures, keyslots, recovery, schema, settings
from workstation.vault.access import Clock, utc_now
from workstation.vault.accounts import Role, User, check_new_password, check_username
from workstation.vault.audit import Action
from workstation.vault.connection import (
    DEFAULT_BUSY_TIMEOUT_S,
    close,
    first_write,
    open_keyed,
)
from workstation.vault.driver import sqlite_utils
from workstation.vault.failures import FailureLog
from workstation.vault.files import create_private, ensure_private_dir, reported_as_vault_error
from workstation.vault.keyslots import Argon2Params, KeySlotFile
from workstation.vault.location import VaultPaths
from workstation.vault.signin import SignIn
from workstation.vault.store import Store

RECOVERY_ACTOR = "(recovery key)"


class VaultLifecycle(SignIn):
    """Class methods that make a vault usable: create, recover, restore; and backup."""

    @classmethod
    def create(
        cls,
        path: str | Path | None,
        admin_username: str,
        admin_password: str,
        *,
        kdf: Argon2Params | None = None,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        clock: Clock = utc_now,
    ) -> tuple[Self, str]:
        """A new vault with its first administrator, unlocked, and its recovery key.

        Show the recovery key once and tell the administrator to keep it offline: it is never
        stored, and it is the only way back in if the key file is lost.
        """
        vault = cls(path, busy_timeout_s=busy_timeout_s, clock=clock)
        paths = vault.paths
        check_username(admin_username)
        check_new_password(admin_password)
        for existing in (paths.database, paths.key_file):
            if existing.exists():
                raise VaultExists(
                    existing,
                    "Choose another location. Remove the old files only if you are sure they "
                    "are not needed; a backup can be restored with 'workstation vault restore'.",
                )
        ensure_private_dir(paths.database.parent)
        secret = recovery.new_recovery_secret()
        key = recovery.database_key(secret)
        vault_id = uuid.uuid4().hex
        slots = KeySlotFile(vault_id, kdf or Argon2Params())
        slots.slots[admin_username] = keyslots.seal_slot(
            vault_id, admin_username, Role.ADMINISTRATOR, admin_password, key, slots.new_slot_kdf
        )
        create_private(paths.database)
        try:
            db = open_keyed(paths.database, key, create=True, busy_timeout_s=busy_timeout_s)
        except BaseException:
            paths.database.unlink()
            raise
        try:
            with first_write(db, busy_timeout_s):
                vault._initialise(db, slots, admin_username)
        except BaseException:
            for created in paths.all_files():
                created.unlink(missing_ok=True)
            raise
        vault._become_unlocked(
            db,
            key,
            vault_id,
            User(admin_username, Role.ADMINISTRATOR, vault._now(), admin_username),
        )
        return vault, recovery.format_recovery_key(secret)

    def _initialise(self, db: sqlite_utils.Database, slots: KeySlotFile, admin: str) -> None:
        now = self._now()
        schema.migrate(db)
        settings.put(db, settings.VAULT_ID, slots.vault_id)
        settings.put(db, settings.CREATED_AT, now)
        Store(db).add_user(admin, Role.ADMINISTRATOR, actor=admin, now=now)
        failures.adopt(db, FailureLog(self.paths.failure_log))
        audit.append(
            db,
            time=now,
            username=admin,
            action=Action.CREATE,
            target=f"vault:{slots.vault_id}",
            detail=f"schema version {schema.SCHEMA_VERSION}",
        )
        audit.append(
            db,
            time=now,
            username=admin,
            action=Action.USER_ADD,
            target=f"user:{admin}",
            detail="first administrator",
        )
        slots.save(self.paths.key_file)

    @classmethod
    def recover(
        cls,
        path: str | Path | None,
        recovery_key: str,
        admin_username: str,
        admin_password: str,
        *,
        kdf: Argon2Params | None = None,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        clock: Clock = utc_now,
    ) -> Self:
        """Open the vault with the recovery key and give an administrator a new password.

        Rebuilds the key file when it is missing or damaged (other users then need a password
        reset by this administrator), or resets one administrator's password when it is intact.
        The name may be an existing administrator or a new account, created as administrator.
        """
        vault = cls(path, busy_timeout_s=busy_timeout_s, clock=clock)
        check_username(admin_username)
        check_new_password(admin_password)
        key = recovery.database_key(recovery.parse_recovery_key(recovery_key))
        try:
            db = open_keyed(vault.paths.database, key, busy_timeout_s=busy_timeout_s)
        except VaultCorrupt as error:
            raise InvalidRecoveryKey(
                f"This recovery key does not open the vault at '{vault.paths.database}'."
            ) from error
        with first_write(db, busy_timeout_s):
            user = vault._recover_slot(db, key, admin_username, admin_password, kdf)
        vault._become_unlocked(db, key, settings.get(db, settings.VAULT_ID) or "", user)
        return vault

    def _load_slots_for_recovery(
        self, vault_id: str, kdf: Argon2Params | None
    ) -> tuple[KeySlotFile, str]:
        """The key file to add the administrator to, and what recovery did (for the audit)."""
        fresh = KeySlotFile(vault_id, kdf or Argon2Params())
        try:
            slots = KeySlotFile.load(self.paths.key_file)
        except (KeyFileMissing, VaultCorrupt) as error:
            return fresh, f"key file rebuilt ({error.problem})"
        if slots.vault_id != vault_id:
            return fresh, "key file of another vault replaced"
        return slots, "administrator password reset"

    def _recover_slot(
        self,
        db: sqlite_utils.Database,
        key: bytes,
        username: str,
        password: str,
        kdf: Argon2Params | None,
    ) -> User:
        now = self._now()
        schema.migrate(db)
        store = Store(db)
        vault_id = settings.get(db, settings.VAULT_ID) or ""
        slots, what = self._load_slots_for_recovery(vault_id, kdf)
        user = store.user(username)
        if user is not None and user.role is not Role.ADMINISTRATOR:
            raise PermissionDenied(
                username,
                str(user.role),
                "be given administrator access with the recovery key (name an administrator "
                "account or a new username)",
            )
        if user is None:
            user = store.add_user(username, Role.ADMINISTRATOR, actor=RECOVERY_ACTOR, now=now)
            audit.append(
                db,
                time=now,
                username=RECOVERY_ACTOR,
                action=Action.USER_ADD,
                target=f"user:{username}",
                detail="administrator created by recovery",
            )
        slots.slots[username] = keyslots.seal_slot(
            vault_id, username, Role.ADMINISTRATOR, password, key, slots.new_slot_kdf
        )
        audit.append(
            db,
            time=now,
            username=RECOVERY_ACTOR,
            action=Action.RECOVER,
            target=f"user:{username}",
            detail=what,
        )
        slots.save(self.paths.key_file)
        return user

    def backup(self, destination: str | Path) -> backup.BackupInfo:
        """Administrators only: an encrypted, verified copy at ``destination`` (+ ``.keys``)."""
        target = Path(destination)
        self._require_admin("make backups", Action.BACKUP, "vault")
        with self._mutex:
            self._record(Action.BACKUP, f"vault:{self._vault_id}", detail=f"backup to {target}")
            if self._key is None:
                raise VaultLocked()
            with reported_as_vault_error("the backup to", target):
                return backup.write_backup(
                    self._require_db(),
                    bytes(self._key),
                    self.paths.key_file,
                    target,
                    self._busy_timeout_s,
                )

    @classmethod
    def restore(
        cls,
        backup_path: str | Path,
        path: str | Path | None,
        admin_username: str,
        admin_password: str,
        *,
        force: bool = False,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        clock: Clock = utc_now,
    ) -> Self:
        """Put a backup in place of the vault at ``path`` and sign the administrator in.

        The administrator must open the backup's own key file. An existing vault is replaced
        only with ``force``, and then moved to a dated folder beside it, never deleted. Close
        every other Workstation program using that vault first.
        """
        source = VaultPaths(Path(backup_path))
        vault = cls(path, busy_timeout_s=busy_timeout_s, clock=clock)
        slots = KeySlotFile.load(source.key_file)
        slot = slots.slots.get(admin_username)
        if slot is None:
            raise keyslots.wrong_credentials()
        key = keyslots.open_slot(slots.vault_id, slot, admin_password)
        head = backup.check_backup_database(source.database, key)
        role = backup.account_role(source.database, key, admin_username)
        if role is not Role.ADMINISTRATOR or slot.role is not Role.ADMINISTRATOR:
            raise PermissionDenied(admin_username, str(role or slot.role), "restore backups")
        target = vault.paths
        # A -wal or -shm left by a deleted vault counts: SQLite would replay that log onto the
        # restored database and ruin it, so it is moved aside with the rest.
        present = [
            p for p in (target.database, target.key_file, *target.sqlite_sidecars) if p.exists()
        ]
        if present:
            if not force:
                raise VaultExists(
                    present[0],
                    "Add --force to replace it; the current files are then moved to a dated "
                    "folder beside it, not deleted.",
                )
            with reported_as_vault_error("aside the vault at", target.database):
                backup.set_aside(target)
        with reported_as_vault_error("the restored vault to", target.database):
            backup.install_backup(source, target)
        db = open_keyed(target.database, key, busy_timeout_s=busy_timeout_s)
        try:
            with first_write(db, busy_timeout_s):
                failures.adopt(db, FailureLog(target.failure_log))
                audit.append(
                    db,
                    time=vault._now(),
                    username=admin_username,
                    action=Action.RESTORE,
                    target=f"vault:{slots.vault_id}",
                    detail=f"restored from {source.database} ({head.rows} audit "
                    f"rows, head {head.hash})",
                )
        finally:
            close(db)
        vault.unlock(admin_username, admin_password)
        return vault
