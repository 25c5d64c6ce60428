"""The vault: sign-in, roles, audit and the clinical store behind one object.

Every public method checks that the vault is unlocked, checks the role where one is needed,
and writes its audit row in the same transaction as its change. A read is audited first (its
own short write transaction) and then served from a read snapshot, so opening a long EEG never
holds the write lock while it decompresses, and no data leaves the vault without a row saying
who asked for it.

Roles: a clinician reads and writes clinical data; an administrator can do everything a
clinician can and also manage accounts, read the audit log and make backups.

While unlocked the object holds the 256-bit database key (to wrap it for new users) and one
connection. ``lock()`` closes the connection and overwrites the key buffer; Python may keep
other copies (the PRAGMA text) until they are garbage-collected, which is the limit of what a
Python process can promise. Methods are serialised by a lock, so GUI worker threads may share
one Vault.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from workstation.errors import (
    InvalidRecoveryKey,
    KeyFileMissing,
    NotInVault,
    PermissionDenied,
    UnknownUser,
    UserExists,
    VaultCorrupt,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
)
from workstation.recording import Modality, Recording
from workstation.vault import audit, backup, failures, keyslots, recovery, schema, settings
from workstation.vault.accounts import Role, User, check_new_password, check_username
from workstation.vault.audit import Action, AuditEntry, Outcome
from workstation.vault.connection import (
    DEFAULT_BUSY_TIMEOUT_S,
    close,
    open_keyed,
    read_transaction,
    translate_errors,
    write_transaction,
)
from workstation.vault.driver import sqlite_utils
from workstation.vault.entities import (
    Analysis,
    AnalysisInfo,
    Note,
    NoteKind,
    Patient,
    RecordingInfo,
    ReportInfo,
    SessionStatus,
    SessionSummary,
)
from workstation.vault.failures import FailureLog
from workstation.vault.files import create_private, ensure_private_dir
from workstation.vault.integrity import check_pages
from workstation.vault.keyslots import Argon2Params, KeySlotFile
from workstation.vault.location import VaultPaths
from workstation.vault.store import Store
from workstation.vault.throttle import DelayPolicy, escalating_delay

T = TypeVar("T")
Clock = Callable[[], datetime]
RECOVERY_ACTOR = "(recovery key)"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """A passed verification: the audit rows checked and the chain's last hash."""

    audit_rows: int
    audit_head: str


