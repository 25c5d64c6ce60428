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
from workstation.vault import (
    anchors,
    audit,
    backup,
    content,
    enrolment,
    failures,
    keyslots,
    recovery,
    schema,
    settings,
    signing,
)
from workstation.vault.access import Clock, utc_now
from workstation.vault.accounts import Role, User, check_new_password, check_username
from workstation.vault.audit import Action, ChainHead
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
from workstation.vault.signing import RECOVERY_ACTOR, Signer
from workstation.vault.store import Store


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
        check_new_password(admin_password, admin_username)
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
        seed = signing.new_seed()
        signer = signing.signer_from_seed(admin_username, seed)
        slots.slots[admin_username] = keyslots.seal_slot(
            vault_id,
            admin_username,
            Role.ADMINISTRATOR,
            admin_password,
            key,
            slots.new_slot_kdf,
            seed,
        )
        header = anchors.Header(
            vault_id,
            admin_username,
            signer.public_hex,
            signing.recovery_signer(secret, RECOVERY_ACTOR).public_hex,
            signing.box_public_hex(signing.recovery_box_key(secret)),
            1,
        )
        create_private(paths.database)
        try:
            db = open_keyed(paths.database, key, create=True, busy_timeout_s=busy_timeout_s)
        except BaseException:
            paths.database.unlink()
            raise
        try:
            with first_write(db, busy_timeout_s):
                head = vault._initialise(db, slots, signer, header)
        except BaseException:
            for created in paths.all_files():
                created.unlink(missing_ok=True)
            raise
        vault._become_unlocked(
            db,
            key,
            vault_id,
            User(admin_username, Role.ADMINISTRATOR, vault._now(), admin_username),
            signer,
        )
        vault._anchor(head)
        return vault, recovery.format_recovery_key(secret)

    def _initialise(
        self,
        db: sqlite_utils.Database,
        slots: KeySlotFile,
        signer: Signer,
        header: anchors.Header,
    ) -> ChainHead:
        now = self._now()
        admin = signer.username
        schema.migrate(db)
        settings.put(db, settings.VAULT_ID, slots.vault_id)
        settings.put(db, settings.CREATED_AT, now)
        Store(db).add_user(admin, Role.ADMINISTRATOR, actor=admin, now=now)
        enrolment.set_public_key(db, admin, signer.public_hex)
        failures.adopt(db, FailureLog(self.paths.failure_log))
        anchors.start(self.paths.anchor_file, header)
        audit.append(
            db,
            time=now,
            signer=signer,
            action=Action.CREATE,
            target=f"vault:{slots.vault_id}",
            detail=f"schema version {schema.SCHEMA_VERSION}",
        )
        head = audit.append(
            db,
            time=now,
            signer=signer,
            action=Action.USER_ADD,
            target=f"user:{admin}",
            detail=enrolment.key_detail(
                Role.ADMINISTRATOR, signer.public_hex, "first administrator"
            ),
            content=content.snapshot(db, "user", admin),
        )
        slots.save(self.paths.key_file)
        return head

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
        check_new_password(admin_password, admin_username)
        secret = recovery.parse_recovery_key(recovery_key)
        db, key = vault._open_with_recovery(secret)
        admin_seed = signing.new_seed()
        admin = signing.signer_from_seed(admin_username, admin_seed)
        rescuer = signing.recovery_signer(secret, RECOVERY_ACTOR)
        anchors_existed = vault.paths.anchor_file.exists()
        try:
            with first_write(db, busy_timeout_s):
                user, head = vault._recover_slot(
                    db, key, secret, admin, admin_seed, rescuer, admin_password, kdf
                )
        except BaseException:
            if not anchors_existed:
                vault.paths.anchor_file.unlink(missing_ok=True)
            raise
        vault_id = settings.get(db, settings.VAULT_ID) or ""
        vault._become_unlocked(db, key, vault_id, user, admin)
        vault._anchor(head)
        return vault

    def _open_with_recovery(self, secret: bytes) -> tuple[sqlite_utils.Database, bytes]:
        """The database opened with the key the recovery key gives: derived from it (a vault
        never rekeyed), or sealed to it in the key file or the anchor file (after a removal)."""
        candidates = [recovery.database_key(secret)]
        box_key = signing.recovery_box_key(secret)
        boxes = [anchors.latest_recovery_box(self.paths.anchor_file)]
        try:
            boxes.insert(0, KeySlotFile.load(self.paths.key_file).recovery_box)
        except (KeyFileMissing, VaultCorrupt):
            pass
        for box in boxes:
            if box is not None:
                try:
                    candidates.append(signing.open_box(box_key, box, recovery.BOX_CONTEXT))
                except ValueError:
                    continue
        for key in candidates:
            try:
                return open_keyed(
                    self.paths.database, key, busy_timeout_s=self._busy_timeout_s
                ), key
            except VaultCorrupt:
                continue
        raise InvalidRecoveryKey(
            f"This recovery key does not open the vault at '{self.paths.database}'."
        )

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
        secret: bytes,
        admin: Signer,
        admin_seed: bytes,
        rescuer: Signer,
        password: str,
        kdf: Argon2Params | None,
    ) -> tuple[User, ChainHead]:
        now = self._now()
        username = admin.username
        applied = schema.migrate(db)
        store = Store(db)
        vault_id = settings.get(db, settings.VAULT_ID) or ""
        self._vault_id = vault_id
        starting = not audit.has_signed_rows(db)
        recovery_box = signing.box_public_hex(signing.recovery_box_key(secret))
        if starting and not self.paths.anchor_file.exists():
            anchors.start(
                self.paths.anchor_file,
                anchors.Header(
                    vault_id,
                    username,
                    admin.public_hex,
                    rescuer.public_hex,
                    recovery_box,
                    audit.head(db).rows + 1,
                ),
            )
        else:
            self._register_recovery_key(rescuer, recovery_box, audit.head(db))
        for version in applied:
            audit.append(
                db,
                time=now,
                signer=rescuer,
                action=Action.MIGRATE,
                detail=f"schema upgraded to version {version}",
            )
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
            enrolment.set_public_key(db, username, admin.public_hex)
            audit.append(
                db,
                time=now,
                signer=rescuer,
                action=Action.USER_ADD,
                target=f"user:{username}",
                detail=enrolment.key_detail(
                    Role.ADMINISTRATOR, admin.public_hex, "administrator created by recovery"
                ),
                content=content.snapshot(db, "user", username),
            )
        slots.slots[username] = keyslots.seal_slot(
            vault_id, username, Role.ADMINISTRATOR, password, key, slots.new_slot_kdf, admin_seed
        )
        enrolment.set_public_key(db, username, admin.public_hex)
        head = audit.append(
            db,
            time=now,
            signer=rescuer,
            action=Action.RECOVER,
            target=f"user:{username}",
            detail=enrolment.key_detail(Role.ADMINISTRATOR, admin.public_hex, what),
            content=content.snapshot(db, "user", username),
        )
        if starting:
            head = enrolment.write_baseline(db, rescuer, now) or head
        slots.save(self.paths.key_file)
        return user, head

    def _register_recovery_key(self, rescuer: Signer, box: str, head: ChainHead) -> None:
        """A vault upgraded from an earlier program learns the recovery key's public keys at
        its first recovery (trusted on first use: the README says so)."""
        contents = anchors.read(self.paths.anchor_file)
        if contents is None or contents.header is None or contents.header.recovery_key:
            return
        if any(a.kind == "recovery-key" for a in contents.anchors):
            return
        anchors.append(
            self.paths.anchor_file,
            contents.header.vault_id,
            rescuer,
            head,
            self._now(),
            "recovery-key",
            key=rescuer.public_hex,
            box=box,
        )

    def backup(self, destination: str | Path) -> backup.BackupInfo:
        """Administrators only: an encrypted, verified copy at ``destination``, with its key
        file, anchor file and manifest (``.keys``, ``.anchors``, ``.manifest.json``)."""
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
                    self.paths,
                    target,
                    self._busy_timeout_s,
                    written_by=self.user.username,
                    written_at=self._now(),
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
        every other Workstation program using that vault first. The vault's own anchor file
        is kept and a signed ``restore`` line added, so verify can tell this deliberate
        rollback from a copied-back old database.
        """
        source = VaultPaths(Path(backup_path))
        vault = cls(path, busy_timeout_s=busy_timeout_s, clock=clock)
        slots = KeySlotFile.load(source.key_file)
        slot = slots.slots.get(admin_username)
        if slot is None:
            raise keyslots.wrong_credentials()
        keys = keyslots.open_slot(slots.vault_id, slot, admin_password)
        head = backup.check_backup_database(source.database, keys.db_key)
        role = backup.account_role(source.database, keys.db_key, admin_username)
        if role is not Role.ADMINISTRATOR or slot.role is not Role.ADMINISTRATOR:
            raise PermissionDenied(admin_username, str(role or slot.role), "restore backups")
        target = vault.paths
        live_anchors = backup.anchors_of_vault(target.anchor_file, slots.vault_id)
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
            backup.install_backup(source, target, live_anchors)
        if keys.seed is not None and target.anchor_file.exists():
            anchors.append(
                target.anchor_file,
                slots.vault_id,
                signing.signer_from_seed(admin_username, keys.seed),
                head,
                vault._now(),
                "restore",
            )
        db = open_keyed(target.database, keys.db_key, busy_timeout_s=busy_timeout_s)
        try:
            with first_write(db, busy_timeout_s):
                failures.adopt(db, FailureLog(target.failure_log))
        finally:
            close(db)
        vault.unlock(admin_username, admin_password)
        vault._record(
            Action.RESTORE,
            f"vault:{slots.vault_id}",
            detail=f"restored from {source.database} ({head.rows} audit rows, head {head.hash})",
        )
        return vault
