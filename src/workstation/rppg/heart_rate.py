"""Heart rate over sliding windows from the pulse spectrum, with a quality index per window.

The rate of a window is its spectral peak inside the pulse band, refined between FFT bins by
parabolic interpolation. Each window carries a signal-to-noise ratio in the sense of de Haan
& Jeanne (2013): the power within ±0.1 Hz of the peak and of its first harmonic, over the
rest of the band, in dB. Whether a window is measurable, and whether the recording has a
heart rate at all, is decided by ``acceptance`` (one rule for every method and every
screen); the windows it refuses are reported as gaps, never filled in.

No prior pulls the estimate toward typical rates: every window is judged on its own signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from workstation.rppg.acceptance import (
    MAX_MOTION,
    MIN_SNR_DB,
    RateVerdict,
    amplitude_floor,
    recording_rate,
    window_reasons,
)
from workstation.rppg.methods import PULSE_BAND_HZ, parabolic_offset, pulse, pulse_band

__all__ = ["MAX_MOTION", "MIN_SNR_DB", "RateVerdict"]

WINDOW_S = 10.0
STEP_S = 1.0
_SNR_HALF_WIDTH_HZ = 0.1
_FREQ_RESOLUTION_HZ = 0.1 / 60.0


@dataclass(frozen=True)
class WindowEstimate:
    """One analysis window: its centre time, rate, SNR, motion and whether it is measurable."""

    time_s: float
    bpm: float
    snr_db: float
    motion: float
    measurable: bool
    #: In-band colour variation relative to the mean colour (best channel).
    amplitude: float = 0.0
    #: Why the window is not measurable (a key of ``acceptance.WINDOW_REASONS``), or "".
    reason: str = ""


def window_starts(
    n_frames: int, fps: float, window_s: float = WINDOW_S, step_s: float = STEP_S
) -> np.ndarray:
    length = int(round(window_s * fps))
    if n_frames < length:
        return np.zeros(0, dtype=int)
    step = max(1, int(round(step_s * fps)))
    return np.arange(0, n_frames - length + 1, step)


def spectral_rate(bvp: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Peak frequency (bpm) and SNR (dB) of each row of ``bvp``."""
    n = bvp.shape[-1]
    nfft = int(2 ** np.ceil(np.log2(max(n, fps / _FREQ_RESOLUTION_HZ))))
    tapered = (bvp - bvp.mean(axis=-1, keepdims=True)) * np.hanning(n)
    power = np.abs(np.fft.rfft(tapered, n=nfft, axis=-1)) ** 2
    freqs = np.fft.rfftfreq(nfft, 1.0 / fps)
    band = (freqs >= PULSE_BAND_HZ[0]) & (freqs <= min(PULSE_BAND_HZ[1], fps / 2))
    band_idx = np.flatnonzero(band)
    peak = band_idx[power[:, band].argmax(axis=1)]
    rows = np.arange(power.shape[0])
    left, mid, right = (
        np.log(power[rows, np.clip(peak + k, 0, len(freqs) - 1)] + 1e-30) for k in (-1, 0, 1)
    )
    f0 = freqs[peak] + parabolic_offset(left, mid, right) * (freqs[1] - freqs[0])
    signal_mask = (np.abs(freqs[None, :] - f0[:, None]) <= _SNR_HALF_WIDTH_HZ) | (
        np.abs(freqs[None, :] - 2 * f0[:, None]) <= 2 * _SNR_HALF_WIDTH_HZ
    )
    in_band = band[None, :] | signal_mask
    signal = (power * signal_mask).sum(axis=1)
    noise = (power * (in_band & ~signal_mask)).sum(axis=1)
    snr = 10 * np.log10((signal + 1e-30) / (noise + 1e-30))
    return f0 * 60.0, snr


def band_amplitude(
    windows: np.ndarray, fps: float, quantum: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """In-band variation of each window relative to its mean colour, and its floor.

    Measured on the mean-normalised channels themselves, not on a method's output (whose
    scale differs by method: ICA's sources have unit variance whatever the input), and on
    the channel that stands highest above its own floor.
    """
    mean = windows.mean(axis=-1)
    safe = np.where(np.abs(mean) > 1e-12, mean, 1.0)
    relative = pulse_band(windows / safe[..., None] - 1.0, fps)
    amplitude = np.sqrt(np.mean(relative**2, axis=-1))  # (W, C)
    floor = amplitude_floor(mean, quantum)
    best = np.argmax(amplitude / floor, axis=1)
    rows = np.arange(windows.shape[0])
    return amplitude[rows, best], floor[rows, best]


def rate_series(
    rgb: np.ndarray,
    fps: float,
    method: str = "pos",
    motion: np.ndarray | None = None,
    window_s: float = WINDOW_S,
    step_s: float = STEP_S,
    quantum: float = 0.0,
) -> list[WindowEstimate]:
    """Heart rate per sliding window of a colour trace ``(n_frames, channels)``.

    ``motion`` is the per-frame displacement of the skin region relative to its size;
    ``quantum`` the RMS quantisation noise of one sample (see ``acceptance.amplitude_floor``).
    Each window is judged by ``acceptance.window_reasons``.
    """
    rgb = np.asarray(rgb, dtype=np.float64)
    if rgb.ndim == 1:
        rgb = rgb[:, None]
    starts = window_starts(rgb.shape[0], fps, window_s, step_s)
    if starts.size == 0:
        return []
    length = int(round(window_s * fps))
    windows = sliding_window_view(rgb, length, axis=0)[starts]  # (W, C, length)
    bpm, snr = spectral_rate(pulse(windows, fps, method), fps)
    amplitude, floor = band_amplitude(windows, fps, quantum)
    if motion is None:
        moves = np.zeros(len(starts))
    else:
        moves = sliding_window_view(np.asarray(motion, dtype=float), length)[starts].max(axis=1)
    band = (PULSE_BAND_HZ[0], min(PULSE_BAND_HZ[1], fps / 2))
    reasons = window_reasons(method, bpm, snr, moves, amplitude, floor, band)
    centres = (starts + length / 2) / fps
    return [
        WindowEstimate(float(t), float(b), float(s), float(m), not r, float(a), r)
        for t, b, s, m, a, r in zip(centres, bpm, snr, moves, amplitude, reasons, strict=True)
    ]


def judge_series(series: list[WindowEstimate], motion_words: str = "") -> RateVerdict:
    """The recording's verdict on its windows (``acceptance.recording_rate``)."""
    return recording_rate([w.bpm for w in series], [w.reason for w in series], motion_words)


def summary_rate(series: list[WindowEstimate]) -> float | None:
    """The recording's heart rate, or None when its windows are too few or disagree."""
    return judge_series(series).bpm
