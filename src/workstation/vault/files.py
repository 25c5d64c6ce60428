"""Durable, private writes of the small files that sit beside the database.

The key-slot file decides whether anyone can open the vault, so a crash must leave either the
old or the new version, never half of one: write a temporary file in the same folder, fsync
it, rename it over the old one, then fsync the folder so the rename itself survives a power
cut. Every file is created readable by its owner only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from workstation.errors import VaultError

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


@contextlib.contextmanager
def reported_as_vault_error(what: str, path: Path) -> Iterator[None]:
    """Turn a failed file operation (full disk, read-only USB stick, missing folder) into a
    message for the person who chose ``path``, instead of an OSError traceback."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise VaultError(
            f"Could not write {what} '{path}': {reason}.",
            "Choose a folder that exists and that you may write to, on a disk with enough free "
            "space, and try again.",
        ) from error


def ensure_private_dir(path: Path) -> None:
    """Create the vault folder (owner-only) if it does not exist yet."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new bytes, never a mix."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def append_durably(path: Path, line: bytes, *, sync: bool = True) -> None:
    """Append one line with a single ``write`` and fsync it (``sync=False``: left to the OS,
    for a line whose loss in a power cut only delays it).

    One ``write`` keeps concurrent appenders' lines apart, but it is not atomic against a
    crash: Linux stops a write at a page boundary when the writer has been killed (a full
    disk or a network share anywhere), leaving the first part of the line without its
    newline. A file that does not end in a newline therefore gets a newline and a blank
    line first, in the same write: the cut line stays a line of its own instead of
    swallowing this one, and the blank line after it says it was cut (``appended_lines``).
    The check and the write are two steps: a line another appender is killed while writing
    between them still swallows this one (then both read as one unreadable line)."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        if os.lseek(fd, 0, os.SEEK_END) > 0:
            os.lseek(fd, -1, os.SEEK_END)
            if os.read(fd, 1) != b"\n":
                line = b"\n\n" + line
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(f"only {written} of {len(line)} bytes reached '{path.name}'")
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def appended_lines(data: bytes) -> Iterator[tuple[int, bytes, bool]]:
    """(number from 1, line, cut) for each line of a JSON-lines file ``append_durably``
    wrote. ``cut`` marks a line that may be the start of a write a kill or a power cut left
    unfinished: one that does not end as a JSON object does, one followed by the blank line
    ``append_durably`` writes after a cut line, or a last line without its newline (a line
    cut right after an inner '}' ends as a JSON object does). Readers skip such a line when
    it does not parse."""
    lines = data.splitlines()
    for k, line in enumerate(lines):
        last = k == len(lines) - 1
        marked = not last and not lines[k + 1].strip()
        unfinished = last and not data.endswith(b"\n")
        yield k + 1, line, not line.rstrip().endswith(b"}") or marked or unfinished


def create_private(path: Path) -> None:
    """Create an empty owner-only file that SQLite then fills.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so creating the
    database ourselves, private from the first byte, keeps every sidecar private too.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def create_private_file(path: Path, data: bytes | None = None) -> None:
    """Create or replace ``path`` readable by its owner only (0600), optionally with ``data``.

    The one way every export (reports, recordings, JSON) creates its file: what leaves the
    vault is patient data outside its encryption, and the least the program can do is not
    make it readable by every other account on the computer. A writer that needs a path
    (reportlab, the EDF writer) calls this first with no data and then writes into the file,
    which keeps its mode; an existing file is truncated and its mode narrowed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE_MODE)
        if data:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def make_private(path: Path) -> None:
    """Restrict a file that another library created (SQLite's database file) to its owner."""
    os.chmod(path, PRIVATE_FILE_MODE)
