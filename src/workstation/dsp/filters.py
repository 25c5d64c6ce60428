"""Zero-phase filters for physiological signals.

Diagnostic filtering (what measurements are made on) and display filtering (what a
clinician looks at) are kept apart on purpose: the diagnostic band follows the AHA/IEC
60601-2-51 recommendation (0.67 Hz high-pass does not distort the ST segment when applied
forward-backward, 150 Hz low-pass keeps QRS notches), whereas the display may smooth more.
All filters are forward-backward (``sosfiltfilt``) so that wave boundaries do not shift.
"""

from __future__ import annotations

import numpy as np
from scipy import signal


def _sos_filtfilt(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Forward-backward filter along the last axis, padding no longer than the signal."""
    padlen = min(3 * (2 * len(sos) + 1) * 3, x.shape[-1] - 1)
    return signal.sosfiltfilt(sos, x, axis=-1, padlen=max(padlen, 0))


def highpass(x: np.ndarray, fs: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Remove slow drift (baseline wander from breathing and electrode movement)."""
    sos = signal.butter(order, cutoff_hz, btype="highpass", fs=fs, output="sos")
    return _sos_filtfilt(sos, np.asarray(x, dtype=np.float64))


def lowpass(x: np.ndarray, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Remove muscle and high-frequency noise; the cutoff is clipped below Nyquist."""
    cutoff = min(cutoff_hz, 0.45 * fs)
    sos = signal.butter(order, cutoff, btype="lowpass", fs=fs, output="sos")
    return _sos_filtfilt(sos, np.asarray(x, dtype=np.float64))


def bandpass(x: np.ndarray, fs: float, low_hz: float, high_hz: float, order: int = 2) -> np.ndarray:
    """High-pass then low-pass, so each edge keeps its own order and stability."""
    return lowpass(highpass(x, fs, low_hz, order), fs, high_hz, 2 * order)


def notch(x: np.ndarray, fs: float, mains_hz: float, quality: float = 30.0) -> np.ndarray:
    """Suppress power-line interference (50 Hz in Europe, 60 Hz in the Americas)."""
    if mains_hz >= fs / 2:
        return np.asarray(x, dtype=np.float64)
    b, a = signal.iirnotch(mains_hz, quality, fs=fs)
    return _sos_filtfilt(signal.tf2sos(b, a), np.asarray(x, dtype=np.float64))


def mains_frequency(x: np.ndarray, fs: float) -> float | None:
    """Pick 50 or 60 Hz from the spectrum; None when neither stands out (nothing to notch)."""
    if fs <= 130:
        return None
    freqs, power = signal.welch(np.atleast_2d(x), fs=fs, nperseg=min(1024, x.shape[-1]), axis=-1)
    power = power.mean(axis=0)
    floor = np.median(power[(freqs > 30) & (freqs < 45)]) + 1e-30
    peaks = {hz: power[np.argmin(np.abs(freqs - hz))] / floor for hz in (50.0, 60.0)}
    best = max(peaks, key=peaks.get)
    return best if peaks[best] > 10.0 else None


def median_baseline(x: np.ndarray, fs: float) -> np.ndarray:
    """Baseline by two median filters (200 ms then 600 ms): robust to QRS and T waves."""
    k1 = int(0.2 * fs) | 1
    k2 = int(0.6 * fs) | 1
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    base = signal.medfilt(x, [1, k1]) if x.shape[-1] > k1 else x
    return signal.medfilt(base, [1, k2]) if x.shape[-1] > k2 else base
