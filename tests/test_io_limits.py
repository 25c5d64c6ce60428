"""The shared resource limits (issue #14): one check, one message, for every reader."""

from __future__ import annotations

import edfio
import numpy as np
import pytest
from helpers import write_edf

from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.io.limits import MAX_CHANNELS, MAX_HOURS, check_declared_size


@pytest.mark.parametrize(
    ("declared", "words"),
    [
        (
            {"channels": MAX_CHANNELS + 1},
            "257 signals; the workstation opens recordings of at most 256",
        ),
        ({"channels": 1, "samples": 500 * 3600 * 73, "fs": 500.0}, "73.0 hours"),
        ({"channels": 256, "samples": 5_000_000, "fs": 1000.0}, "4.8 GiB of signal data"),
        ({"channels": 1, "samples": 10, "fs": 1.0, "values": 2 << 30}, "8.0 GiB"),
    ],
    ids=["channels", "hours", "bytes", "values"],
)
def test_a_size_beyond_a_limit_is_refused_with_advice(declared, words):
    with pytest.raises(InvalidRecording) as info:
        check_declared_size("rec.xml", declared_by="the header", **declared)
    assert words in str(info.value) and str(info.value).startswith("'rec.xml': the header")
    assert "split into smaller parts" in str(info.value)


def test_sizes_within_the_limits_pass():
    check_declared_size("rec.dcm", channels=MAX_CHANNELS, samples=MAX_HOURS * 3600, fs=1.0)


def test_an_edf_declaring_73_hours_is_refused_by_the_shared_check(tmp_path):
    # A 1 Hz trend in 73 data records of one hour each.
    path = tmp_path / "trend.edf"
    signal = edfio.EdfSignal(np.zeros(73 * 3600), 1.0, label="SpO2", physical_range=(0, 100))
    edfio.Edf([signal], data_record_duration=3600).write(path)
    with pytest.raises(InvalidRecording) as info:
        read_recording(path)
    assert "73.0 hours" in str(info.value) and f"at most {MAX_HOURS} hours" in str(info.value)


def test_an_edf_declaring_257_signals_is_refused_by_the_shared_check(tmp_path):
    path = tmp_path / "dense.edf"
    write_edf(path, n_seconds=1, fs=8.0, labels=[f"E{i}" for i in range(MAX_CHANNELS + 1)])
    with pytest.raises(InvalidRecording) as info:
        read_recording(path)
    assert "257 signals" in str(info.value)
