"""Failed sign-ins while the vault is locked, kept until the next successful sign-in.

A failed attempt cannot be written to the audit table: without the password there is no key to
open the database. Queueing failures in memory would lose them when the program exits, and an
attacker would simply restart it. So each failure is appended, and fsync'ed, as one JSON line
to ``<vault>.failures``; the next successful sign-in moves every line it has not seen into the
hash-chained audit table in the same transaction as the login row, and records in the database
how far it has read (byte offset) and which file it read (a random epoch in the file's first
line). The same file gives the rate limiter its count of consecutive failures, across restarts.

The file holds no patient data and no secrets: a time, the account name (only if that account
exists, so a password typed into the username field is never written) and a reason. Why not an
HMAC-chained log? While the vault is locked there is no secret to key an HMAC with that a local
attacker could not read too, so a chain would give no protection; what this file cannot
prevent (someone with write access to the folder deleting lines made since the last sign-in) an
HMAC could not have prevented either. Replacing or deleting the whole file is detected through
the epoch and recorded in the audit table.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workstation.errors import PasswordRejected
from workstation.vault import audit, settings
from workstation.vault.accounts import check_username
from workstation.vault.driver import sqlite_utils
from workstation.vault.files import append_durably, atomic_write
from workstation.vault.signing import Signer

FORMAT = "workstation-vault-failures"
VERSION = 1
UNKNOWN_ACCOUNT = "(unknown account)"
WRONG_PASSWORD = "wrong password"
UNKNOWN_USERNAME = "unknown username"
REASONS = (WRONG_PASSWORD, UNKNOWN_USERNAME)


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """One line after the header; ``kind`` is "failure", "reset" or "unreadable"."""

    offset: int
    kind: str
    time: str = ""
    username: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FailureLogContents:
    epoch: str | None
    size: int
    header_end: int
    records: list[FailureRecord] = field(default_factory=list)

    def consecutive_failures(self, account: str | None = None) -> int:
        """Failures since the last success: of one account (its own successes reset it; a
        reset line without a name, from an earlier program, resets every account), or of
        all accounts when ``account`` is None."""
        count = 0
        for record in self.records:
            if record.kind == "reset":
                if account is None or record.username in ("", account):
                    count = 0
            elif account is None or _bucket(record) == account:
                count += 1
        return count

    def failure_times(self) -> list[str]:
        """When each failure happened (unreadable lines give "", which counts as recent)."""
        return [r.time for r in self.records if r.kind != "reset"]


def _bucket(record: FailureRecord) -> str:
    return record.username or UNKNOWN_ACCOUNT


def account_bucket(username: str, known: bool) -> str:
    """The name a failure is counted under: unknown names share one count."""
    return username if known else UNKNOWN_ACCOUNT


def _line(document: dict[str, object]) -> bytes:
    return (json.dumps(document, separators=(",", ":")) + "\n").encode("utf-8")


def _parse(offset: int, line: bytes) -> FailureRecord:
    """One line, or "unreadable" unless every field is one this program could have written:
    the file is writable by anyone who can write the folder, and its text reaches the audit."""
    try:
        document = json.loads(line)
        kind = document["type"]
        time = str(document["time"])
        datetime.fromisoformat(time)
        if kind == "reset":
            username = str(document.get("username", ""))
            return FailureRecord(
                offset, kind, time, username if _plausible_account(username) else ""
            )
        username, reason = str(document["username"]), str(document["reason"])
        if kind != "failure" or reason not in REASONS or not _plausible_account(username):
            raise ValueError("not a failure record")
        return FailureRecord(offset, kind, time, username, reason)
    except (ValueError, KeyError, TypeError):
        return FailureRecord(offset, "unreadable")


def _plausible_account(username: str) -> bool:
    if username == UNKNOWN_ACCOUNT:
        return True
    try:
        check_username(username)
    except PasswordRejected:
        return False
    return True


class FailureLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def start_new(self) -> str:
        """Replace the file with an empty one under a fresh epoch, returned for the database."""
        epoch = os.urandom(16).hex()
        atomic_write(
            self.path,
            _line({"type": "header", "format": FORMAT, "version": VERSION, "epoch": epoch}),
        )
        return epoch

    def record_failure(self, time: str, username: str, reason: str) -> None:
        if not self.path.exists():
            self.start_new()
        append_durably(
            self.path,
            _line({"type": "failure", "time": time, "username": username, "reason": reason}),
        )

    def record_reset(self, time: str, username: str) -> None:
        """Mark a successful sign-in, so that account's count starts again from zero."""
        if not self.path.exists():
            self.start_new()
        append_durably(self.path, _line({"type": "reset", "time": time, "username": username}))

    def read(self) -> FailureLogContents:
        """Everything in the file; a missing file reads as empty with no epoch.

        A line that is not valid JSON (a disk error, a hand edit) is kept as "unreadable" so it
        still reaches the audit table and still counts as a failure.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return FailureLogContents(epoch=None, size=0, header_end=0)
        header, newline, rest = data.partition(b"\n")
        header_end = len(header) + len(newline)
        epoch = _epoch_of(header)
        records, offset = [], header_end
        for raw in rest.splitlines(keepends=True):
            if raw.strip():
                records.append(_parse(offset, raw))
            offset += len(raw)
        return FailureLogContents(epoch, len(data), header_end, records)


def _epoch_of(header: bytes) -> str | None:
    try:
        document = json.loads(header)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    return str(document.get("epoch"))


def _expected_position(db: sqlite_utils.Database) -> tuple[str | None, int]:
    offset = settings.get(db, settings.FAILURE_LOG_OFFSET)
    return settings.get(db, settings.FAILURE_LOG_EPOCH), int(offset or 0)


def adopt(db: sqlite_utils.Database, log: FailureLog) -> None:
    """Start a fresh file and make the database expect it (at creation and after a restore)."""
    epoch = log.start_new()
    settings.put(db, settings.FAILURE_LOG_EPOCH, epoch)
    settings.put(db, settings.FAILURE_LOG_OFFSET, str(log.read().size))


def move_into_audit(
    db: sqlite_utils.Database,
    log: FailureLog,
    contents: FailureLogContents,
    *,
    time: str,
    signer: Signer,
) -> None:
    """Copy the failures not yet audited into the audit table.

    Runs inside the sign-in's write transaction, so the rows and the new read position are
    committed together: a crash can neither lose a failure nor import it twice.
    """
    epoch, offset = _expected_position(db)
    if contents.epoch is None or contents.epoch != epoch or offset > contents.size:
        audit.append(
            db,
            time=time,
            signer=signer,
            action=audit.Action.FAILURE_LOG,
            outcome=audit.Outcome.FAILED,
            detail=f"the failed-login file was missing, replaced or truncated (expected epoch "
            f"{epoch}, found {contents.epoch}); its lines were imported from the start",
        )
        offset = contents.header_end
    for record in contents.records:
        if record.offset < offset or record.kind == "reset":
            continue
        detail = (
            f"attempt at {record.time}: {record.reason}"
            if record.kind == "failure"
            else f"unreadable line at byte {record.offset} of the failed-login file"
        )
        audit.append(
            db,
            time=time,
            signer=signer,
            username=record.username or UNKNOWN_ACCOUNT,
            action=audit.Action.LOGIN_FAILED,
            outcome=audit.Outcome.FAILED,
            detail=detail,
        )
    if contents.epoch is None:
        adopt(db, log)
    else:
        settings.put(db, settings.FAILURE_LOG_EPOCH, contents.epoch)
        settings.put(db, settings.FAILURE_LOG_OFFSET, str(contents.size))
