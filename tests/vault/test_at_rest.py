"""Nothing readable leaves the vault: every file written is ciphertext to anyone without the key."""

from __future__ import annotations

import sqlite3
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from vault_helpers import FAST_KDF, synthetic_recording

from workstation.errors import VaultLocked
from workstation.recording import Recording
from workstation.vault.vault import Vault

NAMES = ("Quokka Zebrafinch", "Hortensia Blaubeere-Weiß", "Þórunn Ægisdóttir")


def _needles(recordings: list[Recording]) -> dict[str, bytes]:
    needles = {}
    for name in NAMES:
        for variant in {name, name.upper(), name.lower(), *name.split()}:
            needles[f"{variant} utf-8"] = variant.encode("utf-8")
            needles[f"{variant} utf-16"] = variant.encode("utf-16-le")
    for i, recording in enumerate(recordings):
        raw = np.ascontiguousarray(recording.signals).tobytes()
        needles[f"signal {i} raw"] = raw[4000:4032]
        needles[f"signal {i} zlib"] = zlib.compress(raw, 1)[100:132]
    return needles


def _scan(folder: Path, needles: dict[str, bytes]) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{label} in {path.name}" for label, n in needles.items() if n in data]
    return found


def test_no_name_or_signal_bytes_in_any_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("SQLITE_TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    vault_path = tmp_path / "vault" / "vault.db"
    recordings = [synthetic_recording(seed, channels=8, samples=20_000) for seed in range(3)]
    needles = _needles(recordings)

    vault, _ = Vault.create(vault_path, "admin", "admin password 1", kdf=FAST_KDF)
    for i, name in enumerate(NAMES):
        patient = vault.add_patient(f"ID-{i}", name, "F")
        vault.save_session(patient.id, recordings[i])
    vault.list_patients()
    vault.list_sessions()
    sidecars = {p.name for p in vault_path.parent.iterdir()}
    assert "vault.db-wal" in sidecars, "the scan must include the write-ahead log"
    open_scan = _scan(tmp_path, needles)
    vault.backup(tmp_path / "backups" / "b1.db")
    vault.verify()
    vault.close()
    # A name typed into the wrong field of the sign-in form must not reach the failed-login file.
    for username, password in ((NAMES[0], "admin password 1"), ("admin", NAMES[1])):
        with pytest.raises(VaultLocked):
            Vault(vault_path, sleep=lambda _: None).unlock(username, password)
    assert vault.paths.failure_log.stat().st_size > 0

    assert open_scan == []
    assert _scan(tmp_path, needles) == []
    assert list(scratch.iterdir()) == [], "nothing may be written to the temp folder"
    for database in (vault_path, tmp_path / "backups" / "b1.db"):
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            sqlite3.connect(database).execute("SELECT * FROM sqlite_master").fetchall()


def test_files_are_private_to_their_owner(vault: Vault, tmp_path: Path) -> None:
    vault.add_patient("P-1", "Someone")
    vault.backup(tmp_path / "backups" / "b.db")
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {
        "vault.db",
        "vault.db-wal",
        "vault.db-shm",
        "vault.db.keys",
        "vault.db.failures",
        "b.db",
        "b.db.keys",
    }
    for path in written + [vault.paths.database.parent, tmp_path / "backups"]:
        assert path.stat().st_mode & 0o077 == 0, path.name
