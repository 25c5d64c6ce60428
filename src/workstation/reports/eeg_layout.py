"""What the EEG printout draws from the recording itself: event strips and the CDSA.

An event strip shows 10 s of the channels that drove a flagged window, in the montage the
detector read (average reference), band-passed 0.5-70 Hz as a reviewer's default, drawn at
true scale: 25 mm/s (so 10 s fit the landscape page) and one stated sensitivity in µV/mm for
the whole strip, chosen from the standard steps so the largest deflections stay in their
row. Every sample is drawn; nothing is resampled.

The compressed spectral array (CDSA) is ``eeg.spectrograms.compressed_spectral_array`` of
the review montage, computed in chunks of about 15 minutes so a long recording never needs a
montaged copy of itself, with epochs long enough for at most ``CDSA_MAX_COLUMNS`` columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workstation.eeg.analysis import review_montage
from workstation.eeg.filters import band_pass
from workstation.eeg.montages import AVERAGE_REFERENCE, apply_montage
from workstation.eeg.spectrograms import Spectrogram, compressed_spectral_array
from workstation.errors import MontageNotApplicable
from workstation.recording import Recording

STRIP_SECONDS = 10.0
STRIP_SPEED_MM_PER_S = 25.0
STRIP_BAND_HZ = (0.5, 70.0)
FILTER_MARGIN_S = 3.0
#: The sensitivities an EEG reviewer steps through; 7 µV/mm is the adult default.
SENSITIVITIES_UV_PER_MM = (7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000)
#: Half the row height a trace may swing (mm) at the chosen sensitivity.
SWING_MM = 9.0
CDSA_MAX_COLUMNS = 600
CDSA_CHUNK_S = 900.0
CDSA_MIN_EPOCH_S = 4.0


@dataclass(frozen=True)
class Strip:
    """Filtered µV of some channels over ``STRIP_SECONDS`` from ``start_s``."""

    start_s: float
    fs: float
    channels: tuple[str, ...]
    signals: np.ndarray
    sensitivity_uv_per_mm: float
    missing: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float:
        return self.signals.shape[1] / self.fs if self.signals.size else 0.0


def strip_start(window_start_s: float, window_s: float, duration_s: float) -> float:
    """Where a strip centred on the window starts, kept inside the recording."""
    start = window_start_s + window_s / 2 - STRIP_SECONDS / 2
    return max(0.0, min(start, duration_s - STRIP_SECONDS))


def choose_sensitivity(signals: np.ndarray) -> float:
    """The smallest standard µV/mm at which the robust peak of every channel swings at most
    ``SWING_MM`` (a single artefact spike may still leave its row; it is clipped there)."""
    finite = signals[np.isfinite(signals)] if signals.size else signals
    if finite.size == 0:
        return float(SENSITIVITIES_UV_PER_MM[0])
    peak = max(
        float(np.nanpercentile(np.abs(row - np.nanmedian(row)), 99.5))
        for row in signals
        if np.isfinite(row).any()
    )
    for step in SENSITIVITIES_UV_PER_MM:
        if peak / step <= SWING_MM:
            return float(step)
    return float(SENSITIVITIES_UV_PER_MM[-1])


def event_strip(recording: Recording, channels: Sequence[str], start_s: float) -> Strip:
    """The named average-reference channels ('T7-Avg') over the strip, filtered for display.

    The filter runs over the strip plus ``FILTER_MARGIN_S`` on each side, so its edges do
    not ring into the printed seconds.
    """
    first = max(0.0, start_s - FILTER_MARGIN_S)
    last = min(recording.duration, start_s + STRIP_SECONDS + FILTER_MARGIN_S)
    part = recording.slice_time(first, last)
    try:
        montaged = apply_montage(part, AVERAGE_REFERENCE)
    except MontageNotApplicable:
        return Strip(start_s, recording.fs, (), np.zeros((0, 0)), 7.0, tuple(channels))
    names = {n.casefold(): i for i, n in enumerate(montaged.channel_names)}
    found = [c for c in channels if c.casefold() in names]
    missing = tuple(c for c in channels if c.casefold() not in names)
    if not found:
        return Strip(start_s, recording.fs, (), np.zeros((0, 0)), 7.0, missing)
    rows = montaged.signals[[names[c.casefold()] for c in found]]
    filtered = band_pass(rows, montaged.fs, *STRIP_BAND_HZ)
    offset = int(round((start_s - first) * montaged.fs))
    count = int(round(STRIP_SECONDS * montaged.fs))
    shown = filtered[:, offset : offset + count]
    shown = shown - np.nanmedian(shown, axis=1, keepdims=True)
    return Strip(start_s, montaged.fs, tuple(found), shown, choose_sensitivity(shown), missing)


def cdsa_epoch_s(duration_s: float) -> float:
    """Epoch length (a whole number of 2 s Welch segments) for at most the column limit."""
    needed = duration_s / CDSA_MAX_COLUMNS
    return max(CDSA_MIN_EPOCH_S, 2.0 * math.ceil(needed / 2.0))


def cdsa(recording: Recording) -> Spectrogram | None:
    """The CDSA of the review montage over the whole recording, or None when the recording
    is shorter than one epoch or has no scalp electrodes to montage."""
    epoch_s = cdsa_epoch_s(recording.duration)
    chunk_s = max(epoch_s, math.floor(CDSA_CHUNK_S / epoch_s) * epoch_s)
    columns, times, freqs = [], [], None
    start = 0.0
    while start + epoch_s <= recording.duration + 1e-9:
        part = recording.slice_time(start, min(recording.duration, start + chunk_s))
        try:
            montaged, _ = review_montage(part)
            spectrum = compressed_spectral_array(montaged, epoch_s=epoch_s)
        except (MontageNotApplicable, ValueError):
            break
        freqs = spectrum.freqs
        columns.append(spectrum.log_power)
        times.append(spectrum.times + start)
        start += chunk_s
    if freqs is None:
        return None
    return Spectrogram(freqs, np.concatenate(times), np.concatenate(columns, axis=1))