class Vault:
    """One encrypted vault. Construct it locked (``Vault(path)``) and ``unlock`` it, or use
    ``Vault.create`` / ``Vault.recover``, which return it unlocked.

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
        self._vault_id = ""
        self._last_username: str | None = None

    # Creation and recovery ---------------------------------------------------------------

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
    ) -> tuple[Vault, str]:
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
            with translate_errors(busy_timeout_s), write_transaction(db):
                vault._initialise(db, slots, admin_username)
        except BaseException:
            close(db)
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
    ) -> Vault:
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
        try:
            with translate_errors(busy_timeout_s), write_transaction(db):
                user = vault._recover_slot(db, key, admin_username, admin_password, kdf)
        except BaseException:
            close(db)
            raise
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

    # Sign-in and lock --------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self._db is None

    @property
    def user(self) -> User:
        """The signed-in user; VaultLocked while locked."""
        if self._user is None:
            raise VaultLocked()
        return self._user

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
            db = open_keyed(self.paths.database, key, busy_timeout_s=self._busy_timeout_s)
            try:
                with translate_errors(self._busy_timeout_s), write_transaction(db):
                    user = self._sign_in(db, slots, log, username)
            except BaseException:
                close(db)
                raise
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

    def _become_unlocked(
        self, db: sqlite_utils.Database, key: bytes, vault_id: str, user: User
    ) -> None:
        self._db = db
        self._key = bytearray(key)
        self._vault_id = vault_id
        self._user = user
        self._last_username = user.username

    def lock(self) -> None:
        """Forget the key and close the database; the lock happens even if auditing it fails."""
        with self._mutex:
            if self._db is None:
                return
            try:
                with self._writing() as store:
                    self._audit(store, Action.LOCK)
            finally:
                close(self._db)
                if self._key is not None:
                    self._key[:] = bytes(len(self._key))
                self._db = self._key = self._user = None

    def close(self) -> None:
        self.lock()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.lock()

    # Plumbing ----------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="microseconds")

    def _require_db(self) -> sqlite_utils.Database:
        if self._db is None:
            raise VaultLocked()
        return self._db

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Store]:
        with self._mutex:
            db = self._require_db()
            try:
                with translate_errors(self._busy_timeout_s), write_transaction(db):
                    yield Store(db)
            except LookupError as error:
                raise NotInVault(str(error)) from error

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Store]:
        with self._mutex:
            db = self._require_db()
            try:
                with translate_errors(self._busy_timeout_s), read_transaction(db):
                    yield Store(db)
            except LookupError as error:
                raise NotInVault(str(error)) from error

    def _audit(
        self,
        store: Store,
        action: Action,
        target: str = "",
        outcome: Outcome = Outcome.OK,
        detail: str = "",
    ) -> None:
        audit.append(
            store.db,
            time=self._now(),
            username=self.user.username,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
        )

    def _audited_read(self, action: Action, target: str, read: Callable[[Store], T]) -> T:
        with self._mutex:
            with self._writing() as store:
                self._audit(store, action, target)
            with self._reading() as store:
                return read(store)

    def _require_admin(self, what: str, action: Action, target: str) -> None:
        """Refuse (and audit the refusal) unless the signed-in user is an administrator."""
        user = self.user
        if user.role is Role.ADMINISTRATOR:
            return
        with self._writing() as store:
            self._audit(store, action, target, Outcome.DENIED, f"needs administrator: {what}")
        raise PermissionDenied(user.username, str(user.role), what)

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

    # Accounts ----------------------------------------------------------------------------

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
        try:
            keyslots.open_slot(slots.vault_id, slot, current_password)
        except VaultLocked as error:
            with self._writing() as store:
                self._audit(
                    store,
                    Action.PASSWORD_CHANGE,
                    f"user:{username}",
                    Outcome.FAILED,
                    "current password wrong",
                )
            raise VaultLocked(
                "The current password is wrong.", "Type your current password again."
            ) from error

    # Integrity ---------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Check the audit chain and every page; VaultCorrupt names the first broken row.

        The result, pass or fail, is itself audited.
        """
        with self._mutex:
            try:
                with self._reading() as store:
                    head = audit.verify_chain(store.db)
                    check_pages(store.db)
            except VaultCorrupt as error:
                with self._writing() as store:
                    self._audit(
                        store,
                        Action.VERIFY,
                        f"vault:{self._vault_id}",
                        Outcome.FAILED,
                        error.problem,
                    )
                raise
            with self._writing() as store:
                self._audit(
                    store,
                    Action.VERIFY,
                    f"vault:{self._vault_id}",
                    detail=f"{head.rows} audit rows, head {head.hash}",
                )
            return VerifyReport(head.rows, head.hash)

    def audit_log(self, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
        """Administrators only: audit rows after ``after_id``, oldest first."""
        self._require_admin("read the audit log", Action.LIST, "audit")
        return self._audited_read(
            Action.LIST, "audit", lambda store: audit.entries(store.db, after_id, limit)
        )

    # Patients and sessions ---------------------------------------------------------------

    def add_patient(
        self, identifier: str, name: str, sex: str = "", birth_date: date | None = None
    ) -> Patient:
        with self._writing() as store:
            if store.find_patient(identifier) is not None:
                raise VaultError(
                    "A patient with this identifier is already in the vault.",
                    "Open the existing patient instead of creating a new one.",
                )
            patient = store.add_patient(
                identifier, name, sex, birth_date, actor=self.user.username, now=self._now()
            )
            self._audit(store, Action.EDIT, f"patient:{patient.id}", detail="patient created")
        return patient

    def get_patient(self, patient_id: int) -> Patient:
        return self._audited_read(
            Action.OPEN, f"patient:{patient_id}", lambda store: store.patient(patient_id)
        )

    def find_patient(self, identifier: str) -> Patient | None:
        """Look a patient up by identifier (audited without the identifier)."""
        return self._audited_read(
            Action.OPEN, "patient:by-identifier", lambda store: store.find_patient(identifier)
        )

    def list_patients(self) -> list[Patient]:
        return self._audited_read(Action.LIST, "patients", lambda store: store.patients())

    def create_session(self, patient_id: int, modality: Modality | str) -> int:
        with self._writing() as store:
            session_id = store.add_session(
                patient_id, Modality(modality), actor=self.user.username, now=self._now()
            )
            self._audit(
                store,
                Action.EDIT,
                f"session:{session_id}",
                detail=f"session created for patient:{patient_id}",
            )
        return session_id

    def save_session(
        self, patient_id: int, recording: Recording, modality: Modality | str | None = None
    ) -> int:
        """A new session holding one recording, in one transaction; durable when it returns."""
        with self._writing() as store:
            now = self._now()
            session_id = store.add_session(
                patient_id,
                Modality(modality or recording.modality),
                actor=self.user.username,
                now=now,
            )
            recording_id = store.add_recording(
                session_id, recording, actor=self.user.username, now=now
            )
            self._audit(
                store,
                Action.EDIT,
                f"session:{session_id}",
                detail=f"session created for patient:{patient_id} with recording:{recording_id}",
            )
        return session_id

    def add_recording(self, session_id: int, recording: Recording) -> int:
        with self._writing() as store:
            recording_id = store.add_recording(
                session_id, recording, actor=self.user.username, now=self._now()
            )
            self._audit(
                store,
                Action.EDIT,
                f"recording:{recording_id}",
                detail=f"added to session:{session_id}",
            )
        return recording_id

    def list_sessions(self, patient_id: int | None = None) -> list[SessionSummary]:
        target = "sessions" if patient_id is None else f"patient:{patient_id}"
        return self._audited_read(Action.LIST, target, lambda store: store.sessions(patient_id))

    def get_session(self, session_id: int) -> SessionSummary:
        return self._audited_read(
            Action.OPEN, f"session:{session_id}", lambda store: store.session(session_id)
        )

    def set_session_status(self, session_id: int, status: SessionStatus | str) -> None:
        status = SessionStatus(status)
        with self._writing() as store:
            store.set_session_status(session_id, status)
            self._audit(store, Action.EDIT, f"session:{session_id}", detail=f"status {status}")

    def list_recordings(self, session_id: int) -> list[RecordingInfo]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.recording_infos(session_id)
        )

    def load_recording(self, recording_id: int) -> Recording:
        return self._audited_read(
            Action.OPEN,
            f"recording:{recording_id}",
            lambda store: store.load_recording(recording_id),
        )

    # Analyses, notes, reports ------------------------------------------------------------

    def save_analysis(self, session_id: int, analysis: Analysis) -> int:
        models = ", ".join(f"{m.name} {m.version} sha256:{m.sha256}" for m in analysis.models)
        with self._writing() as store:
            analysis_id = store.add_analysis(
                session_id, analysis, actor=self.user.username, now=self._now()
            )
            self._audit(
                store,
                Action.ANALYSIS,
                f"analysis:{analysis_id}",
                detail=f"{analysis.kind} in session:{session_id}; models: {models or '-'}",
            )
        return analysis_id

    def list_analyses(self, session_id: int) -> list[AnalysisInfo]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.analysis_infos(session_id)
        )

    def load_analysis(self, analysis_id: int) -> Analysis:
        return self._audited_read(
            Action.OPEN, f"analysis:{analysis_id}", lambda store: store.load_analysis(analysis_id)
        )

    def add_note(self, session_id: int, text: str) -> int:
        return self._add_note(session_id, NoteKind.NOTE, text, None)

    def confirm_statement(
        self, session_id: int, statement: str, analysis_id: int | None = None
    ) -> int:
        """Record that the signed-in clinician confirmed an interpretation statement."""
        return self._add_note(session_id, NoteKind.CONFIRMED_STATEMENT, statement, analysis_id)

    def _add_note(self, session_id: int, kind: NoteKind, text: str, analysis_id: int | None) -> int:
        with self._writing() as store:
            note_id = store.add_note(
                session_id, kind, text, analysis_id, actor=self.user.username, now=self._now()
            )
            self._audit(
                store,
                Action.EDIT,
                f"note:{note_id}",
                detail=f"{kind} added to session:{session_id}",
            )
        return note_id

    def list_notes(self, session_id: int) -> list[Note]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.notes(session_id)
        )

    def save_report(self, session_id: int, title: str, pdf: bytes) -> int:
        with self._writing() as store:
            report_id = store.add_report(
                session_id, title, pdf, actor=self.user.username, now=self._now()
            )
            self._audit(
                store,
                Action.EDIT,
                f"report:{report_id}",
                detail=f"report stored for session:{session_id}",
            )
        return report_id

    def list_reports(self, session_id: int) -> list[ReportInfo]:
        return self._audited_read(
            Action.LIST, f"session:{session_id}", lambda store: store.report_infos(session_id)
        )

    def load_report(self, report_id: int) -> bytes:
        return self._audited_read(
            Action.OPEN, f"report:{report_id}", lambda store: store.load_report(report_id)
        )

    def export_report(self, report_id: int, destination: str | Path) -> Path:
        """Write a stored PDF where the user chose: the one way patient data leaves on purpose.

        The audit row names the report by id, not by the file name (which often contains the
        patient's name).
        """
        pdf = self._audited_read(
            Action.EXPORT, f"report:{report_id}", lambda store: store.load_report(report_id)
        )
        target = Path(destination)
        target.write_bytes(pdf)
        return target

    # Backup and restore ------------------------------------------------------------------

    def backup(self, destination: str | Path) -> backup.BackupInfo:
        """Administrators only: an encrypted, verified copy at ``destination`` (+ ``.keys``)."""
        target = Path(destination)
        self._require_admin("make backups", Action.BACKUP, "vault")
        with self._mutex:
            with self._writing() as store:
                self._audit(
                    store, Action.BACKUP, f"vault:{self._vault_id}", detail=f"backup to {target}"
                )
            if self._key is None:
                raise VaultLocked()
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
    ) -> Vault:
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
        if target.database.exists() or target.key_file.exists():
            if not force:
                raise VaultExists(
                    target.database,
                    "Add --force to replace it; the current files are then moved to a dated "
                    "folder beside it, not deleted.",
                )
            backup.set_aside(target)
        backup.install_backup(source, target)
        db = open_keyed(target.database, key, busy_timeout_s=busy_timeout_s)
        try:
            with translate_errors(busy_timeout_s), write_transaction(db):
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
