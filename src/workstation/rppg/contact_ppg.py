"""Contact PPG traces: a finger on a phone camera, or a pulse oximeter's export.

The file is a CSV with a header: a time column (``time``, ``t``, ``timestamp``; in seconds,
or in milliseconds when its name ends in ``ms`` or its steps are longer than one unit) and
either R, G, B columns (the mean colour of each camera frame, as the Welltory recordings
store them) or one signal column. Capture times of a phone are irregular, so the trace is
put on a uniform grid at its own mean rate (a cubic spline); gaps longer than
MAX_GAP_INTERVALS sampling intervals are marked so no window reports a rate across them.

With a finger on the lens the red channel usually carries the pulse, but green and blue are
often zero or pinned at their floor, and red may be clipped at 255 under a strong flash.
The channel is chosen automatically: empty, flat and clipped channels are excluded (and
said why), and of the rest the one whose spectrum stands highest above noise is used. Rate,
quality and HRV then follow exactly the video path (``pipeline.vitals_from_trace``) with
the ``contact`` method.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from workstation.errors import InvalidRecording
from workstation.rppg.frames import dropped_frames
from workstation.rppg.heart_rate import WINDOW_S, spectral_rate
from workstation.rppg.methods import pulse
from workstation.rppg.pipeline import VideoVitals, vitals_from_trace

TIME_NAMES = ("time", "t", "timestamp", "time_ms", "time_s", "timestamp_ms", "ms", "seconds")
#: A sample counts as clipped at an 8-bit ceiling or floor when within half a level of it.
CLIP_LEVELS = (0.5, 254.5)
#: Channels with more clipped samples than this fraction are excluded.
MAX_CLIPPED_FRACTION = 0.05
#: Gaps longer than this many median intervals are not bridged by the resampling.
MAX_GAP_INTERVALS = 3.0
#: Lowest and highest sampling rates a PPG trace can plausibly have.
PLAUSIBLE_RATE_HZ = (5.0, 2000.0)


@dataclass(frozen=True)
class PpgTrace:
    """A contact PPG recording as read: sample times (s) and each channel's values."""

    times_s: np.ndarray
    channels: dict[str, np.ndarray]
    source: str


@dataclass(frozen=True)
class ChannelChoice:
    name: str
    excluded: dict[str, str]  # channel → why it was not used, in words


def _is_time(name: str) -> bool:
    return name.strip().lower() in TIME_NAMES


def read_ppg_csv(path: str | Path) -> PpgTrace:
    """A contact PPG CSV, or InvalidRecording saying what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise InvalidRecording(path, "the file does not exist.", "Check the name and the folder.")
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except (UnicodeDecodeError, csv.Error):
        raise InvalidRecording(path, "this is not a text CSV file.") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 3:
        raise InvalidRecording(path, "the file holds no PPG samples (a header and rows).")
    header = [h.strip() for h in rows[0]]
    times = [i for i, name in enumerate(header) if _is_time(name)]
    if not times:
        raise InvalidRecording(
            path,
            f"no time column found (columns: {', '.join(header)}).",
            "Name the time column 'time' (seconds) or 'time_ms' (milliseconds).",
        )
    try:
        values = np.array([[float(c) for c in r[: len(header)]] for r in rows[1:]], dtype=float)
    except ValueError:
        raise InvalidRecording(path, "some cells are not numbers.") from None
    if values.shape[1] != len(header):
        raise InvalidRecording(path, "some rows have fewer cells than the header.")
    if not np.isfinite(values).all():
        raise InvalidRecording(path, "some samples are missing or not finite.")
    t = values[:, times[0]]
    steps = np.diff(t)
    if (steps <= 0).any():
        row = int(np.argmax(steps <= 0)) + 3
        raise InvalidRecording(path, f"the time column does not increase (at line {row}).")
    name = header[times[0]].lower()
    if name.endswith("ms") or (not name.endswith("_s") and np.median(steps) > 1.0):
        t = t / 1000.0
    rate = (len(t) - 1) / (t[-1] - t[0])
    if not PLAUSIBLE_RATE_HZ[0] <= rate <= PLAUSIBLE_RATE_HZ[1]:
        raise InvalidRecording(path, f"the samples come at {rate:.1f} per second: not a PPG.")
    channels = {header[i]: values[:, i] for i in range(len(header)) if i != times[0] and header[i]}
    if not channels:
        raise InvalidRecording(path, "the file has a time column but no signal column.")
    return PpgTrace(t - t[0], channels, path.name)


def uniform(trace: PpgTrace) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Time grid, its rate, a 'gap' flag per grid sample, and the samples missing in gaps."""
    t = trace.times_s
    fps = (len(t) - 1) / (t[-1] - t[0])
    grid = np.arange(int(np.floor(t[-1] * fps)) + 1) / fps
    typical = float(np.median(np.diff(t)))
    gap_ends = np.flatnonzero(np.diff(t) > MAX_GAP_INTERVALS * typical)
    in_gap = np.zeros(len(grid), dtype=bool)
    for k in gap_ends:
        in_gap |= (grid > t[k]) & (grid < t[k + 1])
    return grid, fps, in_gap, dropped_frames(t)


