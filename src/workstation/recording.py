"""The domain model: a physiological recording and its annotations.

A ``Recording`` is what every reader returns and every analysis takes. It is immutable: the
signal array is read-only and every "change" (a time slice, a channel pick) returns a new
object that shares memory with the original where NumPy allows, so opening a long EEG and
paging through it never copies the whole recording.

Missing samples are NaN. Some formats define a marker for "no sample recorded here" (WFDB's
invalid-sample value, segments of a multi-segment record that lack a channel); those become
NaN so that no analysis mistakes a gap for a flat line. Infinite values are never accepted.
"""

from __future__ import annotations

import enum
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO

import numpy as np

from workstation.channels import is_ecg_label, is_eeg_label, is_ppg_label
from workstation.errors import InvalidRecording

#: The plausible range of sampling rates. Below it a "recording" is a trend export, above it
#: the header is almost certainly corrupt (no clinical ECG/EEG amplifier samples at 1 MHz).
MIN_SAMPLING_RATE_HZ = 0.01
MAX_SAMPLING_RATE_HZ = 100_000.0


class Modality(enum.StrEnum):
    ECG = "ecg"
    EEG = "eeg"
    PPG = "ppg"
    VIDEO = "video"  # camera vitals: only derived traces are stored, never frames
    VITALS = "vitals"  # observation sets (NEWS2, risk): a session with no waveform recording
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Annotation:
    """An event or a span in a recording, optionally tied to one channel.

    ``onset`` and ``duration`` are seconds from the start of the recording; a point event has
    duration 0. ``channel`` names the channel it belongs to (LUDB marks waves per lead), or is
    None when it concerns the whole recording.
    """

    onset: float
    duration: float
    label: str
    channel: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "onset", float(self.onset))
        object.__setattr__(self, "duration", float(self.duration))
        object.__setattr__(self, "label", str(self.label))
        if not (math.isfinite(self.onset) and math.isfinite(self.duration)):
            raise InvalidRecording(None, f"annotation '{self.label}' has a non-finite time.")
        if self.duration < 0:
            raise InvalidRecording(None, f"annotation '{self.label}' has a negative duration.")

    @property
    def end(self) -> float:
        return self.onset + self.duration


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, slots=True)
class Recording:
    """Channels × samples of float32 at one sampling rate, with everything needed to trace it.

    ``source_sha256`` is the hash of the file the clinician opened (for a WFDB record, of its
    header followed by its data files in header order), so a report can prove which bytes it
    came from.
    """

    signals: np.ndarray
    fs: float
    channel_names: tuple[str, ...]
    units: tuple[str, ...]
    modality: Modality = Modality.OTHER
    start_time: datetime | None = None
    annotations: tuple[Annotation, ...] = ()
    source_name: str = ""
    source_sha256: str = ""
    source_format: str = ""
    warnings: tuple[str, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        signals = np.asarray(self.signals)
        if signals.ndim != 2:
            raise InvalidRecording(
                self.source_name or None,
                f"the signal data has {signals.ndim} dimension(s) instead of channels × samples.",
            )
        if signals.shape[0] == 0:
            raise InvalidRecording(self.source_name or None, "the file holds no channels.")
        if signals.shape[1] == 0:
            raise InvalidRecording(self.source_name or None, "the file holds no samples.")
        if signals.dtype != np.float32:
            signals = signals.astype(np.float32)
        fs = float(self.fs)
        if not (MIN_SAMPLING_RATE_HZ <= fs <= MAX_SAMPLING_RATE_HZ):
            raise InvalidRecording(
                self.source_name or None,
                f"the sampling rate {fs:g} Hz is not plausible "
                f"(expected {MIN_SAMPLING_RATE_HZ:g}–{MAX_SAMPLING_RATE_HZ:g} Hz).",
            )
        names = tuple(str(n) for n in self.channel_names)
        units = tuple(str(u) for u in self.units)
        if len(names) != signals.shape[0] or len(units) != signals.shape[0]:
            raise InvalidRecording(
                self.source_name or None,
                f"the header lists {len(names)} channel name(s) and {len(units)} unit(s) "
                f"for {signals.shape[0]} channel(s) of data.",
            )
        _check_values(signals, self.source_name)
        object.__setattr__(self, "signals", _readonly(signals))
        object.__setattr__(self, "fs", fs)
        object.__setattr__(self, "channel_names", names)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "modality", Modality(self.modality))
        object.__setattr__(self, "annotations", tuple(self.annotations))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    @property
    def n_channels(self) -> int:
        return int(self.signals.shape[0])

    @property
    def n_samples(self) -> int:
        return int(self.signals.shape[1])

    @property
    def duration(self) -> float:
        """Length in seconds (samples / fs)."""
        return self.n_samples / self.fs

    @property
    def has_gaps(self) -> bool:
        return bool(np.isnan(self.signals).any())

    def channel_index(self, name: str) -> int:
        """Index of a channel by name, case-insensitive (clinicians write 'AVR' and 'aVR')."""
        wanted = name.casefold()
        for i, channel in enumerate(self.channel_names):
            if channel.casefold() == wanted:
                return i
        raise KeyError(f"no channel named '{name}' (channels: {', '.join(self.channel_names)})")

    def channel(self, name: str) -> np.ndarray:
        return self.signals[self.channel_index(name)]

    def slice_time(self, start: float, stop: float | None = None) -> Recording:
        """The part of the recording from ``start`` to ``stop`` seconds, sharing memory.

        Annotations that overlap the window are kept, clipped to it and shifted so that their
        onsets are relative to the new start.
        """
        first = max(0, int(math.floor(start * self.fs + 1e-9)))
        last = (
            self.n_samples
            if stop is None
            else min(self.n_samples, int(math.ceil(stop * self.fs - 1e-9)))
        )
        if last <= first:
            raise ValueError(
                f"empty time window {start:g}–{stop} s in a {self.duration:g} s recording"
            )
        t0, t1 = first / self.fs, last / self.fs
        kept = []
        for a in self.annotations:
            if a.end < t0 or a.onset > t1 or (a.duration > 0 and a.end == t0):
                continue
            onset = max(a.onset, t0)
            kept.append(replace(a, onset=onset - t0, duration=min(a.end, t1) - onset))
        start_time = None
        if self.start_time is not None:
            start_time = self.start_time + timedelta(seconds=t0)
        return replace(
            self,
            signals=self.signals[:, first:last],
            annotations=tuple(kept),
            start_time=start_time,
        )

    def pick_channels(self, names: Sequence[str]) -> Recording:
        """A recording with only the named channels, in the given order."""
        idx = [self.channel_index(n) for n in names]
        picked = {self.channel_names[i] for i in idx}
        return replace(
            self,
            signals=self.signals[idx],
            channel_names=tuple(self.channel_names[i] for i in idx),
            units=tuple(self.units[i] for i in idx),
            annotations=tuple(
                a for a in self.annotations if a.channel is None or a.channel in picked
            ),
        )

    def annotations_for(self, channel: str | None) -> tuple[Annotation, ...]:
        """Annotations of one channel (case-insensitive), or the record-wide ones for None."""
        if channel is None:
            return tuple(a for a in self.annotations if a.channel is None)
        wanted = channel.casefold()
        return tuple(a for a in self.annotations if a.channel and a.channel.casefold() == wanted)


