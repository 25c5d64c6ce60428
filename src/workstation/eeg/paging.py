"""Pages of EEG as the reviewer sees them: montage, filters and min/max decimation, headless.

The viewer asks for one page at a time (10 s by default). Only that page, plus a margin so
the filters settle before the first visible sample, is read, montaged and filtered, so a
page costs the same in a 20-minute and a 24-hour recording. Decimation keeps each
screen pixel's minimum and maximum, so a spike narrower than a pixel is still drawn at its
full height (plain subsampling would drop it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workstation.eeg.filters import FilterSettings, apply_filters
from workstation.eeg.montages import Montage, MontageMatrix, montage_matrix
from workstation.recording import Recording

DEFAULT_PAGE_S = 10.0
#: Filter margin either side of a page: several time constants of a 0.5 Hz high-pass.
FILTER_MARGIN_S = 3.0


@dataclass(frozen=True)
class Page:
    """Traces of one page: time of each drawn point and the values (derivations × points)."""

    start_s: float
    duration_s: float
    names: tuple[str, ...]
    times: np.ndarray
    values: np.ndarray


@dataclass
class PageSource:
    """A recording with the reviewer's montage and filters, cut into pages on request."""

    recording: Recording
    montage: str | Montage = "double-banana"
    filters: FilterSettings = field(default_factory=FilterSettings)
    page_s: float = DEFAULT_PAGE_S
    _matrix: MontageMatrix | None = field(default=None, init=False, repr=False)

    def set_montage(self, montage: str | Montage) -> None:
        """Switch montage; raises MontageNotApplicable (naming the electrodes) and keeps the old."""
        matrix = montage_matrix(montage, self.recording.channel_names, self.recording.units)
        self.montage, self._matrix = montage, matrix

    @property
    def matrix(self) -> MontageMatrix:
        if self._matrix is None:
            self.set_montage(self.montage)
        assert self._matrix is not None
        return self._matrix

    @property
    def n_pages(self) -> int:
        return max(1, int(np.ceil(self.recording.duration / self.page_s - 1e-9)))

    def page(self, start_s: float, max_points: int | None = 2000) -> Page:
        """The page starting at ``start_s``, decimated to about ``max_points`` per trace."""
        fs = self.recording.fs
        first = max(0, int(round(start_s * fs)))
        last = min(self.recording.n_samples, first + int(round(self.page_s * fs)))
        margin = int(FILTER_MARGIN_S * fs)
        lo, hi = max(0, first - margin), min(self.recording.n_samples, last + margin)
        block = self.matrix.apply(self.recording.signals[:, lo:hi])
        if self.filters.low_cut_hz or self.filters.high_cut_hz or self.filters.notch_hz:
            block = apply_filters(block, fs, self.filters)
        block = block[:, first - lo : last - lo]
        times = (first + np.arange(block.shape[1])) / fs
        if max_points and block.shape[1] > max_points:
            times, block = decimate_minmax(times, block, max_points // 2)
        return Page(start_s, self.page_s, self.matrix.names, times, block)


def decimate_minmax(
    times: np.ndarray, values: np.ndarray, n_bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per bin the minimum then the maximum (2 points per bin), so no peak is lost.

    Bins hold ceil(samples / n_bins) samples; the last one is padded with its final value.
    """
    size = int(np.ceil(values.shape[-1] / n_bins))
    bins = int(np.ceil(values.shape[-1] / size))
    pad = bins * size - values.shape[-1]
    if pad:
        values = np.pad(values, ((0, 0), (0, pad)), mode="edge")
        times = np.pad(times, (0, pad), mode="edge")
    binned = values.reshape(values.shape[0], bins, size)
    out = np.empty((values.shape[0], bins, 2), dtype=values.dtype)
    out[..., 0] = binned.min(axis=-1)
    out[..., 1] = binned.max(axis=-1)
    bin_times = times.reshape(bins, size)
    t = np.stack([bin_times[:, 0], bin_times[:, -1]], axis=-1).reshape(-1)
    return t, out.reshape(values.shape[0], -1)
