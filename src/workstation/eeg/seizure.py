"""The seizure-like-activity detector applied to a whole recording, with explanations.

The model reads one channel at a time (it was trained on single-channel Bonn segments), so
a recording is run channel by channel in 4 s windows every 2 s. The timeline keeps every
channel's probability: the reader sees not only *when* but *where*, and the channels with
the highest probability are the ones that drove a window. Occlusion then says which
seconds of those channels mattered: a second is blanked and the drop in probability is
its weight.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from workstation.channels import ChannelKind, classify_channel
from workstation.eeg.filters import band_pass
from workstation.eeg.montages import AVERAGE_REFERENCE, apply_montage
from workstation.eeg.resample import EEG_RATE_HZ, resample_recording
from workstation.eeg.window_validity import WindowValidity, window_validity
from workstation.eeg.windows import DETECTOR_BAND_HZ, HOP_S, WINDOW_S, sliding_windows
from workstation.recording import Recording

MODEL_NAME = "eeg-seizure"
BATCH_WINDOWS = 1024
OCCLUSION_SEGMENT_S = 0.5


class OnnxSession(Protocol):
    def get_inputs(self) -> list: ...

    def run(self, output_names, input_feed) -> list: ...


@dataclass(frozen=True)
class SeizureTimeline:
    """Probability of seizure-like activity per channel (rows) and window (columns).

    A channel's window the detector could not judge (``validity`` says why) has no
    probability: NaN, never a number the model made up for a flat line or a test tone.
    """

    times: np.ndarray
    window_s: float
    channel_names: tuple[str, ...]
    probabilities: np.ndarray
    validity: np.ndarray | None = None

    @property
    def probability(self) -> np.ndarray:
        """Per window, the highest probability of any assessable channel; NaN when none was."""
        if self.probabilities.size == 0:
            return np.zeros(0, dtype=np.float32)
        assessed = ~np.isnan(self.probabilities)
        best = np.where(assessed, self.probabilities, -np.inf).max(axis=0)
        return np.where(assessed.any(axis=0), best, np.nan).astype(np.float32)

    def assessable(self) -> np.ndarray:
        """Per window, whether at least one channel was given to the detector."""
        return ~np.isnan(self.probability)

    def top_channels(self, window: int, k: int = 3) -> list[tuple[str, float]]:
        """The k assessable channels that drove a window, highest probability first."""
        column = self.probabilities[:, window]
        order = [
            i for i in np.argsort(np.nan_to_num(column, nan=-1.0))[::-1] if column[i] == column[i]
        ]
        return [(self.channel_names[i], float(column[i])) for i in order[:k]]

    def flagged(self, threshold: float = 0.5) -> np.ndarray:
        """Indices of windows at or above the threshold, for review."""
        return np.flatnonzero(np.nan_to_num(self.probability, nan=-1.0) >= threshold)

    def not_assessable(self) -> dict[str, int]:
        """How many channel windows were withheld from the detector, by reason in words."""
        if self.validity is None:
            return {}
        codes = np.bincount(self.validity.ravel(), minlength=len(WindowValidity))
        return {
            WindowValidity(code).reason: int(count)
            for code, count in enumerate(codes)
            if code != WindowValidity.ASSESSABLE and count
        }


@dataclass(frozen=True)
class WindowExplanation:
    """Why one window scored as it did: per channel, per occluded segment, the drop."""

    window: int
    start_s: float
    channels: tuple[str, ...]
    channel_probability: tuple[float, ...]
    segment_starts_s: np.ndarray
    occlusion_drop: np.ndarray

    def driving_seconds(self) -> list[tuple[str, float, float]]:
        """(channel, segment start s, drop) of the segment that mattered most per channel."""
        out = []
        for i, name in enumerate(self.channels):
            j = int(np.argmax(self.occlusion_drop[i]))
            out.append((name, float(self.segment_starts_s[j]), float(self.occlusion_drop[i, j])))
        return out


def load_detector() -> tuple[OnnxSession, dict[str, str]]:
    """The shipped detector's session (verified against its card) and how an analysis names
    it; the viewer's background analysis and `workstation analyze eeg` both load it here."""
    from workstation.inference.registry import load_model

    loaded = load_model(MODEL_NAME, threads=1)
    return loaded.session, {**loaded.describe(), "device": loaded.provider}


