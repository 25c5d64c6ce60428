"""What an unlocked vault holds, and the plumbing every operation goes through.

Every public method of the vault checks that it is unlocked, checks the role where one is
needed, and writes its audit row in the same transaction as its change. A read is audited first
(its own short write transaction) and then served from a read snapshot, so opening a long EEG
never holds the write lock while it decompresses, and no data leaves the vault without a row
saying who asked for it.

While unlocked the object holds the 256-bit database key (to wrap it for new users), the
signed-in user's signing key (every audit row it writes is signed with it, and each commit
that changed something is anchored in the anchor file) and one connection. ``lock()`` closes
the connection and overwrites the key buffer; Python may keep other copies (the PRAGMA text)
until they are garbage-collected, which is the limit of what a Python process can promise.
Methods are serialised by a lock, so GUI worker threads may share one Vault.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Self, TypeVar

from workstation.errors import NotInVault, PermissionDenied, VaultCorrupt, VaultLocked
from workstation.vault import anchors, audit, content
from workstation.vault.accounts import Role, User
from workstation.vault.audit import Action, ChainHead, Outcome
from workstation.vault.connection import (
    DEFAULT_BUSY_TIMEOUT_S,
    close,
    read_transaction,
    translate_errors,
    write_transaction,
)
from workstation.vault.driver import DatabaseError, sqlite_utils
from workstation.vault.files import reported_as_vault_error
from workstation.vault.location import VaultPaths
from workstation.vault.signing import Signer
from workstation.vault.store import Store
from workstation.vault.throttle import DelayPolicy, escalating_delay

T = TypeVar("T")
Clock = Callable[[], datetime]

#: Audited writes whose row carries the content hash of the object named in its target.
CONTENT_ACTIONS = frozenset(
    {
        Action.EDIT,
        Action.ANALYSIS,
        Action.USER_ADD,
        Action.USER_REMOVE,
        Action.PASSWORD_CHANGE,
        Action.KEY_ENROL,
        Action.RECOVER,
        Action.MIGRATE,
    }
)
#: Rows that only say someone looked: not worth an anchor line each.
UNANCHORED_ACTIONS = frozenset({Action.LIST, Action.OPEN})


def session_ended() -> VaultLocked:
    return VaultLocked(
        "Your session has ended: the vault's key was changed (an account was removed) since "
        "you signed in.",
        "Sign in again. If your own account was removed, ask an administrator.",
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


class VaultAccess:
    """The state of one vault object (locked or signed in) and its audited transactions.

    ``delay`` and ``sleep`` make the sign-in rate limit testable; ``clock`` stamps rows.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        delay: DelayPolicy = escalating_delay,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = utc_now,
    ) -> None:
        self.paths = VaultPaths.at(path)
        self._busy_timeout_s = busy_timeout_s
        self._delay = delay
        self._sleep = sleep
        self._clock = clock
        self._mutex = threading.RLock()
        self._db: sqlite_utils.Database | None = None
        self._key: bytearray | None = None
        self._user: User | None = None
        self._signer: Signer | None = None
        self._unanchored: ChainHead | None = None
        self._vault_id = ""
        self._last_username: str | None = None
        # Wrong current passwords given to change_password since the last right one.
        self._password_check_failures = 0

    @property
    def is_locked(self) -> bool:
        return self._db is None

    @property
    def user(self) -> User:
        """The signed-in user; VaultLocked while locked."""
        if self._user is None:
            raise VaultLocked()
        return self._user

    def _become_unlocked(
        self, db: sqlite_utils.Database, key: bytes, vault_id: str, user: User, signer: Signer
    ) -> None:
        self._db = db
        self._key = bytearray(key)
        self._vault_id = vault_id
        self._user = user
        self._signer = signer
        self._last_username = user.username

    def lock(self) -> None:
        """Forget the key and close the database; the lock happens even if auditing it fails."""
        with self._mutex:
            if self._db is None:
                return
            try:
                self._record(Action.LOCK)
            except VaultLocked:
                pass  # the session had already ended (rekeyed): nothing left to record
            finally:
                self._forget()

    def _forget(self) -> None:
        if self._db is not None:
            close(self._db)
        if self._key is not None:
            self._key[:] = bytes(len(self._key))
        self._db = self._key = self._user = self._signer = None
        self._unanchored = None

    def close(self) -> None:
        self.lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.lock()

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="microseconds")

    def _require_db(self) -> sqlite_utils.Database:
        if self._db is None:
            raise VaultLocked()
        return self._db

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Store]:
        """A write transaction; after its commit, the new head goes into the anchor file."""
        with self._mutex:
            db = self._require_db()
            self._unanchored = None
            try:
                with self._key_still_valid(), translate_errors(self._busy_timeout_s):
                    with write_transaction(db):
                        audit.refuse_foreign_triggers(db)
                        yield Store(db)
            except LookupError as error:
                raise NotInVault(str(error)) from error
            except BaseException:
                self._unanchored = None
                raise
            if self._unanchored is not None:
                head, self._unanchored = self._unanchored, None
                self._anchor(head)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Store]:
        with self._mutex:
            db = self._require_db()
            try:
                with self._key_still_valid(), translate_errors(self._busy_timeout_s):
                    with read_transaction(db):
                        yield Store(db)
            except LookupError as error:
                raise NotInVault(str(error)) from error

    @contextlib.contextmanager
    def _key_still_valid(self) -> Iterator[None]:
        """A database that stops decrypting under our key was rekeyed by a removal: this
        session (perhaps the removed user's) ends instead of reporting a corrupt vault."""
        try:
            yield
        except VaultCorrupt as error:
            cause = error.__cause__
            if isinstance(cause, DatabaseError) and "not a database" in str(cause):
                self._forget()
                raise session_ended() from error
            raise

    def _anchor(self, head: ChainHead, kind: str = "anchor", **extra: object) -> None:
        """Record the committed head in the anchor file (signed by the signed-in user)."""
        signer = self._require_signer()
        path = self.paths.anchor_file
        with reported_as_vault_error("the anchor file (the change itself is saved)", path):
            anchors.append(path, self._vault_id, signer, head, self._now(), kind, **extra)

    def _require_signer(self) -> Signer:
        if self._signer is None:
            raise VaultLocked()
        return self._signer

    def _audit(
        self,
        store: Store,
        action: Action,
        target: str = "",
        outcome: Outcome = Outcome.OK,
        detail: str = "",
    ) -> ChainHead:
        """Append one signed audit row; the public call every vault module writes through.

        A successful write action naming a covered object (``patient:3``, ``note:12``) carries
        that object's content hash as it stands in this transaction, so call it after the
        write. Other modules' own tables are audited the same way, without a content hash.
        """
        snapshot = None
        parsed = content.parse_target(target)
        if action in CONTENT_ACTIONS and outcome is Outcome.OK and parsed is not None:
            snapshot = content.snapshot(store.db, *parsed)
        head = audit.append(
            store.db,
            time=self._now(),
            signer=self._require_signer(),
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
            content=snapshot,
        )
        if action not in UNANCHORED_ACTIONS:
            self._unanchored = head
        return head

    def _record(
        self, action: Action, target: str = "", outcome: Outcome = Outcome.OK, detail: str = ""
    ) -> ChainHead:
        """One audit row in a transaction of its own: a read, an attempt, a refusal."""
        with self._writing() as store:
            return self._audit(store, action, target, outcome, detail)

    def _audited_read(self, action: Action, target: str, read: Callable[[Store], T]) -> T:
        with self._mutex:
            self._record(action, target)
            with self._reading() as store:
                return read(store)

    def _require_admin(self, what: str, action: Action, target: str) -> None:
        """Refuse (and audit the refusal) unless the signed-in user is an administrator."""
        user = self.user
        if user.role is Role.ADMINISTRATOR:
            return
        self._record(action, target, Outcome.DENIED, f"needs administrator: {what}")
        raise PermissionDenied(user.username, str(user.role), what)
