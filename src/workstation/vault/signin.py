"""Signing in: the rate limit, opening the user's key slot, and the sign-in transaction."""

from __future__ import annotations

from workstation.errors import VaultCorrupt, VaultLocked, VaultNotFound
from workstation.vault import audit, failures, keyslots, schema, settings
from workstation.vault.access import VaultAccess
from workstation.vault.accounts import User
from workstation.vault.audit import Action, Outcome
from workstation.vault.connection import close, first_write, open_keyed
from workstation.vault.driver import sqlite_utils
from workstation.vault.failures import FailureLog
from workstation.vault.keyslots import KeySlotFile
from workstation.vault.store import Store


class SignIn(VaultAccess):
    """unlock(): the only way from locked to signed in, other than the life-cycle methods."""

    def unlock(self, username: str, password: str) -> User:
        """Sign in. Waits first according to the failures since the last success.

        Call it from a worker thread in the GUI: the wait and Argon2 take time. A failure is
        written to the failed-login file at once and reaches the audit table at the next
        successful sign-in.
        """
        with self._mutex:
            if not self.is_locked:
                self.lock()
            if not self.paths.database.is_file():
                raise VaultNotFound(self.paths.database)
            log = FailureLog(self.paths.failure_log)
            before = log.read()
            self._sleep(self._delay(before.consecutive_failures()))
            slots = KeySlotFile.load(self.paths.key_file)
            key = self._open_slot(slots, log, username, password)
            db = self._open_database(key)
            with first_write(db, self._busy_timeout_s):
                user = self._sign_in(db, slots, log, username)
            if user is None:
                close(db)
                raise VaultLocked(
                    f"The account '{username}' is no longer active in this vault.",
                    "Ask an administrator to check your account.",
                )
            if before.consecutive_failures():
                log.record_reset(self._now())
            self._become_unlocked(db, key, slots.vault_id, user)
            return user

    def _open_database(self, key: bytes) -> sqlite_utils.Database:
        """The database, opened with the key from the user's slot.

        The password was right (the slot opened), so a database that refuses this key means the
        key file and the database do not belong together, or the database's first page is
        damaged; "the file is not a database" would tell the administrator neither.
        """
        try:
            return open_keyed(self.paths.database, key, busy_timeout_s=self._busy_timeout_s)
        except VaultCorrupt as error:
            raise VaultCorrupt(
                f"The password is right, but the key in the key file '{self.paths.key_file}' "
                f"does not open the database '{self.paths.database}': the key file belongs to "
                "another vault, or the database is damaged.",
                advice="An administrator can put back this database's own key file (from the "
                "backup it came with), rebuild it with the recovery key ('workstation vault "
                "recover'), or restore the latest verified backup ('workstation vault restore').",
            ) from error

    def _open_slot(
        self, slots: KeySlotFile, log: FailureLog, username: str, password: str
    ) -> bytes:
        slot = slots.slots.get(username)
        if slot is None:
            keyslots.spend_equal_time(slots.new_slot_kdf, password)
            log.record_failure(self._now(), failures.UNKNOWN_ACCOUNT, failures.UNKNOWN_USERNAME)
            raise keyslots.wrong_credentials()
        try:
            return keyslots.open_slot(slots.vault_id, slot, password)
        except VaultLocked:
            log.record_failure(self._now(), username, failures.WRONG_PASSWORD)
            raise

    def _sign_in(
        self, db: sqlite_utils.Database, slots: KeySlotFile, log: FailureLog, username: str
    ) -> User | None:
        """Inside the sign-in transaction: migrate, check the account, import failures, audit.

        None means the account was refused; that is returned rather than raised so that the
        refusal's audit row is committed.
        """
        now = self._now()
        for version in schema.migrate(db):
            audit.append(
                db,
                time=now,
                username=username,
                action=Action.MIGRATE,
                detail=f"schema upgraded to version {version}",
            )
        if settings.get(db, settings.VAULT_ID) != slots.vault_id:
            raise VaultCorrupt(
                "The key file belongs to a different vault than the database beside it.",
                advice="Put back the key file that belongs to this database (from a backup), or "
                "rebuild it with the recovery key ('workstation vault recover').",
            )
        slot_role = slots.slots[username].role
        user = Store(db).user(username)
        failures.move_into_audit(db, log, log.read(), time=now, username=username)
        if user is None or user.role is not slot_role:
            reason = "account removed" if user is None else "role in key file differs"
            audit.append(
                db,
                time=now,
                username=username,
                action=Action.LOGIN_FAILED,
                outcome=Outcome.DENIED,
                detail=reason,
            )
            return None
        action = Action.UNLOCK if username == self._last_username else Action.LOGIN
        audit.append(db, time=now, username=username, action=action, outcome=Outcome.OK)
        return user