def detector_input(recording: Recording) -> Recording:
    """EEG channels as the detector was trained on them: average reference, 256 Hz, 0.53–40 Hz.

    Bonn was recorded against a common average reference, so that is the montage the
    detector reads whatever montage the reviewer is looking at.
    """
    eeg_names = [n for n in recording.channel_names if classify_channel(n) == ChannelKind.EEG]
    referenced = apply_montage(recording.pick_channels(eeg_names) if eeg_names else recording,
                               AVERAGE_REFERENCE)  # fmt: skip
    at_rate = resample_recording(referenced, EEG_RATE_HZ)
    filtered = band_pass(at_rate.signals, at_rate.fs, *DETECTOR_BAND_HZ)
    return replace(at_rate, signals=filtered)


def run_windows(session: OnnxSession, windows: np.ndarray) -> np.ndarray:
    """Probabilities for windows × samples, in batches that bound memory."""
    name = session.get_inputs()[0].name
    out = np.empty(len(windows), dtype=np.float32)
    for start in range(0, len(windows), BATCH_WINDOWS):
        batch = np.ascontiguousarray(windows[start : start + BATCH_WINDOWS], dtype=np.float32)
        out[start : start + len(batch)] = session.run(None, {name: batch[:, None, :]})[0]
    return out


def detect(session: OnnxSession, prepared: Recording) -> SeizureTimeline:
    """Run the detector over every assessable window of every channel of a recording
    prepared by ``detector_input``; the others keep NaN and their reason."""
    windows = sliding_windows(prepared.signals, prepared.fs, WINDOW_S, HOP_S)
    n_channels, n_windows, _ = windows.shape
    probabilities = np.full((n_channels, n_windows), np.nan, dtype=np.float32)
    validity = np.zeros((n_channels, n_windows), dtype=np.uint8)
    for c in range(n_channels if n_windows else 0):
        validity[c] = window_validity(windows[c], prepared.fs)
        usable = np.flatnonzero(validity[c] == WindowValidity.ASSESSABLE)
        if usable.size:
            probabilities[c, usable] = run_windows(session, windows[c][usable])
    return SeizureTimeline(
        times=np.arange(n_windows) * HOP_S,
        window_s=WINDOW_S,
        channel_names=prepared.channel_names,
        probabilities=probabilities,
        validity=validity,
    )


def explain_window(
    session: OnnxSession,
    prepared: Recording,
    timeline: SeizureTimeline,
    window: int,
    k: int = 3,
    segment_s: float = OCCLUSION_SEGMENT_S,
) -> WindowExplanation:
    """Occlusion over the window's top-k channels: blank each segment, measure the drop."""
    top = timeline.top_channels(window, k)
    size = int(round(WINDOW_S * prepared.fs))
    step = int(round(segment_s * prepared.fs))
    first = int(round(timeline.times[window] * prepared.fs))
    starts = np.arange(0, size, step)
    drops = np.zeros((len(top), len(starts)), dtype=np.float32)
    for i, (name, probability) in enumerate(top):
        base = prepared.signals[prepared.channel_names.index(name), first : first + size]
        occluded = np.repeat(base[None, :], len(starts), axis=0)
        for j, s in enumerate(starts):
            occluded[j, s : s + step] = 0.0
        drops[i] = probability - run_windows(session, occluded)
    return WindowExplanation(
        window=window,
        start_s=float(timeline.times[window]),
        channels=tuple(name for name, _ in top),
        channel_probability=tuple(p for _, p in top),
        segment_starts_s=timeline.times[window] + starts / prepared.fs,
        occlusion_drop=drops,
    )
