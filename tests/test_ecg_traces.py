"""The traces the ECG paper draws: float32 millivolts, read lead by lead from the recording."""

from __future__ import annotations

import tracemalloc

import numpy as np
from helpers import shared

from workstation.app.ecg_traces import leads_mv
from workstation.ecg.analysis import lead_selection
from workstation.io import read_recording
from workstation.recording import Modality, Recording


def test_the_traces_are_the_analysed_leads_in_float32_millivolts() -> None:
    recording = read_recording(shared("ludb", "data", "1.hea"))
    names, signals = leads_mv(recording)
    analysed = lead_selection(recording)
    assert names == analysed.names
    assert signals.dtype == np.float32 and signals.shape == analysed.signals.shape
    np.testing.assert_allclose(signals, analysed.signals, rtol=1e-6, atol=1e-6)


def test_no_float64_copy_of_the_whole_record_is_made() -> None:
    """An hour of two leads in microvolts (plus a non-ECG channel left out): the only large
    allocation is the float32 result itself."""
    samples = 3600 * 250
    raw = np.random.default_rng(7).normal(0.0, 400.0, (3, samples)).astype(np.float32)
    recording = Recording(raw, 250.0, ("MLII", "V1", "Resp"), ("uV", "uV", "mV"), Modality.ECG)
    tracemalloc.start()
    try:
        names, signals = leads_mv(recording)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert names == ["ii", "v1"]
    assert peak < 1.25 * signals.nbytes  # a float64 copy would add twice the result's size
    np.testing.assert_allclose(signals, raw[:2] / 1000.0, rtol=1e-6)
