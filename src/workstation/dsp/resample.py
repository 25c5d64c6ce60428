"""Resampling to the rate a model was trained at."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy import signal


def resample(x: np.ndarray, fs_in: float, fs_out: float) -> np.ndarray:
    """Polyphase resampling along the last axis (anti-aliased, no edge ringing of the FFT)."""
    if fs_in == fs_out:
        return np.asarray(x, dtype=np.float64)
    ratio = Fraction(fs_out / fs_in).limit_denominator(1000)
    return signal.resample_poly(
        np.asarray(x, dtype=np.float64), ratio.numerator, ratio.denominator, axis=-1
    )
