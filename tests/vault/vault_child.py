"""A second process for the crash and concurrency tests.

python vault_child.py save VAULT USER PASSWORD COUNT FIRST_SEED
    signs in and saves COUNT sessions, printing "session_id seed" after each save returns
python vault_child.py hold DATABASE KEY_HEX
    holds the database's write lock (raw SQL) until a line arrives on stdin
python vault_child.py churn VAULT USER PASSWORD OTHER_PASSWORD FIRST_SEED
    signs in, then alternately saves a session and changes the password to the other one,
    printing "saved SESSION_ID" or "password N" (0: PASSWORD, 1: OTHER) after each returns,
    until it is killed
"""

from __future__ import annotations

import sys

import numpy as np

from workstation.recording import Modality, Recording
from workstation.vault.driver import sqlcipher3
from workstation.vault.vault import Vault

SAVE_CHANNELS, SAVE_SAMPLES = 8, 20_000


def say(*words: object) -> None:
    """One line in one write: print() writes its words, separators and newline one by one,
    and with PYTHONUNBUFFERED set each is its own system call, so a kill between them left
    the parent reading "password" without its number (an IndexError in the harness)."""
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def save(vault_path: str, user: str, password: str, count: int, first_seed: int) -> None:
    from vault_helpers import synthetic_recording  # imports pytest: only where needed

    vault = Vault(vault_path, busy_timeout_s=30)
    vault.unlock(user, password)
    patient = vault.add_patient(f"child-{first_seed}", "Child Process Patient")
    for seed in range(first_seed, first_seed + count):
        recording = synthetic_recording(seed, SAVE_CHANNELS, SAVE_SAMPLES)
        session_id = vault.save_session(patient.id, recording)
        say(session_id, seed)
    vault.close()


def churn(vault_path: str, user: str, password: str, other: str, first_seed: int) -> None:
    vault = Vault(vault_path, busy_timeout_s=30)
    vault.unlock(user, password)
    patient = vault.find_patient("churn") or vault.add_patient("churn", "Churn Patient")
    passwords = [password, other]
    current = 0
    for seed in range(first_seed, first_seed + 10_000):
        signal = np.random.default_rng(seed).standard_normal((1, 200)).astype(np.float32)
        session_id = vault.save_session(
            patient.id, Recording(signal, 250.0, ("ch0",), ("uV",), modality=Modality.ECG)
        )
        say("saved", session_id)
        vault.change_password(user, passwords[1 - current], current_password=passwords[current])
        current = 1 - current
        say("password", current)


def hold(database: str, key_hex: str) -> None:
    conn = sqlcipher3.connect(database, isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    conn.execute("BEGIN IMMEDIATE")
    say("holding")
    sys.stdin.readline()
    conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "save":
        save(arguments[0], arguments[1], arguments[2], int(arguments[3]), int(arguments[4]))
    elif command == "churn":
        churn(*arguments[:4], int(arguments[4]))
    else:
        hold(arguments[0], arguments[1])
