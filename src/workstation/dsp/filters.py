"""Zero-phase filters for physiological signals: the one place filters are designed and run.

ECG, EEG and video vitals each choose their own band, order and padding, because those are
clinical choices made where the signal is understood; the design (Butterworth and notch as
second-order sections) and the forward-backward pass live here so the three pipelines
cannot drift apart. Second-order sections stay stable at low cut-offs (0.5 Hz at 500 Hz)
where a transfer function would not, and running a filter forward and backward
(``sosfiltfilt``) keeps wave boundaries and spikes where they are in time.

The one-call ``highpass``/``lowpass``/``bandpass``/``notch`` serve diagnostic ECG filtering,
which follows AHA/IEC 60601-2-51: a 0.67 Hz high-pass does not distort the ST segment when
applied forward-backward, and a 150 Hz low-pass keeps QRS notches.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

#: Highest usable cut-off as a fraction of the sampling rate: one at Nyquist cannot be
#: designed, and one just below it barely attenuates anything.
_MAX_CUTOFF_FRACTION = 0.45


def below_nyquist(cutoff_hz: float, fs: float) -> float:
    """The cut-off, lowered to 45 % of the sampling rate when it would not fit below Nyquist."""
    return min(cutoff_hz, _MAX_CUTOFF_FRACTION * fs)


def butterworth(
    fs: float, order: int, low_hz: float | None = None, high_hz: float | None = None
) -> np.ndarray:
    """Butterworth second-order sections: high-pass at ``low_hz``, low-pass at ``high_hz``,
    one band-pass design when both are given."""
    if low_hz is not None and high_hz is not None:
        return signal.butter(order, [low_hz, high_hz], btype="bandpass", fs=fs, output="sos")
    if low_hz is not None:
        return signal.butter(order, low_hz, btype="highpass", fs=fs, output="sos")
    if high_hz is not None:
        return signal.butter(order, high_hz, btype="lowpass", fs=fs, output="sos")
    raise ValueError("a Butterworth filter needs a low or a high cut-off")


def notch_sos(fs: float, notch_hz: float, quality: float) -> np.ndarray:
    """A narrow notch (mains hum) as second-order sections, to cascade with other filters."""
    b, a = signal.iirnotch(notch_hz, quality, fs=fs)
    return signal.tf2sos(b, a)


def pad_length(sos: np.ndarray, multiple: int = 1) -> int:
    """``multiple`` times SciPy's nominal edge padding for a cascade, 3 × (2 × sections + 1).

    A longer pad lets the start-up transient of a low cut-off settle outside the signal.
    """
    return 3 * (2 * len(sos) + 1) * multiple


def zero_phase(sos: np.ndarray, x: np.ndarray, padlen: int) -> np.ndarray:
    """Forward-backward filter along the last axis; the pad is shortened to fit the signal."""
    return signal.sosfiltfilt(sos, x, axis=-1, padlen=max(min(padlen, x.shape[-1] - 1), 0))


def zero_phase_keeping_gaps(sos: np.ndarray, x: np.ndarray, padlen: int) -> np.ndarray:
    """``zero_phase`` with missing samples (NaN) still missing afterwards.

    A gap is filled with zeros for the filter only; otherwise one missing sample would turn
    the whole channel into NaN.
    """
    gaps = np.isnan(x)
    if not gaps.any():
        return zero_phase(sos, x, padlen)
    filtered = zero_phase(sos, np.where(gaps, 0.0, x), padlen)
    filtered[gaps] = np.nan
    return filtered


def _long_zero_phase(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    return zero_phase(sos, np.asarray(x, dtype=np.float64), pad_length(sos, multiple=3))


def highpass(x: np.ndarray, fs: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Remove slow drift (baseline wander from breathing and electrode movement)."""
    return _long_zero_phase(butterworth(fs, order, low_hz=cutoff_hz), x)


def lowpass(x: np.ndarray, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Remove muscle and high-frequency noise; the cutoff is clipped below Nyquist."""
    return _long_zero_phase(butterworth(fs, order, high_hz=below_nyquist(cutoff_hz, fs)), x)


def bandpass(x: np.ndarray, fs: float, low_hz: float, high_hz: float, order: int = 2) -> np.ndarray:
    """High-pass then low-pass, so each edge keeps its own order and stability."""
    return lowpass(highpass(x, fs, low_hz, order), fs, high_hz, 2 * order)


def notch(x: np.ndarray, fs: float, mains_hz: float, quality: float = 30.0) -> np.ndarray:
    """Suppress power-line interference (50 Hz in Europe, 60 Hz in the Americas)."""
    if mains_hz >= fs / 2:
        return np.asarray(x, dtype=np.float64)
    return _long_zero_phase(notch_sos(fs, mains_hz, quality), x)


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
