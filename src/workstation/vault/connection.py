"""Opening the SQLCipher database and running transactions on it.

Choices made here, deliberately:

* Raw key (``PRAGMA key = "x'…'"``): the 256-bit key is already random, so SQLCipher's own
  PBKDF2 (~150 ms) would only slow every open down without adding strength.
* WAL journal with ``synchronous = FULL``: readers (a GUI listing sessions) are not blocked by
  a writer (another process saving an analysis), a commit is durable once it returns even
  across a power cut, and a crash at any point leaves the last committed state. WAL and
  ``-shm`` pages are encrypted like the database; ``temp_store = MEMORY`` keeps SQLite from
  writing sort or temp-table spill files at all.
* Every write is ``BEGIN IMMEDIATE``: the write lock is taken before the first read, so the
  audit chain's "read the last hash, append the next row" can never interleave between two
  processes, and a waiting writer waits in ``busy_timeout`` instead of failing on upgrade.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from workstation.errors import VaultBusy, VaultCorrupt, VaultError, VaultNotFound
from workstation.vault.driver import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    sqlcipher3,
    sqlite_utils,
)

DEFAULT_BUSY_TIMEOUT_S = 10.0


def connect(
    path: Path,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    *,
    key: bytes | None,
    read_only: bool = False,
) -> sqlite_utils.Database:
    """A connection keyed before anything (sqlite-utils included) touches it.

    ``key=None`` gives a plain, unencrypted SQLite database: only the benchmark asks for that,
    to measure what encryption costs on the same code path. ``check_same_thread`` is off
    because the GUI hands vault calls to worker threads; the Vault serialises them itself.
    """
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    conn = sqlcipher3.connect(
        target,
        timeout=busy_timeout_s,
        isolation_level=None,
        check_same_thread=False,
        uri=read_only,
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        if len(key) != 32:
            conn.close()
            raise ValueError("the database key must be 32 bytes")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return sqlite_utils.Database(conn, execute_plugins=False)


def apply_pragmas(db: sqlite_utils.Database) -> None:
    """Journal, durability and temp-file settings shared by the vault, backups and benchmarks."""
    mode = db.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise VaultError(
            f"The vault database could not switch to write-ahead logging (it reports '{mode}').",
            "Keep the vault on a local disk; network folders do not support it.",
        )
    db.conn.execute("PRAGMA synchronous = FULL")
    db.conn.execute("PRAGMA foreign_keys = ON")
    db.conn.execute("PRAGMA temp_store = MEMORY")


def open_keyed(
    path: Path,
    key: bytes,
    *,
    create: bool = False,
    read_only: bool = False,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
) -> sqlite_utils.Database:
    """A ready connection to the encrypted database; VaultCorrupt if the key does not open it.

    A wrong key only shows on the first page read, so one is forced here: code after this
    function can assume it reads the real database. ``read_only`` (for checking backups)
    leaves the file exactly as it is, journal mode included.
    """
    if not create and not path.is_file():
        raise VaultNotFound(path)
    db = connect(path, busy_timeout_s, key=key, read_only=read_only)
    try:
        with translate_errors(busy_timeout_s):
            db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if not read_only:
                apply_pragmas(db)
    except BaseException:
        db.conn.close()
        raise
    return db


def close(db: sqlite_utils.Database) -> None:
    db.conn.close()


def _is_busy(error: OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


@contextlib.contextmanager
def translate_errors(busy_timeout_s: float) -> Iterator[None]:
    """Turn driver exceptions into the project's errors, keeping the original as the cause."""
    try:
        yield
    except OperationalError as error:
        if _is_busy(error):
            raise VaultBusy(busy_timeout_s) from error
        raise VaultError(
            f"The vault database reported an error: {error}.",
            "Check that the disk is not full and the vault folder is writable, then try again.",
        ) from error
    except IntegrityError as error:
        raise VaultError(
            f"The vault refused the change because it would break a rule of its tables ({error}).",
            "Check the values entered; if this keeps happening, report it with the time shown.",
        ) from error
    except DatabaseError as error:
        raise VaultCorrupt(f"The vault database cannot be read ({error}).") from error


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One atomic, durable unit of work holding the write lock from its first statement."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


@contextlib.contextmanager
def first_write(
    db: sqlite_utils.Database, busy_timeout_s: float
) -> Iterator[sqlite_utils.Database]:
    """The first write transaction on a connection just opened, errors translated; if it
    fails the connection is closed, so a refused sign-in or creation leaves nothing open."""
    try:
        with translate_errors(busy_timeout_s), write_transaction(db):
            yield db
    except BaseException:
        close(db)
        raise


@contextlib.contextmanager
def read_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A consistent snapshot across several SELECTs (a recording's row and its chunks)."""
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.rollback()
