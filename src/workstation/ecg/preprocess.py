"""ECG preprocessing for the segmentation model and for measurements.

Two chains on purpose: ``model_input`` is what the segmentation network was trained on
(500 Hz, 0.5-40 Hz, mains notch, per-lead standardisation), ``diagnostic_signals`` keeps the
diagnostic band (0.67-150 Hz, AHA) in millivolts so amplitudes and durations are measured on
an undistorted trace.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from workstation.dsp.filters import (
    below_nyquist,
    butterworth,
    mains_frequency,
    notch,
    pad_length,
    zero_phase,
)
from workstation.dsp.resample import resample

MODEL_FS = 500.0
MODEL_BAND_HZ = (0.5, 40.0)
DIAGNOSTIC_BAND_HZ = (0.67, 150.0)


def to_model_rate(signals: np.ndarray, fs: float) -> np.ndarray:
    """Bring leads × samples to 500 Hz, the rate the model and the measurements assume."""
    return resample(np.atleast_2d(signals), fs, MODEL_FS)


def remove_mains(signals: np.ndarray, fs: float) -> np.ndarray:
    """Notch 50 or 60 Hz only when that line actually stands out of the spectrum."""
    mains = mains_frequency(signals, fs)
    return signals if mains is None else notch(signals, fs, mains)


def standardize(signals: np.ndarray) -> np.ndarray:
    """Zero median, unit spread per lead, so gain and electrode impedance do not matter."""
    centred = signals - np.median(signals, axis=-1, keepdims=True)
    spread = np.std(centred, axis=-1, keepdims=True)
    return centred / np.maximum(spread, 1e-6)


def model_input(signals: np.ndarray, fs: float) -> np.ndarray:
    """The segmentation network's input: float32 leads × samples at 500 Hz."""
    return _model_band(remove_mains(to_model_rate(signals, fs), MODEL_FS))


@lru_cache(maxsize=2)
def _band_filters(low_hz: float, high_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """High-pass (order 2) and low-pass (order 4) sections at 500 Hz, as ``dsp.filters.
    bandpass`` designs them, designed once: every analysis reuses them."""
    return (
        butterworth(MODEL_FS, 2, low_hz=low_hz),
        butterworth(MODEL_FS, 4, high_hz=below_nyquist(high_hz, MODEL_FS)),
    )


def _band(x: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """``dsp.filters.bandpass`` at 500 Hz with the cached designs (same output)."""
    high, low = _band_filters(*band)
    x = zero_phase(high, np.asarray(x, dtype=np.float64), pad_length(high, multiple=3))
    return zero_phase(low, x, pad_length(low, multiple=3))


def diagnostic_signals(signals: np.ndarray, fs: float) -> np.ndarray:
    """Millivolt leads at 500 Hz in the diagnostic band, for amplitudes and median beats."""
    return _band(remove_mains(to_model_rate(signals, fs), MODEL_FS), DIAGNOSTIC_BAND_HZ)


def analysis_inputs(signals: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Model input and diagnostic leads sharing one resampling and mains notch."""
    x = remove_mains(to_model_rate(signals, fs), MODEL_FS)
    return _model_band(x), _band(x, DIAGNOSTIC_BAND_HZ)


def _model_band(x: np.ndarray) -> np.ndarray:
    return standardize(_band(x, MODEL_BAND_HZ)).astype(np.float32)
