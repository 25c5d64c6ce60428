"""Helpers for the vault tests: cheap Argon2, real LUDB leads, raw database access."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from workstation.recording import Annotation, Modality, Recording
from workstation.vault import recovery
from workstation.vault.driver import sqlcipher3
from workstation.vault.keyslots import Argon2Params

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("WORKSTATION_DATA", REPO.parent / "shared" / "data"))
LUDB = DATA / "ludb" / "data"

#: Argon2id at the lowest cost it accepts: the tests exercise logic, not key stretching.
FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
ADMIN, ADMIN_PASSWORD = "admin", "admin password 1"
CLINICIAN, CLINICIAN_PASSWORD = "carol", "carol password 1"


def ludb_recording(number: int) -> Recording:
    """A LUDB record as the readers will deliver it: 12 leads, float32, with lead annotations."""
    wfdb = pytest.importorskip("wfdb")
    if not (LUDB / f"{number}.hea").exists():
        pytest.skip(f"LUDB is not at {LUDB} (set WORKSTATION_DATA to the shared data folder)")
    record = wfdb.rdrecord(str(LUDB / str(number)), return_res=32)
    signals = record.p_signal.T.astype(np.float32)
    return Recording(
        signals=signals,
        fs=record.fs,
        channel_names=tuple(record.sig_name),
        units=tuple(record.units),
        modality=Modality.ECG,
        source_name=f"ludb/{number}",
        source_format="wfdb",
        source_sha256="0" * 64,
    )


def synthetic_recording(seed: int, channels: int = 4, samples: int = 2_000) -> Recording:
    """Deterministic per seed, with NaN gaps and every optional field set."""
    rng = np.random.default_rng(seed)
    signals = rng.standard_normal((channels, samples)).astype(np.float32)
    signals[min(1, channels - 1), 10:18] = np.nan
    return Recording(
        signals=signals,
        fs=256.0,
        channel_names=tuple(f"ch{i}" for i in range(channels)),
        units=("uV",) * channels,
        modality=Modality.EEG,
        start_time=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=1))),
        annotations=(Annotation(0.1, 0.0, "spike", "ch0"), Annotation(1 / 3, 0.25, "artefact")),
        source_name=f"synthetic-{seed}.edf",
        source_sha256="ab" * 32,
        source_format="edf",
        warnings=("one warning",),
        metadata={"device": "test amp", "seed": str(seed)},
    )


def assert_same_recording(actual: Recording, expected: Recording) -> None:
    """Field by field, signals bit for bit (NaN payloads included)."""
    assert actual.signals.dtype == expected.signals.dtype
    assert actual.signals.shape == expected.signals.shape
    assert np.array_equal(actual.signals.view(np.uint32), expected.signals.view(np.uint32))
    for name in (
        "fs",
        "channel_names",
        "units",
        "modality",
        "start_time",
        "annotations",
        "source_name",
        "source_sha256",
        "source_format",
        "warnings",
    ):
        assert getattr(actual, name) == getattr(expected, name), name
    assert dict(actual.metadata) == dict(expected.metadata)


class SleepRecorder:
    """Stands in for time.sleep: remembers the requested delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def raw_connection(database: Path, recovery_key: str) -> sqlcipher3.Connection:
    """What an insider with the key would use to edit the database behind the API's back."""
    key = recovery.database_key(recovery.parse_recovery_key(recovery_key))
    conn = sqlcipher3.connect(str(database), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn
