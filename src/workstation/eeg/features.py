"""Hand-crafted window features: the transparent baseline the seizure CNN must beat.

Relative band powers, line length and the Hjorth parameters are the classic features of
automated seizure detection (Gotman; Esteller et al. 2001 for line length); a gradient-
boosted model on them is what a neural network has to justify itself against.
"""

from __future__ import annotations

import numpy as np

from workstation.eeg.trends import BANDS

FEATURE_NAMES = (
    *(f"rel_{band}" for band in BANDS),
    "log_total_power",
    "line_length",
    "hjorth_activity",
    "hjorth_mobility",
    "hjorth_complexity",
)


def window_features(windows: np.ndarray, fs: float) -> np.ndarray:
    """Features per window (…, samples) → (…, len(FEATURE_NAMES))."""
    w = np.asarray(windows, dtype=np.float64)
    w = w - w.mean(axis=-1, keepdims=True)
    spectrum = np.abs(np.fft.rfft(w * np.hanning(w.shape[-1]), axis=-1)) ** 2
    freqs = np.fft.rfftfreq(w.shape[-1], 1.0 / fs)
    total = spectrum[..., (freqs >= 0.5) & (freqs < 30.0)].sum(axis=-1) + 1e-12
    rel = [
        spectrum[..., (freqs >= lo) & (freqs < hi)].sum(axis=-1) / total
        for lo, hi in BANDS.values()
    ]
    d1 = np.diff(w, axis=-1)
    d2 = np.diff(d1, axis=-1)
    activity = w.var(axis=-1) + 1e-12
    mobility = np.sqrt(d1.var(axis=-1) / activity)
    complexity = np.sqrt(d2.var(axis=-1) / (d1.var(axis=-1) + 1e-12)) / (mobility + 1e-12)
    line_length = np.abs(d1).mean(axis=-1)
    return np.stack(
        [*rel, np.log10(total), line_length, np.log10(activity), mobility, complexity], axis=-1
    ).astype(np.float32)
