"""Video-vitals runs: a whole file, or a live camera run, to one kind of stored result.

A whole file goes through the engine's own ``run_video`` (the CLI's ``analyze video`` runs
the same function, so both give the same numbers); a live run ends in ``analyze_traces`` on
what it collected; a contact PPG trace (CSV) goes through ``analyze_ppg``, as the CLI's
``analyze ppg`` does. All three end in the same acceptance rule. ``recent_pulse`` and
``live_condition`` are the cheap views the live panel draws while a run goes on; they read
only the last seconds. The engine types the video screens show are re-exported here, so
the UI reaches the engine only through this layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from workstation.app.progress import Progress
from workstation.rppg.acceptance import WINDOW_REASONS, snr_threshold_db
from workstation.rppg.contact_ppg import analyze_ppg_trace, read_ppg_csv
from workstation.rppg.frames import Frame, FrameSource, dropped_frames, open_camera, open_video
from workstation.rppg.heart_rate import MAX_MOTION, MIN_SNR_DB, WINDOW_S, WindowEstimate
from workstation.rppg.live import FrameConsumer, LiveVitals
from workstation.rppg.methods import pulse
from workstation.rppg.options import METHOD_TITLES, STATUS_TITLES
from workstation.rppg.pipeline import (
    MIN_CONTRAST,
    MIN_FACE_FRACTION,
    MIN_LUMINANCE,
    VideoVitals,
    analyze_traces,
    run_video,
    uniform_rgb,
)
from workstation.rppg.regions import face_regions
from workstation.rppg.traces import Roi, Traces

__all__ = [  # the engine's types and sources, for the video screens
    "METHOD_TITLES",
    "MIN_SNR_DB",
    "STATUS_TITLES",
    "WINDOW_REASONS",
    "WINDOW_S",
    "Frame",
    "FrameConsumer",
    "FrameSource",
    "LiveVitals",
    "Roi",
    "WindowEstimate",
    "dropped_frames",
    "face_regions",
    "open_camera",
    "open_video",
    "snr_threshold_db",
]

#: Seconds of pulse the live trace shows.
PULSE_SPAN_S = 10.0
#: Seconds of frames the live condition (dark, covered, no face, moving) is judged on.
CONDITION_SPAN_S = 1.0
#: How often (in frames) a whole-file analysis reports progress and checks for cancel.
PROGRESS_EVERY = 15


@dataclass(frozen=True)
class CaptureResult:
    """The engine's result for one run with the traces it came from (what Save stores)."""

    vitals: VideoVitals
    rgb: np.ndarray  # (n_frames, 3) mean skin colour, R G B; NaN where no skin was seen
    timestamps: np.ndarray  # seconds from the first frame
    source: str

    def arrays(self) -> dict[str, np.ndarray]:
        """The derived arrays stored in the vault; the frames themselves are never kept."""
        arrays = {"rgb": self.rgb, "timestamps": self.timestamps}
        if self.vitals.pulse is not None:
            arrays["pulse"] = np.asarray(self.vitals.pulse, dtype=np.float64)
        return arrays


@dataclass(frozen=True)
class PulseSnippet:
    """The band-passed pulse of the last seconds, on a uniform time grid."""

    times_s: np.ndarray
    values: np.ndarray


def summarise_run(traces: Traces, fps: float, method: str, source: str) -> CaptureResult:
    """The engine's verdict on everything a run collected (a live run or a whole file)."""
    stamps = np.asarray(traces.timestamps, dtype=np.float64)
    vitals = analyze_traces(traces, fps, method, dropped_frames(stamps))
    rgb = np.asarray(traces.rgb, dtype=np.float64).reshape(-1, 3)
    return CaptureResult(vitals, rgb, stamps - stamps[0], source)


def frame_count(path: Path) -> int:
    """The container's frame count (0 when it does not say), to show progress in percent."""
    capture = cv2.VideoCapture(str(path))
    try:
        return max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0))
    finally:
        capture.release()


def analyse_file(path: Path, method: str, roi: Roi | str, progress: Progress) -> CaptureResult:
    """The whole file through the engine's ``run_video``, reporting progress every few
    frames; a cancel raises ``Cancelled`` from the step, which closes the file on the way."""
    total = frame_count(path)
    frames = 0

    def each_frame() -> bool:
        nonlocal frames
        frames += 1
        if frames % PROGRESS_EVERY == 0:
            percent = min(95, int(95 * frames / total)) if total else 0
            progress.step(percent, f"Reading frame {frames} of {total or '?'}…")
        return False

    run = run_video(path, method, roi, each_frame)
    stamps = np.asarray(run.traces.timestamps, dtype=np.float64)
    rgb = np.asarray(run.traces.rgb, dtype=np.float64).reshape(-1, 3)
    return CaptureResult(run.vitals, rgb, stamps - stamps[0], path.name)


def analyse_trace_file(path: Path, progress: Progress) -> CaptureResult:
    """A contact PPG trace (CSV) through the engine's ``analyze_ppg_trace``; the stored
    'rgb' array holds the file's channels as read."""
    progress.step(10, f"Reading {path.name}…")
    trace = read_ppg_csv(path)
    progress.step(40, "Measuring pulse and HRV…")
    vitals = analyze_ppg_trace(trace)
    channels = np.stack(list(trace.channels.values()), axis=1).astype(np.float64)
    return CaptureResult(vitals, channels, trace.times_s, path.name)


def _tail(traces: Traces, seconds: float) -> Traces:
    """The frames of the last ``seconds`` as their own Traces (the lists are copied)."""
    stamps = traces.timestamps
    start = int(np.searchsorted(stamps, stamps[-1] - seconds, side="left"))
    return Traces(
        traces.roi,
        timestamps=stamps[start:],
        rgb=traces.rgb[start:],
        valid=traces.valid[start:],
        motion=traces.motion[start:],
        luminance=traces.luminance[start:],
        contrast=traces.contrast[start:],
    )


def recent_pulse(
    traces: Traces, fps: float, method: str, seconds: float = PULSE_SPAN_S
) -> PulseSnippet | None:
    """The band-passed pulse of the last ``seconds`` (None while there is no skin in it)."""
    if traces.n_frames < 2:
        return None
    recent = _tail(traces, seconds)
    if not any(recent.valid) or recent.n_frames < 2 * fps:
        return None
    rgb, _ = uniform_rgb(recent, fps)
    values = pulse(rgb.T[None], fps, method)[0]
    start = recent.timestamps[0] - traces.timestamps[0]
    return PulseSnippet(start + np.arange(len(values)) / fps, values)


def live_condition(traces: Traces) -> str:
    """What stops a measurement right now, in words ("" when the picture is fit to measure).

    The same thresholds as the engine's refusals, applied to the last second, so the
    clinician can correct light, camera or posture while recording rather than afterwards.
    """
    if traces.n_frames == 0:
        return ""
    recent = _tail(traces, CONDITION_SPAN_S)
    if np.median(recent.luminance) < MIN_LUMINANCE:
        return "Too dark to measure skin colour: add light in front of the face."
    if recent.roi is Roi.FACE and np.median(recent.contrast) < MIN_CONTRAST:
        return "The picture is featureless: the camera seems covered."
    if recent.roi is Roi.FACE and np.mean(recent.valid) < MIN_FACE_FRACTION:
        return "No face found: face the camera with the forehead and cheeks uncovered."
    if max(recent.motion) > MAX_MOTION:
        return "Too much movement: ask the patient to keep still."
    return ""
