"""Account administration: adding and removing users, and changing passwords.

The database row and the key slot change together: the key file is rewritten while the
database write lock is held, which also serialises key-file changes between processes.
"""

from __future__ import annotations

from collections.abc import Callable

from workstation.errors import UnknownUser, UserExists, VaultError, VaultLocked
from workstation.vault import keyslots
from workstation.vault.access import VaultAccess
from workstation.vault.accounts import Role, User, check_new_password, check_username
from workstation.vault.audit import Action, Outcome
from workstation.vault.keyslots import KeySlotFile


class UserAdministration(VaultAccess):
    """Accounts and their key slots; everything but changing one's own password is for
    administrators."""

    def _rewrite_slots(self, change: Callable[[KeySlotFile], None]) -> None:
        """Read-modify-write of the key file; callers hold the database write lock, which also
        serialises key-file changes between processes."""
        slots = KeySlotFile.load(self.paths.key_file)
        change(slots)
        slots.save(self.paths.key_file)

    def _new_slot(self, username: str, role: Role, password: str) -> keyslots.KeySlot:
        if self._key is None:
            raise VaultLocked()
        kdf = KeySlotFile.load(self.paths.key_file).new_slot_kdf
        return keyslots.seal_slot(self._vault_id, username, role, password, bytes(self._key), kdf)

    def list_users(self) -> list[User]:
        self._require_admin("list the accounts", Action.LIST, "users")
        return self._audited_read(Action.LIST, "users", lambda store: store.users())

    def add_user(self, username: str, password: str, role: Role | str) -> User:
        """Administrators only. Creates the account and its key slot."""
        self._require_admin("add users", Action.USER_ADD, f"user:{username}")
        check_username(username)
        check_new_password(password)
        role = Role(role)
        with self._reading() as store:
            if store.user(username) is not None:
                raise UserExists(username)
        slot = self._new_slot(username, role, password)
        with self._writing() as store:
            if store.user(username) is not None:
                raise UserExists(username)
            user = store.add_user(username, role, actor=self.user.username, now=self._now())
            self._rewrite_slots(lambda slots: slots.slots.__setitem__(username, slot))
            self._audit(store, Action.USER_ADD, f"user:{username}", detail=f"role {role}")
        return user

    def remove_user(self, username: str) -> None:
        """Administrators only; deletes the key slot, so that password no longer opens the vault.

        The database key itself is unchanged: someone who copied it while signed in keeps it.
        """
        self._require_admin("remove users", Action.USER_REMOVE, f"user:{username}")
        if username == self.user.username:
            raise VaultError(
                "You cannot remove your own account while signed in with it.",
                "Ask another administrator to remove it.",
            )
        with self._writing() as store:
            if store.user(username) is None:
                raise UnknownUser(username)
            store.remove_user(username, now=self._now())
            self._rewrite_slots(lambda slots: slots.slots.pop(username, None))
            self._audit(store, Action.USER_REMOVE, f"user:{username}")

    def change_password(
        self, username: str, new_password: str, current_password: str | None = None
    ) -> None:
        """Your own password (give the current one), or anyone's as an administrator (reset).

        Only that user's slot is rewritten; the database is untouched.
        """
        check_new_password(new_password)
        target = f"user:{username}"
        if username == self.user.username:
            self._check_current_password(username, current_password)
            how = "changed by the user"
        else:
            self._require_admin("reset other users' passwords", Action.PASSWORD_CHANGE, target)
            how = f"reset by administrator {self.user.username}"
        with self._reading() as store:
            user = store.user(username)
        if user is None:
            raise UnknownUser(username)
        slot = self._new_slot(username, user.role, new_password)
        with self._writing() as store:
            if store.user(username) is None:
                raise UnknownUser(username)
            self._rewrite_slots(lambda slots: slots.slots.__setitem__(username, slot))
            self._audit(store, Action.PASSWORD_CHANGE, target, detail=how)

    def _check_current_password(self, username: str, current_password: str | None) -> None:
        if current_password is None:
            raise VaultLocked(
                "Changing your own password needs your current password.",
                "Enter your current password as well as the new one.",
            )
        slots = KeySlotFile.load(self.paths.key_file)
        slot = slots.slots.get(username)
        if slot is None:
            raise VaultLocked(
                "Your account has no key slot any more.",
                "Ask an administrator to reset your password.",
            )
        # Someone at a workstation left signed in could otherwise test guesses for the
        # password here at Argon2 speed: the same growing wait as at sign-in applies.
        self._sleep(self._delay(self._password_check_failures))
        try:
            keyslots.open_slot(slots.vault_id, slot, current_password)
            self._password_check_failures = 0
        except VaultLocked as error:
            self._password_check_failures += 1
            self._record(
                Action.PASSWORD_CHANGE, f"user:{username}", Outcome.FAILED, "current password wrong"
            )
            raise VaultLocked(
                "The current password is wrong.", "Type your current password again."
            ) from error
