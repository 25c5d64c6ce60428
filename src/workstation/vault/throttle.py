"""How long a sign-in waits: per account, for the whole vault, and one guess at a time.

The delay is applied before the password is checked, so each guess costs the attacker the wait
plus the Argon2 time. Three rules, all read from the failed-login file (failures.py), so they
persist across program restarts:

* per account: consecutive failures for that name since its last success (unknown names
  share one count), so seven guesses at unknown names do not make the administrator wait;
* for the whole vault: failures of any name in the last ten minutes beyond the first ten,
  so spreading guesses over many names does not help either;
* one attempt at a time: an exclusive lock on ``<vault>.signin-lock`` is held from the wait
  to the recorded outcome, so six parallel processes guess no faster than one.

A failed-login file deleted while the vault exists costs the next attempt the longest wait
(and the next success records the deletion in the audit), so deleting it to reset the count
gains nothing. Policies are plain functions so tests can inject fast ones and the GUI can show
the wait.

Limits, stated in the README: someone who can write the vault folder can also truncate the
file's last lines (seen at the next success), and can copy the key file and guess offline at
Argon2 speed; the throttle protects the sign-in screen and the CLI, not a copied key file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

DelayPolicy = Callable[[int], float]

FREE_ATTEMPTS = 2
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0
VAULT_WINDOW = timedelta(minutes=10)
VAULT_FREE_FAILURES = 10


def escalating_delay(failures: int) -> float:
    """0, 0, 1, 2, 4, 8 … seconds, capped at 30 s: typos are free, guessing is not."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2.0 ** (failures - FREE_ATTEMPTS))


def vault_wide_delay(recent_failures: int) -> float:
    """Nothing for the first ten failures in ten minutes, then 1, 2, 4 … up to 30 s."""
    if recent_failures < VAULT_FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2.0 ** (recent_failures - VAULT_FREE_FAILURES))


def recent(times: list[str], now: datetime) -> int:
    """How many of ``times`` (ISO 8601) fall in the last ``VAULT_WINDOW``."""
    since = now - VAULT_WINDOW
    count = 0
    for text in times:
        try:
            if datetime.fromisoformat(text) >= since:
                count += 1
        except ValueError:
            count += 1  # an unreadable time counts: the file is writable by others
    return count


@contextlib.contextmanager
def one_attempt_at_a_time(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created owner-only) for one sign-in attempt.

    POSIX ``flock``; where it does not exist (Windows) attempts are not serialised, which the
    README states.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
