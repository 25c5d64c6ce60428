"""SIGKILL during saves and password changes, many times over; shared by the test (a few
kills) and benchmarks/vault.py (300).

Each round starts ``vault_child.py churn``, lets it acknowledge a few saves and password
changes, kills it at a random moment, then signs in as the next program would and counts:

* acknowledged saves missing from the vault (must be 0);
* unaudited key changes: a sign-in that fails with the acknowledged password (or with the
  next one, when the change committed but its acknowledgement was lost), or ``verify``
  failing, which it does when a slot's signing key differs from the audit's (must be 0);
* files left behind after that sign-in: ``*.tmp``, ``*.pending``, ``*.partial`` (must be 0).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workstation.errors import VaultLocked
from workstation.vault.vault import Vault

CHILD = Path(__file__).with_name("vault_child.py")
PASSWORDS = ("churn password one", "churn password two")


@dataclass
class CrashTally:
    kills: int = 0
    acknowledged_saves: int = 0
    lost_saves: int = 0
    unaudited_key_changes: int = 0
    leftovers: list[str] = field(default_factory=list)
    sign_in_s: list[float] = field(default_factory=list)


def _leftovers(folder: Path) -> list[str]:
    patterns = ("*.tmp", "*.pending", "*.partial", ".*.tmp", ".*.partial")
    return sorted({p.name for pattern in patterns for p in folder.glob(pattern)})


def _sign_in(vault_path: Path, user: str, first: str, second: str) -> tuple[Vault, str] | None:
    for password in (first, second):
        vault = Vault(vault_path, sleep=lambda _s: None)
        try:
            vault.unlock(user, password)
        except VaultLocked:
            continue
        return vault, password
    return None


def churn_and_kill(
    vault_path: Path,
    user: str,
    kills: int,
    seed: int = 0,
    verify_every: int = 1,
    progress: Callable[[CrashTally], None] | None = None,
) -> CrashTally:
    """``user`` must exist with password ``PASSWORDS[0]``. Every round signs in (which
    refuses a slot whose signing key the audit never gave); ``verify`` runs every
    ``verify_every`` rounds and after the last, since it rereads the whole vault."""
    rng = random.Random(seed)
    tally = CrashTally()
    password = PASSWORDS[0]
    saved: set[int] = set()
    for round_number in range(kills):
        other = PASSWORDS[1] if password == PASSWORDS[0] else PASSWORDS[0]
        child = subprocess.Popen(
            [
                sys.executable,
                str(CHILD),
                "churn",
                str(vault_path),
                user,
                password,
                other,
                str(round_number * 10_000),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        wanted = rng.randint(1, 6)
        lines = []
        for line in child.stdout:
            lines.append(line.split())
            if len(lines) >= wanted:
                break
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        lines += [line.split() for line in child.stdout.read().splitlines()]
        child.wait(timeout=60)
        tally.kills += 1
        acknowledged = password
        for line in lines:
            if line and line[0] == "saved":
                saved.add(int(line[1]))
                tally.acknowledged_saves += 1
            elif line and line[0] == "password":
                acknowledged = (password, other)[int(line[1])]
        after = PASSWORDS[1] if acknowledged == PASSWORDS[0] else PASSWORDS[0]
        started = time.perf_counter()
        opened = _sign_in(vault_path, user, acknowledged, after)
        tally.sign_in_s.append(time.perf_counter() - started)
        if opened is None:
            tally.unaudited_key_changes += 1
            break
        vault, password = opened
        if (round_number + 1) % verify_every == 0 or round_number + 1 == kills:
            try:
                vault.verify()
            except Exception:  # noqa: BLE001  (any failure is what is counted here)
                tally.unaudited_key_changes += 1
        stored = {s.id for s in vault.list_sessions()}
        tally.lost_saves += len(saved - stored)
        vault.close()
        tally.leftovers += _leftovers(vault_path.parent)
        if progress is not None:
            progress(tally)
    return tally
