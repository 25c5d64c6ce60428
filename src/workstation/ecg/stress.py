"""Real noise for testing the quality gate: what is left of a noisy recording without its beats.

White noise is easy to refuse; the noise that fools a rhythm engine is electrode motion,
muscle and baseline wander. No noise stress test database is available offline, so noise
is cut from real recordings: each beat of a noisy wearable ECG (CPSC 2019, cardiologist R
peaks) is cancelled by subtracting the record's median beat, scaled to it by least squares,
and what remains is that recording's own motion, muscle and baseline noise (the same beat
cancellation with which the quality gate measures a lead's noise). Used by the tests and
the benchmarks, never by the analysis.
"""

from __future__ import annotations

import numpy as np

from workstation.dsp.filters import highpass
from workstation.ecg.quality import MIN_TEMPLATE_BEATS, beat_segments, beat_span, median_beat_fit

BAND_LOW_HZ = 0.67


def residual_noise(x: np.ndarray, r_peaks: np.ndarray, fs: float) -> np.ndarray:
    """``x`` with every beat at ``r_peaks`` cancelled (median template, least-squares gain)."""
    out = np.asarray(x, dtype=np.float64).copy()
    inside, segments = beat_segments(out, r_peaks, fs)
    if inside.size < MIN_TEMPLATE_BEATS:
        return out
    _, template, gain = median_beat_fit(segments)
    start, stop = beat_span(fs)
    for r, g in zip(inside, gain, strict=True):
        out[r + start : r + stop] -= g * template
    return out


def noisiness(x: np.ndarray, r_peaks: np.ndarray, fs: float) -> float:
    """Residual RMS over the median absolute R amplitude: how noisy the recording is."""
    residual = residual_noise(x, r_peaks, fs)
    r_amp = float(np.median(np.abs(x[r_peaks[(r_peaks >= 0) & (r_peaks < x.size)]])))
    return float(np.sqrt(np.mean((residual - residual.mean()) ** 2))) / max(r_amp, 1e-9)


def add_noise(clean: np.ndarray, noise: np.ndarray, snr_db: float, fs: float) -> np.ndarray:
    """``clean`` plus ``noise`` (tiled to length) at the given signal-to-noise ratio.

    Both powers are taken above 0.67 Hz (the diagnostic band's lower edge): baseline wander
    carries most of a noisy recording's power but is filtered away before any beat is
    looked for, so an SNR counting it would make the test far easier than it sounds. The
    noise is added whole, wander included.
    """
    reps = int(np.ceil(clean.shape[-1] / noise.size))
    tiled = np.tile(noise, reps)[: clean.shape[-1]]
    tiled = tiled - tiled.mean()
    signal_rms = float(np.sqrt(np.mean(highpass(clean, fs, BAND_LOW_HZ) ** 2)))
    noise_rms = float(np.sqrt(np.mean(highpass(tiled, fs, BAND_LOW_HZ) ** 2)))
    gain = signal_rms / max(noise_rms, 1e-12) / 10 ** (snr_db / 20)
    return clean + gain * tiled
