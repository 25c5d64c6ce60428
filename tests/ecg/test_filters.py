"""Preprocessing keeps the ECG band and removes drift, mains and gain differences."""

from __future__ import annotations

import numpy as np

from workstation.dsp.filters import highpass, mains_frequency, notch
from workstation.dsp.resample import resample
from workstation.ecg.preprocess import diagnostic_signals, model_input

FS = 500.0
T = np.arange(int(10 * FS)) / FS


def test_highpass_removes_drift_and_keeps_qrs_band() -> None:
    drift = np.sin(2 * np.pi * 0.1 * T)
    qrs_band = 0.5 * np.sin(2 * np.pi * 10 * T)
    out = highpass(drift + qrs_band, FS, 0.67)
    assert np.std(out - qrs_band) < 0.03


def test_notch_removes_detected_mains() -> None:
    ecg = np.sin(2 * np.pi * 5 * T)
    mains = 0.3 * np.sin(2 * np.pi * 50 * T)
    assert mains_frequency(ecg + mains, FS) == 50.0
    assert (
        mains_frequency(ecg + 0.001 * np.random.default_rng(0).standard_normal(T.size), FS) is None
    )
    out = notch(ecg + mains, FS, 50.0)
    assert np.std(out[500:-500] - ecg[500:-500]) < 0.02


def test_resample_to_model_rate() -> None:
    x = np.sin(2 * np.pi * 3 * np.arange(2500) / 250.0)
    y = resample(x, 250.0, 500.0)
    assert y.size == 5000
    assert np.allclose(
        y[100:-100], np.sin(2 * np.pi * 3 * np.arange(5000) / 500.0)[100:-100], atol=0.01
    )


def test_model_input_is_standardised_and_gain_free() -> None:
    x = np.stack([np.sin(2 * np.pi * 8 * T), 100 * np.sin(2 * np.pi * 8 * T)])
    out = model_input(x, FS)
    assert out.dtype == np.float32
    assert np.allclose(out[0], out[1], atol=1e-4)
    assert np.allclose(out.std(axis=1), 1.0, atol=0.01)


def test_diagnostic_chain_keeps_millivolts_at_500_hz() -> None:
    x = np.sin(2 * np.pi * 8 * np.arange(10000) / 1000.0)[None, :]
    out = diagnostic_signals(x, 1000.0)
    assert out.shape == (1, 5000)
    assert abs(np.abs(out[0, 500:-500]).max() - 1.0) < 0.02