def _check_values(signals: np.ndarray, source: str) -> None:
    """Refuse infinities and a recording with no measured sample at all.

    Checked in blocks so a one-hour EEG does not allocate a boolean copy of itself.
    """
    block = max(1, 4_000_000 // max(1, signals.shape[0]))
    any_finite = False
    for start in range(0, signals.shape[1], block):
        part = signals[:, start : start + block]
        if np.isinf(part).any():
            raise InvalidRecording(source or None, "the signal contains infinite values.")
        if not any_finite and np.isfinite(part).any():
            any_finite = True
    if not any_finite:
        raise InvalidRecording(source or None, "every sample of every channel is missing (NaN).")


def infer_modality(channel_names: Iterable[str]) -> Modality:
    """Guess ECG / EEG / PPG from channel names, by majority; OTHER when nothing matches."""
    counts = {Modality.ECG: 0, Modality.EEG: 0, Modality.PPG: 0}
    for raw in channel_names:
        if is_ecg_label(raw):
            counts[Modality.ECG] += 1
        elif is_eeg_label(raw):
            counts[Modality.EEG] += 1
        elif is_ppg_label(raw):
            counts[Modality.PPG] += 1
    best = max(counts, key=lambda m: counts[m])
    return best if counts[best] > 0 else Modality.OTHER


def sha256_of_files(paths: Iterable[Path | BinaryIO]) -> str:
    """SHA-256 over the bytes of several files in order, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    for item in paths:
        if isinstance(item, Path):
            with item.open("rb") as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
        else:
            for chunk in iter(lambda h=item: h.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
