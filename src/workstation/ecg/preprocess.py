"""ECG preprocessing for the segmentation model and for measurements.

Two chains on purpose: ``model_input`` is what the segmentation network was trained on
(500 Hz, 0.5-40 Hz, mains notch, per-lead standardisation), ``diagnostic_signals`` keeps the
diagnostic band (0.67-150 Hz, AHA) in millivolts so amplitudes and durations are measured on
an undistorted trace.
"""

from __future__ import annotations

import numpy as np

from workstation.dsp.filters import bandpass, highpass, lowpass, mains_frequency, notch
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


def diagnostic_signals(signals: np.ndarray, fs: float) -> np.ndarray:
    """Millivolt leads at 500 Hz in the diagnostic band, for amplitudes and median beats."""
    return bandpass(
        remove_mains(to_model_rate(signals, fs), MODEL_FS), MODEL_FS, *DIAGNOSTIC_BAND_HZ
    )


def analysis_inputs(signals: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Model input and diagnostic leads sharing one resampling and mains notch."""
    x = remove_mains(to_model_rate(signals, fs), MODEL_FS)
    return _model_band(x), bandpass(x, MODEL_FS, *DIAGNOSTIC_BAND_HZ)


def _model_band(x: np.ndarray) -> np.ndarray:
    x = lowpass(highpass(x, MODEL_FS, MODEL_BAND_HZ[0]), MODEL_FS, MODEL_BAND_HZ[1])
    return standardize(x).astype(np.float32)
