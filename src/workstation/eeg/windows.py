"""Single-channel analysis windows, shared by the seizure detector's training and its use.

The detector looks at one channel at a time in 4 s windows (1024 samples at 256 Hz), long
enough to hold several cycles of a 1–3 Hz ictal rhythm, short enough to localise onset to
a few seconds. Windows overlap by half so an event that straddles a boundary is still seen
whole once. Training and inference cut windows with the same function, so they cannot drift.
"""

from __future__ import annotations

import numpy as np

from workstation.eeg.resample import EEG_RATE_HZ

WINDOW_S = 4.0
HOP_S = 2.0
#: Bonn's recordings were band-passed 0.53–40 Hz; the detector sees the same band everywhere.
DETECTOR_BAND_HZ = (0.53, 40.0)
WINDOW_SAMPLES = int(WINDOW_S * EEG_RATE_HZ)


def window_starts(n_samples: int, fs: float, window_s: float = WINDOW_S, hop_s: float = HOP_S):
    """Start sample of every whole window; empty when the signal is shorter than one."""
    size, hop = int(round(window_s * fs)), int(round(hop_s * fs))
    if n_samples < size:
        return np.zeros(0, dtype=np.int64)
    return np.arange(0, n_samples - size + 1, hop, dtype=np.int64)


def sliding_windows(
    signals: np.ndarray, fs: float, window_s: float = WINDOW_S, hop_s: float = HOP_S
) -> np.ndarray:
    """Channels × windows × samples as a read-only view (no copy of a long recording)."""
    data = np.asarray(signals)
    if data.ndim == 1:
        data = data[None, :]
    size, hop = int(round(window_s * fs)), int(round(hop_s * fs))
    if data.shape[-1] < size:
        return np.zeros((data.shape[0], 0, size), dtype=data.dtype)
    view = np.lib.stride_tricks.sliding_window_view(data, size, axis=-1)
    return view[:, ::hop, :]


def standardise(windows: np.ndarray) -> np.ndarray:
    """Each window to zero mean and unit variance, so amplitude alone cannot decide.

    Bonn's seizure set is intracranial and its healthy set scalp EEG: raw amplitude separates
    them for the wrong reason. The shipped model standardises inside its graph as well.
    """
    w = np.asarray(windows, dtype=np.float32)
    mean = w.mean(axis=-1, keepdims=True)
    std = w.std(axis=-1, keepdims=True)
    return (w - mean) / (std + 1e-6)
