"""Power spectra per epoch, the building block of spectrograms, the CSA and the trends.

One vectorised computation serves all three: the signal is cut into epochs, each epoch
into half-overlapping Hann segments (Welch), and the segment spectra are averaged. A
one-hour, 19-channel recording is a single array operation, not a loop over epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EpochSpectra:
    """Power spectral density (µV²/Hz) per channel and epoch: channels × epochs × freqs."""

    freqs: np.ndarray
    times: np.ndarray
    power: np.ndarray
    epoch_s: float

    def band(self, low_hz: float, high_hz: float) -> np.ndarray:
        """Absolute power (µV²) in [low, high) Hz: channels × epochs."""
        keep = (self.freqs >= low_hz) & (self.freqs < high_hz)
        df = float(self.freqs[1] - self.freqs[0])
        return self.power[..., keep].sum(axis=-1) * df


def epoch_spectra(
    signals: np.ndarray, fs: float, epoch_s: float = 2.0, segment_s: float = 2.0
) -> EpochSpectra:
    """Welch spectra of consecutive, non-overlapping epochs; a partial last epoch is dropped.

    Gaps (NaN) are treated as zeros so one missing sample does not erase an epoch; the
    reader sees the gap itself in the traces.
    """
    data = np.nan_to_num(np.asarray(signals, dtype=np.float32))
    if data.ndim == 1:
        data = data[None, :]
    epoch_n = int(round(epoch_s * fs))
    seg_n = min(int(round(segment_s * fs)), epoch_n)
    n_epochs = data.shape[1] // epoch_n
    if n_epochs == 0:
        raise ValueError(f"the signal is shorter than one {epoch_s:g} s epoch")
    epochs = data[:, : n_epochs * epoch_n].reshape(data.shape[0], n_epochs, epoch_n)
    step = max(1, seg_n // 2)
    starts = np.arange(0, epoch_n - seg_n + 1, step)
    window = np.hanning(seg_n).astype(np.float32)
    scale = 1.0 / (fs * float((window**2).sum()))
    freqs = np.fft.rfftfreq(seg_n, 1.0 / fs)
    power = np.zeros((data.shape[0], n_epochs, freqs.size), dtype=np.float32)
    for start in starts:
        segment = epochs[:, :, start : start + seg_n]
        segment = segment - segment.mean(axis=-1, keepdims=True)
        spectrum = np.fft.rfft(segment * window, axis=-1)
        power += (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    power *= scale / len(starts)
    power[..., 1:-1] *= 2.0
    times = np.arange(n_epochs) * epoch_s
    return EpochSpectra(freqs=freqs, times=times, power=power, epoch_s=epoch_s)
