"""Signing in: the rate limit, opening the user's key slot, and the sign-in transaction."""

from __future__ import annotations

from workstation.errors import VaultCorrupt, VaultLocked, VaultNotFound
from workstation.vault import (
    anchors,
    audit,
    content,
    enrolment,
    failures,
    keyfile,
    keyslots,
    schema,
    settings,
    throttle,
)
from workstation.vault.access import VaultAccess
from workstation.vault.accounts import User
from workstation.vault.audit import Action, ChainHead, Outcome
from workstation.vault.connection import close, first_write, open_keyed, translate_errors
from workstation.vault.driver import sqlite_utils
from workstation.vault.failures import FailureLog, FailureLogContents
from workstation.vault.keyslots import KeySlotFile, SlotKeys
from workstation.vault.signing import Signer, new_seed, signer_from_seed
from workstation.vault.store import Store


class SignIn(VaultAccess):
    """unlock(): the only way from locked to signed in, other than the life-cycle methods."""

    def unlock(self, username: str, password: str) -> User:
        """Sign in. Waits first according to the failures since the last success.

        Call it from a worker thread in the GUI: the wait and Argon2 take time. A failure is
        written to the failed-login file at once and reaches the audit table at the next
        successful sign-in. Attempts on one vault run one at a time (throttle.py).
        """
        with self._mutex:
            if not self.is_locked:
                self.lock()
            if not self.paths.database.is_file():
                raise VaultNotFound(self.paths.database)
            with throttle.one_attempt_at_a_time(self.paths.signin_lock):
                return self._attempt(username, password)

    def _wait_before(self, log: FailureLog, username: str, known: bool) -> FailureLogContents:
        contents = log.read()
        if contents.epoch is None and self.paths.key_file.exists():
            wait = throttle.MAX_DELAY_S  # deleted to reset the count: that costs, not helps
        else:
            account = failures.account_bucket(username, known)
            wait = max(
                self._delay(contents.consecutive_failures(account)),
                throttle.vault_wide_delay(throttle.recent(contents.failure_times(), self._clock())),
            )
        self._sleep(wait)
        return contents

    def _attempt(self, username: str, password: str) -> User:
        log = FailureLog(self.paths.failure_log)
        slots = KeySlotFile.load(self.paths.key_file)
        pending = keyfile.load_pending(self.paths)
        known = username in slots.slots or (pending is not None and username in pending.slots)
        before = self._wait_before(log, username, known)
        main_keys = self._try_slot(slots, username, password)
        pending_keys = None if pending is None else self._try_slot(pending, username, password)
        if main_keys is None and pending_keys is None:
            if not known:
                keyslots.spend_equal_time(slots.new_slot_kdf, password)
                log.record_failure(self._now(), failures.UNKNOWN_ACCOUNT, failures.UNKNOWN_USERNAME)
            else:
                log.record_failure(self._now(), username, failures.WRONG_PASSWORD)
            raise keyslots.wrong_credentials()
        db, keys, settled = self._open_settled(log, username, main_keys, pending_keys)
        slots = KeySlotFile.load(self.paths.key_file)
        seed = keys.seed or new_seed()
        signer = signer_from_seed(username, seed)
        anchors_existed = self.paths.anchor_file.exists()
        try:
            with first_write(db, self._busy_timeout_s):
                user, head = self._sign_in(db, slots, log, keys, signer, password, seed, settled)
        except BaseException:
            if not anchors_existed:
                self.paths.anchor_file.unlink(missing_ok=True)
            raise
        if user is None:
            close(db)
            raise VaultLocked(
                f"The account '{username}' is no longer active in this vault.",
                "Ask an administrator to check your account.",
            )
        if before.consecutive_failures(username):
            log.record_reset(self._now(), username)
        self._become_unlocked(db, keys.db_key, slots.vault_id, user, signer)
        self._anchor(head)
        return user

    def _try_slot(self, slots: KeySlotFile, username: str, password: str) -> SlotKeys | None:
        slot = slots.slots.get(username)
        if slot is None:
            return None
        try:
            return keyslots.open_slot(slots.vault_id, slot, password)
        except VaultLocked:
            return None

    def _open_settled(
        self,
        log: FailureLog,
        username: str,
        main_keys: SlotKeys | None,
        pending_keys: SlotKeys | None,
    ) -> tuple[sqlite_utils.Database, SlotKeys, str]:
        """The database, with a key-file change a crash interrupted completed or dropped
        (keyfile.py); the keys this user's valid slot gives, and what was settled."""
        candidates = [k for k in (main_keys, pending_keys) if k is not None]
        db, opened = self._open_database(candidates)
        state = keyfile.committed(self.paths, db)
        if state is None:
            if main_keys is None:  # a pending file vanished meanwhile: the main slot decides
                close(db)
                log.record_failure(self._now(), username, failures.WRONG_PASSWORD)
                raise keyslots.wrong_credentials()
            return db, main_keys, ""
        valid = pending_keys if state else main_keys
        if valid is None:
            # The password typed belongs to the key file that lost: this attempt fails, and
            # a user whose slot is in the winning file settles the change at their sign-in.
            close(db)
            log.record_failure(self._now(), username, failures.WRONG_PASSWORD)
            raise keyslots.wrong_credentials()
        if not state:
            keyfile.discard(self.paths)
            return db, valid, "an unfinished key-file change was discarded"
        if valid.db_key != opened.db_key:  # the crash came between commit and rekey
            with translate_errors(self._busy_timeout_s):
                db.conn.execute(f"PRAGMA rekey = \"x'{valid.db_key.hex()}'\"")
                db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            close(db)
            db = open_keyed(self.paths.database, valid.db_key, busy_timeout_s=self._busy_timeout_s)
        keyfile.publish(self.paths)
        return db, valid, "an interrupted key-file change was completed"

    def _open_database(self, candidates: list[SlotKeys]) -> tuple[sqlite_utils.Database, SlotKeys]:
        """The database, opened with the first key (of the user's slots) that opens it.

        The password was right (a slot opened), so a database that refuses every key means the
        key file is older than the database (removing a user gives the database a new key),
        the two do not belong together, or the database's first page is damaged; "the file is
        not a database" would tell the administrator none of that.
        """
        for keys in candidates:
            try:
                db = open_keyed(
                    self.paths.database, keys.db_key, busy_timeout_s=self._busy_timeout_s
                )
            except VaultCorrupt as error:
                failure = error
                continue
            return db, keys
        raise VaultCorrupt(
            f"The password is right, but the key in the key file '{self.paths.key_file}' "
            f"does not open the database '{self.paths.database}': the key file is older than "
            "the database (an account removal changes the database key; a removed account's "
            "old slot no longer opens it), belongs to another vault, or the database is "
            "damaged.",
            advice="An administrator can put back this database's own key file (from the "
            "backup it came with), rebuild it with the recovery key ('workstation vault "
            "recover'), or restore the latest verified backup ('workstation vault restore').",
        ) from failure

    def _sign_in(
        self,
        db: sqlite_utils.Database,
        slots: KeySlotFile,
        log: FailureLog,
        keys: SlotKeys,
        signer: Signer,
        password: str,
        seed: bytes,
        settled: str,
    ) -> tuple[User | None, ChainHead]:
        """Inside the sign-in transaction: migrate, check the account, import failures, audit.

        None means the account was refused; that is returned rather than raised so that the
        refusal's audit row is committed. A version 1 slot (earlier program) is re-sealed with
        a signing key, recorded in a ``key_enrol`` row; the first signed rows of a vault start
        its anchor file and its baseline (enrolment.py).
        """
        now = self._now()
        username = signer.username
        applied = schema.migrate(db)
        if settings.get(db, settings.VAULT_ID) != slots.vault_id:
            raise VaultCorrupt(
                "The key file belongs to a different vault than the database beside it.",
                advice="Put back the key file that belongs to this database (from a backup), or "
                "rebuild it with the recovery key ('workstation vault recover').",
            )
        starting = not audit.has_signed_rows(db)
        if starting and not self.paths.anchor_file.exists():
            anchors.start(
                self.paths.anchor_file,
                anchors.Header(
                    slots.vault_id, username, signer.public_hex, "", "", audit.head(db).rows + 1
                ),
            )
        for version in applied:
            audit.append(
                db,
                time=now,
                signer=signer,
                action=Action.MIGRATE,
                detail=f"schema upgraded to version {version}",
            )
        slot_role = slots.slots[username].role
        store = Store(db)
        user = store.user(username)
        failures.move_into_audit(db, log, log.read(), time=now, signer=signer)
        if user is None or user.role is not slot_role:
            reason = "account removed" if user is None else "role in key file differs"
            head = audit.append(
                db,
                time=now,
                signer=signer,
                action=Action.LOGIN_FAILED,
                outcome=Outcome.DENIED,
                detail=reason,
            )
            return None, head
        if keys.seed is None:
            self._enrol(db, slots, user, signer, password, seed, keys.db_key, now)
        elif self._public_key(db, username) != signer.public_hex:
            raise VaultCorrupt(
                f"The key slot of '{username}' does not hold the signing key the vault knows "
                "for that account: the key file was altered or comes from elsewhere.",
                advice="An administrator can reset this password or put back the key file "
                "from the latest backup.",
            )
        if starting:
            enrolment.write_baseline(db, signer, now)
        self._clean_up(db, signer, settled, now)
        action = Action.UNLOCK if username == self._last_username else Action.LOGIN
        return user, audit.append(db, time=now, signer=signer, action=action)

    def _clean_up(self, db: sqlite_utils.Database, signer: Signer, settled: str, now: str) -> None:
        """Audit a settled key-file change and delete what interrupted writes left behind."""
        removed = keyfile.remove_leftovers(self.paths)
        what = [settled] if settled else []
        if removed:
            what.append(f"{len(removed)} leftover temporary files deleted: {', '.join(removed)}")
        if what:
            audit.append(db, time=now, signer=signer, action=Action.CLEANUP, detail="; ".join(what))

    def _public_key(self, db: sqlite_utils.Database, username: str) -> str | None:
        row = db.execute("SELECT public_key FROM users WHERE username = ?", [username]).fetchone()
        return None if row is None else row[0]

    def _enrol(
        self,
        db: sqlite_utils.Database,
        slots: KeySlotFile,
        user: User,
        signer: Signer,
        password: str,
        seed: bytes,
        db_key: bytes,
        now: str,
    ) -> None:
        """A version 1 slot becomes version 2 with a signing key, recorded in the audit."""
        slots.slots[user.username] = keyslots.seal_slot(
            slots.vault_id, user.username, user.role, password, db_key, slots.new_slot_kdf, seed
        )
        enrolment.set_public_key(db, user.username, signer.public_hex)
        audit.append(
            db,
            time=now,
            signer=signer,
            action=Action.KEY_ENROL,
            target=f"user:{user.username}",
            detail=enrolment.key_detail(user.role, signer.public_hex, "signing key enrolled"),
            content=content.snapshot(db, "user", user.username),
        )
        slots.save(self.paths.key_file)
