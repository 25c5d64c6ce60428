"""Synthetic 12-lead ECGs whose PR, QRS and QT are known exactly, for measurement tests."""

from __future__ import annotations

import numpy as np

from workstation.recording import Modality, Recording

LEADS = ("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6")
# Gain per lead for P, QRS and T so that the frontal axes are about +60° (normal).
GAIN = {
    "i": 0.6,
    "ii": 1.0,
    "iii": 0.4,
    "avr": -0.8,
    "avl": 0.1,
    "avf": 0.7,
    "v1": -0.6,
    "v2": -0.3,
    "v3": 0.5,
    "v4": 1.0,
    "v5": 1.0,
    "v6": 0.8,
}


def hann_wave(n: int) -> np.ndarray:
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


def qrs_wave(n: int) -> np.ndarray:
    """Small q, tall R, small s over exactly n samples."""
    third = n // 5
    q = -0.1 * hann_wave(third)
    r = 1.2 * hann_wave(n - 2 * third)
    s = -0.25 * hann_wave(third)
    return np.concatenate([q, r, s])


def synthetic_ecg(
    fs: float = 500.0,
    duration_s: float = 10.0,
    heart_rate: float = 70.0,
    pr_ms: float = 160.0,
    qrs_ms: float = 90.0,
    qt_ms: float = 400.0,
    p_ms: float = 100.0,
    t_ms: float = 180.0,
    seed: int = 0,
) -> Recording:
    """P onset to QRS onset = PR; QRS onset to T end = QT; small noise and drift."""
    n = int(duration_s * fs)
    rng = np.random.default_rng(seed)
    unit = {"p": np.zeros(n), "qrs": np.zeros(n), "t": np.zeros(n)}
    rr = int(round(60.0 / heart_rate * fs))
    for qrs_on in range(int(0.6 * fs), n - int(0.6 * fs), rr):
        p_on = qrs_on - int(pr_ms * fs / 1000)
        p = 0.15 * hann_wave(int(p_ms * fs / 1000))
        unit["p"][p_on : p_on + p.size] += p
        q = qrs_wave(int(qrs_ms * fs / 1000))
        unit["qrs"][qrs_on : qrs_on + q.size] += q
        t_len = int(t_ms * fs / 1000)
        t_on = qrs_on + int(qt_ms * fs / 1000) - t_len
        unit["t"][t_on : t_on + t_len] += 0.35 * hann_wave(t_len)
    t = np.arange(n) / fs
    signals = np.stack(
        [
            GAIN[lead] * (unit["p"] + unit["qrs"] + unit["t"])
            + 0.1 * np.sin(2 * np.pi * 0.25 * t + k)
            + 0.01 * rng.standard_normal(n)
            for k, lead in enumerate(LEADS)
        ]
    )
    return Recording(
        signals=signals.astype(np.float32),
        fs=fs,
        channel_names=LEADS,
        units=("mV",) * 12,
        modality=Modality.ECG,
        source_name="synthetic",
    )
