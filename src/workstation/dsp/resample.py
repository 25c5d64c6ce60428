"""Resampling to the rate a model was trained at."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy import signal

#: Largest denominator of the rational rate ratio before falling back to FFT resampling.
_MAX_DENOMINATOR = 1000
_RATIO_TOLERANCE = 1e-6


def resample(x: np.ndarray, fs_in: float, fs_out: float) -> np.ndarray:
    """Anti-aliased resampling along the last axis, as float64.

    Rational ratios (250→500, 500→256) use polyphase filtering, exact and fast on long
    recordings, with no FFT edge ringing; a ratio with no small rational form (173.61→256)
    falls back to FFT resampling rather than silently resampling to a slightly wrong rate.
    """
    data = np.asarray(x, dtype=np.float64)
    if abs(fs_in - fs_out) < 1e-9:
        return data
    ratio = Fraction(fs_out / fs_in).limit_denominator(_MAX_DENOMINATOR)
    if abs(float(ratio) - fs_out / fs_in) <= _RATIO_TOLERANCE * fs_out / fs_in:
        return signal.resample_poly(data, ratio.numerator, ratio.denominator, axis=-1)
    return signal.resample(data, int(round(data.shape[-1] * fs_out / fs_in)), axis=-1)
