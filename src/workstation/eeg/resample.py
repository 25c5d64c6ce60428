"""Resampling EEG to the rate the detector and the trends are computed at.

256 Hz is the app's EEG rate: it is the most common clinical EEG sampling rate (so most
recordings need no resampling at all), its Nyquist of 128 Hz keeps the whole clinical band
including gamma and mains harmonics below it, and a 4 s window is a power-of-two 1024
samples. Bonn's 173.61 Hz is brought up to it before training, so the detector sees the
same rate in training and in use.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from workstation.dsp.resample import resample
from workstation.recording import Recording

EEG_RATE_HZ = 256.0


def resample_signals(signals: np.ndarray, fs: float, target_fs: float) -> np.ndarray:
    """A channels × samples block at ``target_fs``, anti-aliased, as float32."""
    return resample(signals, fs, target_fs).astype(np.float32)


def resample_recording(recording: Recording, target_fs: float = EEG_RATE_HZ) -> Recording:
    """The recording at ``target_fs``; the same object when it is already at that rate."""
    if abs(recording.fs - target_fs) < 1e-9:
        return recording
    gaps = np.isnan(recording.signals)
    data = np.where(gaps, 0.0, recording.signals) if gaps.any() else recording.signals
    return replace(recording, signals=resample_signals(data, recording.fs, target_fs), fs=target_fs)
