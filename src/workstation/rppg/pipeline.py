"""Video in, vital signs out: frames → skin traces → pulse → heart rate, quality and HRV.

The result always has a status. Only "ok" carries a heart rate, and only when enough
windows passed ``acceptance`` and agree; every other status says in words what stopped the
measurement (too short, too dark, camera covered, no face, a picture that does not change,
pulse not distinguishable from noise). A file the decoder cannot read to the end, or a still
image under a video's name, is an InvalidRecording, not a status. ``vitals_from_trace`` is
the part every source shares: video files, live runs and contact-PPG traces.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workstation.errors import InvalidRecording
from workstation.rppg.acceptance import snr_threshold_db
from workstation.rppg.frames import open_video
from workstation.rppg.heart_rate import WINDOW_S, WindowEstimate, judge_series, rate_series
from workstation.rppg.hrv import HRV_SNR_MARGIN_DB, Hrv, hrv_from_pulse, not_enough
from workstation.rppg.methods import pulse
from workstation.rppg.traces import Roi, Traces, extract
from workstation.rppg.wellness import CAVEAT, Indicator, indicators

#: Mean grey level (0–255) below which the picture is too dark to measure skin colour. Kept
#: low on purpose: darker skin under ward lighting sits at grey levels of 20–40, and a
#: threshold set for light skin would refuse exactly the patients rPPG already serves worst
#: (Dasari et al. 2021). Below 15 a 1 % pulse is a fraction of one 8-bit level per pixel.
MIN_LUMINANCE = 15.0
#: Spatial standard deviation of grey levels below which the picture is featureless
#: (a lens cap, a hand or a wall in front of the camera).
MIN_CONTRAST = 4.0
#: Fraction of frames that must show a face for a face-region measurement.
MIN_FACE_FRACTION = 0.5
#: Fraction of frames that copy an earlier frame above which the picture is frozen.
MAX_REPEATED_FRACTION = 0.5


@dataclass
class VideoVitals:
    status: str
    message: str
    method: str
    roi: str
    frames: int
    fps: float
    dropped_frames: int
    heart_rate_bpm: float | None = None
    series: list[WindowEstimate] = field(default_factory=list)
    hrv: Hrv | None = None
    indicators: list[Indicator] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    pulse: np.ndarray | None = field(default=None, repr=False)
    #: For a contact-PPG trace: the channel used and why the others were not.
    channel: str | None = None
    channels_excluded: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "heart_rate_bpm": _round(self.heart_rate_bpm),
            "series": [
                [round(w.time_s, 3), round(w.bpm, 2), round(w.snr_db, 2), w.measurable]
                for w in self.series
            ],
            "series_columns": ["t_s", "bpm", "snr_db", "measurable"],
            "measurable_windows": sum(w.measurable for w in self.series),
            "windows": len(self.series),
            "hrv": asdict(self.hrv) if self.hrv else None,
            "indicators": [asdict(i) for i in self.indicators],
            "indicators_note": CAVEAT,
            "frames": self.frames,
            "fps": round(self.fps, 3),
            "dropped_frames": self.dropped_frames,
            "method": self.method,
            "roi": self.roi,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            **(
                {"channel": self.channel, "channels_excluded": self.channels_excluded}
                if self.channel is not None
                else {}
            ),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def uniform_rgb(traces: Traces, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """RGB and motion on a uniform time grid (a live camera's frames arrive with jitter)."""
    t = np.asarray(traces.timestamps, dtype=np.float64)
    rgb, motion = traces.rgb_array(), traces.motion_array()
    grid = t[0] + np.arange(int(np.floor((t[-1] - t[0]) * fps)) + 1) / fps
    if len(grid) == len(t) and np.allclose(grid, t, atol=0.25 / fps):
        return rgb, motion
    resampled = np.stack([np.interp(grid, t, rgb[:, c]) for c in range(3)], axis=1)
    nearest = np.clip(np.searchsorted(t, grid), 0, len(t) - 1)
    return resampled, motion[nearest]


def _refusal(traces: Traces, fps: float, window_s: float) -> tuple[str, str] | None:
    duration = traces.n_frames / fps if fps else 0.0
    if duration < window_s:
        return (
            "too_short",
            f"The clip lasts {duration:.1f} s; at least {window_s:.0f} s are needed for one "
            "heart-rate window.",
        )
    repeated = traces.repeated_fraction()
    if repeated >= MAX_REPEATED_FRACTION:
        return (
            "frozen",
            f"The image does not change: {repeated:.0%} of the frames repeat an earlier frame "
            "(a still picture, or a frozen or looped clip), so there is no pulse to measure.",
        )
    if np.median(traces.luminance) < MIN_LUMINANCE:
        return (
            "too_dark",
            "The picture is too dark to measure skin colour. Add light in front of the face.",
        )
    if np.median(traces.contrast) < MIN_CONTRAST and traces.roi is Roi.FACE:
        return (
            "covered",
            "The picture is featureless: the camera seems covered. Uncover the lens and face "
            "the camera.",
        )
    if traces.roi is Roi.FACE and np.mean(traces.valid) < MIN_FACE_FRACTION:
        return "no_face", (
            f"A face with visible skin was found in {np.mean(traces.valid):.0%} of the frames. "
            "Face the camera with the forehead and cheeks uncovered."
        )
    return None


def motion_words(traces: Traces) -> str:
    """How much the region moves, in words, for a refusal dominated by motion."""
    shift = traces.median_shift_px()
    if shift >= 1.0:
        return f"the region moves {shift:.0f} px per frame"
    return "the skin region moved (or the picture changed) too much"


def vitals_from_trace(
    rgb: np.ndarray,
    fps: float,
    method: str,
    base: dict[str, Any],
    motion: np.ndarray | None = None,
    quantum: float = 0.0,
    moved: str = "",
    window_s: float = WINDOW_S,
) -> VideoVitals:
    """Rate, quality, HRV and indicators of a uniform colour trace ``(n, channels)``: the
    one path for video, live runs and contact PPG."""
    started = time.perf_counter()
    series = rate_series(rgb, fps, method, motion, window_s=window_s, quantum=quantum)
    verdict = judge_series(series, moved)
    bvp = pulse(np.asarray(rgb, dtype=np.float64).reshape(len(rgb), -1).T[None], fps, method)[0]
    timings = {"pulse_and_rate_s": time.perf_counter() - started}
    if verdict.bpm is None:
        return VideoVitals(
            status="low_quality",
            message=verdict.message,
            series=series,
            hrv=not_enough(0, "no heart rate was accepted."),
            timings=timings,
            pulse=bvp,
            **base,
        )
    hrv = hrv_from_pulse(
        bvp,
        fps,
        verdict.bpm,
        np.array([w.time_s for w in series]),
        np.array([w.measurable for w in series]),
        snr_threshold_db(method) + HRV_SNR_MARGIN_DB,
    )
    timings["total_analysis_s"] = time.perf_counter() - started
    return VideoVitals(
        status="ok",
        message=verdict.message,
        heart_rate_bpm=verdict.bpm,
        series=series,
        hrv=hrv,
        indicators=indicators(verdict.bpm, hrv),
        timings=timings,
        pulse=bvp,
        **base,
    )


def analyze_traces(
    traces: Traces,
    fps: float,
    method: str = "pos",
    dropped_frames: int = 0,
    window_s: float = WINDOW_S,
) -> VideoVitals:
    """Heart rate, quality and HRV from per-frame skin traces."""
    base = {
        "method": method,
        "roi": traces.roi.value,
        "frames": traces.n_frames,
        "fps": fps,
        "dropped_frames": dropped_frames,
    }
    refused = _refusal(traces, fps, window_s)
    if refused is not None:
        return VideoVitals(status=refused[0], message=refused[1], **base)
    rgb, motion = uniform_rgb(traces, fps)
    return vitals_from_trace(
        rgb, fps, method, base, motion, traces.quantum(), motion_words(traces), window_s
    )


@dataclass(frozen=True)
class VideoRun:
    """A whole file's vitals with the per-frame skin traces they came from (what is stored)."""

    vitals: VideoVitals
    traces: Traces


def run_video(
    path: str | Path,
    method: str = "pos",
    roi: Roi | str = Roi.FACE,
    should_stop: Callable[[], bool] | None = None,
) -> VideoRun:
    """The whole pipeline on a video file, keeping the traces. ``should_stop`` is asked
    after every frame; it may also report progress, or raise to cancel (the file is closed)."""
    started = time.perf_counter()
    stopped = False

    def stop_asked() -> bool:
        nonlocal stopped
        stopped = bool(should_stop is not None and should_stop())
        return stopped

    with open_video(path) as source:
        traces = extract(source, Roi(roi), stop_asked)
        stats = source.stats
        nominal = source.nominal_fps
        damage = None if stopped else source.damage()
    if traces.n_frames == 0:
        raise InvalidRecording(path, "no frame of the video could be decoded: the file is damaged.")
    if damage is not None:
        raise InvalidRecording(path, damage)
    extraction_s = time.perf_counter() - started
    fps = stats.measured_fps or nominal
    result = analyze_traces(traces, fps, method, stats.dropped)
    result.timings = {
        "frames_s": extraction_s,
        **result.timings,
        "total_s": time.perf_counter() - started,
    }
    result.timings["frames_per_s"] = traces.n_frames / extraction_s if extraction_s > 0 else 0.0
    return VideoRun(result, traces)


def analyze_video(
    path: str | Path,
    method: str = "pos",
    roi: Roi | str = Roi.FACE,
    should_stop: Callable[[], bool] | None = None,
) -> VideoVitals:
    """The whole pipeline on a video file."""
    return run_video(path, method, roi, should_stop).vitals
