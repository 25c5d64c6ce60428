"""Account administration: adding and removing users, and changing passwords.

The database row, its audit row and the key file change together through keyfile.py: the new
key file is staged before the commit and put in place after it, so a crash leaves no
unaudited key change and no audit row without its key. Every new slot gets a new signing key,
introduced to the audit in the signed row that records the change.

Removing a user re-encrypts the database with a new random key (``PRAGMA rekey``), seals that
key to every remaining slot (no password needed, see keyslots.py) and to the recovery key,
and drops the removed user's slot. Their old slot, in any earlier copy of the key file,
opens only the old key: it still opens backups made before the removal, never the live
vault. Any session still open with the old key (theirs included) ends at its next call.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

from workstation.errors import UnknownUser, UserExists, VaultError, VaultLocked
from workstation.vault import anchors, audit, enrolment, keyfile, keyslots, recovery, signing
from workstation.vault.access import VaultAccess
from workstation.vault.accounts import Role, User, check_new_password, check_username
from workstation.vault.audit import Action, ChainHead, Outcome
from workstation.vault.connection import close, open_keyed, translate_errors
from workstation.vault.keyslots import KeySlotFile
from workstation.vault.store import Store


class UserAdministration(VaultAccess):
    """Accounts and their key slots; everything but changing one's own password is for
    administrators."""

    @contextlib.contextmanager
    def _changing_keys(self, rekeying: bool = False) -> Iterator[Store]:
        """A write transaction that stages a key file. If it fails, the staged file is
        dropped when the database did not record it, or put in place when it did (the
        commit succeeded and something after it failed; but not for a removal, whose rekey
        must come first); if even that cannot be told, the next sign-in settles it."""
        try:
            with self._writing() as store:
                yield store
        except BaseException:
            with contextlib.suppress(VaultError):
                with self._reading() as store:
                    recorded = keyfile.committed(self.paths, store.db)
                if recorded and not rekeying:
                    keyfile.publish(self.paths)
                elif recorded is not None:
                    keyfile.discard(self.paths)
            raise

    def _stage_slots(self, store: Store, change: Callable[[KeySlotFile], None]) -> None:
        """Read-modify-stage of the key file inside the caller's write transaction (whose
        lock also serialises key-file changes between processes); published after commit."""
        slots = KeySlotFile.load(self.paths.key_file)
        change(slots)
        keyfile.stage(self.paths, slots, store.db)

    def _new_slot(self, username: str, role: Role, password: str, seed: bytes) -> keyslots.KeySlot:
        if self._key is None:
            raise VaultLocked()
        kdf = KeySlotFile.load(self.paths.key_file).new_slot_kdf
        return keyslots.seal_slot(
            self._vault_id, username, role, password, bytes(self._key), kdf, seed
        )

    def list_users(self) -> list[User]:
        self._require_admin("list the accounts", Action.LIST, "users")
        return self._audited_read(Action.LIST, "users", lambda store: store.users())

    def add_user(self, username: str, password: str, role: Role | str) -> User:
        """Administrators only. Creates the account, its key slot and its signing key."""
        self._require_admin("add users", Action.USER_ADD, f"user:{username}")
        check_username(username)
        check_new_password(password, username)
        role = Role(role)
        with self._reading() as store:
            if store.user(username) is not None:
                raise UserExists(username)
        seed = signing.new_seed()
        public = signing.signer_from_seed(username, seed).public_hex
        slot = self._new_slot(username, role, password, seed)
        with self._changing_keys() as store:
            if store.user(username) is not None:
                raise UserExists(username)
            user = store.add_user(username, role, actor=self.user.username, now=self._now())
            enrolment.set_public_key(store.db, username, public)
            self._stage_slots(store, lambda slots: slots.slots.__setitem__(username, slot))
            self._audit(
                store,
                Action.USER_ADD,
                f"user:{username}",
                detail=enrolment.key_detail(role, public),
            )
        keyfile.publish(self.paths)
        return user

    def remove_user(self, username: str) -> None:
        """Administrators only: the account is closed, the database rekeyed, the slot deleted.

        Sessions open with the old key (the removed user's included) end at their next call.
        """
        self._require_admin("remove users", Action.USER_REMOVE, f"user:{username}")
        if username == self.user.username:
            raise VaultError(
                "You cannot remove your own account while signed in with it.",
                "Ask another administrator to remove it.",
            )
        new_key = os.urandom(keyslots.KEY_BYTES)
        recovery_box = self._recovery_box(new_key)
        with self._changing_keys(rekeying=True) as store:
            if store.user(username) is None:
                raise UnknownUser(username)
            store.remove_user(username, now=self._now())

            def rekeyed(slots: KeySlotFile) -> None:
                slots.slots.pop(username, None)
                for name, slot in list(slots.slots.items()):
                    if slot.version >= 2:
                        slots.slots[name] = keyslots.rewrap(self._vault_id, slot, new_key)
                    else:  # a slot from an earlier program that has not signed in since
                        del slots.slots[name]
                slots.recovery_box = recovery_box

            self._stage_slots(store, rekeyed)
            self._audit(
                store,
                Action.USER_REMOVE,
                f"user:{username}",
                detail="database re-encrypted with a new key; the account's slot deleted"
                + (
                    ""
                    if recovery_box
                    else "; the recovery key was never registered (upgraded "
                    "vault) and now opens only older backups"
                ),
            )
        head = self._rekey(new_key)
        keyfile.publish(self.paths)
        self._anchor(head, "rekey", recovery_box=recovery_box)

    def _recovery_box(self, new_key: bytes) -> dict[str, str] | None:
        """The new database key sealed to the recovery key, from the anchor file's header."""
        contents = anchors.read(self.paths.anchor_file)
        box_public = ""
        if contents is not None and contents.header is not None:
            box_public = contents.header.recovery_box
            if not box_public:
                registered = [a for a in contents.anchors if a.kind == "recovery-key"]
                box_public = str(registered[0].extra.get("box", "")) if registered else ""
        if not box_public:
            return None
        return signing.seal_to(box_public, new_key, recovery.BOX_CONTEXT)

    def _rekey(self, new_key: bytes) -> ChainHead:
        """Re-encrypt every page under ``new_key`` and reopen this session's connection with it.

        In WAL mode the re-encrypted pages first go to the log; the checkpoint copies them into
        the database file at once, so the file holds no page under the old key any more (and
        SQLCipher's page check, which reads the file, passes).
        """
        db = self._require_db()
        with translate_errors(self._busy_timeout_s):
            db.conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        close(db)
        self._db = open_keyed(self.paths.database, new_key, busy_timeout_s=self._busy_timeout_s)
        if self._key is not None:
            self._key[:] = bytes(len(self._key))
        self._key = bytearray(new_key)
        return audit.head(self._db)

    def change_password(
        self, username: str, new_password: str, current_password: str | None = None
    ) -> None:
        """Your own password (give the current one), or anyone's as an administrator (reset).

        The slot is rewritten with a new signing key; the database key is unchanged.
        """
        check_new_password(new_password, username)
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
        seed = signing.new_seed()
        signer = signing.signer_from_seed(username, seed)
        slot = self._new_slot(username, user.role, new_password, seed)
        with self._changing_keys() as store:
            if store.user(username) is None:
                raise UnknownUser(username)
            enrolment.set_public_key(store.db, username, signer.public_hex)
            self._stage_slots(store, lambda slots: slots.slots.__setitem__(username, slot))
            self._audit(
                store,
                Action.PASSWORD_CHANGE,
                target,
                detail=enrolment.key_detail(user.role, signer.public_hex, how),
            )
        if username == self.user.username:
            # From the next row on this session signs with the new key; the row above, which
            # introduces it, was signed with the old one.
            self._signer = signer
        keyfile.publish(self.paths)

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