def resolution(values: np.ndarray) -> float:
    """The smallest step between distinct values (the last digit the file stores)."""
    distinct = np.unique(values)
    steps = np.diff(distinct)
    steps = steps[steps > 1e-12]
    return float(steps.min()) if steps.size else 0.0


def choose_channel(trace: PpgTrace, grid: np.ndarray, fps: float) -> ChannelChoice:
    """The usable channel whose pulse stands highest above noise, and why others were not."""
    excluded: dict[str, str] = {}
    scores: dict[str, float] = {}
    for name, x in trace.channels.items():
        eight_bit = x.min() >= -0.5 and x.max() <= 255.5
        clipped = np.mean((x <= CLIP_LEVELS[0]) | (x >= CLIP_LEVELS[1])) if eight_bit else 0.0
        if np.all(np.abs(x) < 1e-9):
            excluded[name] = "all zero"
        elif np.ptp(x) <= resolution(x) or np.std(x) == 0:
            excluded[name] = "flat (it never changes)"
        elif clipped > MAX_CLIPPED_FRACTION:
            where = "at its floor" if np.median(x) < 128 else "at 255 (overexposed)"
            excluded[name] = f"clipped {where} in {clipped:.0%} of the samples"
        else:
            resampled = CubicSpline(trace.times_s, x)(grid)
            _, snr = spectral_rate(pulse(resampled[None, None, :], fps, "contact"), fps)
            scores[name] = float(snr[0])
    if not scores:
        reasons = "; ".join(f"{k}: {v}" for k, v in excluded.items())
        raise InvalidRecording(
            trace.source,
            f"no channel carries a usable signal ({reasons}).",
            "Record again with the fingertip resting lightly over the lens and the flash on.",
        )
    best = max(scores, key=lambda k: scores[k])
    for name in scores:
        if name != best:
            excluded[name] = f"weaker pulse ({scores[name]:.1f} dB against {scores[best]:.1f} dB)"
    return ChannelChoice(best, excluded)


def analyze_ppg(
    path: str | Path, channel: str | None = None, window_s: float = WINDOW_S
) -> VideoVitals:
    """Rate, quality and HRV of a contact PPG CSV through the video pipeline's rule."""
    trace = read_ppg_csv(path)
    return analyze_ppg_trace(trace, channel, window_s)


def analyze_ppg_trace(
    trace: PpgTrace, channel: str | None = None, window_s: float = WINDOW_S
) -> VideoVitals:
    grid, fps, in_gap, missing = uniform(trace)
    if channel is not None and channel not in trace.channels:
        raise InvalidRecording(
            trace.source,
            f"there is no channel '{channel}' (channels: {', '.join(trace.channels)}).",
            "Leave the channel out to choose it automatically.",
        )
    choice = ChannelChoice(channel, {}) if channel is not None else choose_channel(trace, grid, fps)
    x = trace.channels[choice.name]
    base = {
        "method": "contact",
        "roi": f"contact PPG, channel {choice.name}",
        "frames": len(x),
        "fps": fps,
        "dropped_frames": missing,
    }
    duration = len(grid) / fps
    if duration < window_s:
        return VideoVitals(
            status="too_short",
            message=f"The trace lasts {duration:.1f} s; at least {window_s:.0f} s are needed "
            "for one heart-rate window.",
            channel=choice.name,
            channels_excluded=choice.excluded,
            **base,
        )
    resampled = CubicSpline(trace.times_s, x)(grid)
    quantum = resolution(x) / np.sqrt(12.0)
    result = vitals_from_trace(
        resampled[:, None],
        fps,
        "contact",
        base,
        motion=in_gap.astype(float),
        quantum=quantum,
        moved="the trace has gaps in time",
        window_s=window_s,
    )
    result.channel = choice.name
    result.channels_excluded = choice.excluded
    return result
