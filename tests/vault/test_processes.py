"""Crash safety and two processes on one vault."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN, ADMIN_PASSWORD
from vault_child import SAVE_CHANNELS, SAVE_SAMPLES
from vault_helpers import SleepRecorder, assert_same_recording, synthetic_recording

from workstation.errors import VaultBusy
from workstation.vault import recovery
from workstation.vault.vault import Vault

CHILD = Path(__file__).with_name("vault_child.py")


def _child(*arguments: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *arguments],
        stdin=stdin,
        stdout=subprocess.PIPE,
        text=True,
    )


def _saved(lines: list[str]) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (line.split() for line in lines if line.strip())]


def test_sigkill_mid_write_keeps_every_returned_save(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    vault.close()
    child = _child("save", str(vault_path), ADMIN, ADMIN_PASSWORD, "500", "1000")
    lines = []
    assert child.stdout is not None
    for line in child.stdout:
        lines.append(line)
        if len(lines) == 12:
            child.send_signal(signal.SIGKILL)
            break
    lines += child.stdout.read().splitlines()
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    saved = _saved(lines)
    assert len(saved) >= 12

    survivor = Vault(vault_path, sleep=SleepRecorder())
    survivor.unlock(ADMIN, ADMIN_PASSWORD)
    survivor.verify()
    stored = {s.id for s in survivor.list_sessions()}
    assert {session_id for session_id, _ in saved} <= stored
    assert len(stored) <= len(saved) + 1, "at most the interrupted save may have landed"
    for session_id, seed in saved[::3] + saved[-1:]:
        [info] = survivor.list_recordings(session_id)
        expected = synthetic_recording(seed, SAVE_CHANNELS, SAVE_SAMPLES)
        assert_same_recording(survivor.load_recording(info.id), expected)
    survivor.close()


def test_two_processes_writing_at_once_do_not_corrupt_the_vault(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    vault.close()
    children = [
        _child("save", str(vault_path), ADMIN, ADMIN_PASSWORD, "8", str(first))
        for first in (0, 100)
    ]
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert [child.returncode for child in children] == [0, 0]
    saved = _saved("\n".join(outputs).splitlines())
    assert len(saved) == 16

    vault.unlock(ADMIN, ADMIN_PASSWORD)
    report = vault.verify()
    assert report.audit_rows >= 2 * (1 + 1 + 8 + 1), "login, patient, sessions, lock each"
    assert len(vault.list_sessions()) == 16
    vault.close()


def test_a_writer_waits_for_the_lock_then_gets_a_clear_busy_error(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, recovery_key = new_vault()
    patient = vault.add_patient("B-1", "Someone")
    vault.close()
    key = recovery.database_key(recovery.parse_recovery_key(recovery_key))
    holder = _child("hold", str(vault_path), key.hex(), stdin=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "holding"

    impatient = Vault(vault_path, busy_timeout_s=0.3, sleep=SleepRecorder())
    started = time.monotonic()
    with pytest.raises(VaultBusy, match="Another program is writing") as caught:
        impatient.unlock(ADMIN, ADMIN_PASSWORD)
    assert time.monotonic() - started >= 0.25
    assert "try again" in str(caught.value)

    holder.stdin.write("release\n")
    holder.stdin.flush()
    holder.wait(timeout=30)
    impatient.unlock(ADMIN, ADMIN_PASSWORD)
    impatient.save_session(patient.id, synthetic_recording(1, channels=1, samples=16))
    impatient.verify()
    impatient.close()


def test_kills_during_saves_and_password_changes_lose_nothing_and_leave_nothing(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    from vault_crash import PASSWORDS, churn_and_kill

    vault, _ = new_vault()
    vault.add_user("kim", PASSWORDS[0], "clinician")
    vault.close()
    tally = churn_and_kill(vault_path, "kim", kills=4, seed=19)
    assert tally.kills == 4 and tally.acknowledged_saves >= 4
    assert tally.lost_saves == 0
    assert tally.unaudited_key_changes == 0
    assert tally.leftovers == []
