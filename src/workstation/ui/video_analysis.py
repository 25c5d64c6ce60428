"""The video-vitals panel's analysis steps, without Qt, so they run in workers and in tests.

A live run, a stopped camera and a whole file all end the same way: the per-frame skin
traces go through the engine's ``analyze_traces``, so what is shown, compared and stored is
one kind of result whatever the source. ``recent_pulse`` and ``live_condition`` are the
cheap views the live panel draws while a run goes on; they read only the last seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from workstation.errors import InvalidRecording
from workstation.rppg.frames import open_video
from workstation.rppg.heart_rate import MAX_MOTION
from workstation.rppg.methods import pulse
from workstation.rppg.pipeline import (
    MIN_CONTRAST,
    MIN_FACE_FRACTION,
    MIN_LUMINANCE,
    VideoVitals,
    analyze_traces,
    uniform_rgb,
)
from workstation.rppg.traces import Roi, TraceExtractor, Traces

#: Seconds of pulse the live trace shows.
PULSE_SPAN_S = 10.0
#: Seconds of frames the live condition (dark, covered, no face, moving) is judged on.
CONDITION_SPAN_S = 1.0
#: How often (in frames) a whole-file analysis reports progress and checks for cancel.
PROGRESS_EVERY = 15

Report = Callable[[int, str], None]


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


def dropped_frames(timestamps: np.ndarray) -> int:
    """Frames missing from a stream: gaps longer than 1.5 median intervals.

    A camera has no trustworthy nominal rate, so the median interval stands in for it.
    """
    intervals = np.diff(np.asarray(timestamps, dtype=np.float64))
    if intervals.size == 0:
        return 0
    typical = float(np.median(intervals))
    if typical <= 0:
        return 0
    long_gaps = intervals[intervals > 1.5 * typical]
    return int(np.sum(np.round(long_gaps / typical) - 1))


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


def analyse_file(path: Path, method: str, roi: Roi | str, report: Report) -> CaptureResult:
    """The whole file through the engine, reporting progress through ``report``.

    The same steps as ``pipeline.analyze_video`` (open, extract, analyze_traces), run here
    so the traces stay available for Save and progress can be shown; ``report`` raises to
    cancel, which closes the file on the way out.
    """
    total = frame_count(path)
    extractor = TraceExtractor(Roi(roi))
    with open_video(path) as source:
        for frame in source:
            extractor.add(frame)
            if frame.index % PROGRESS_EVERY == 0:
                percent = min(95, int(95 * frame.index / total)) if total else 0
                report(percent, f"Reading frame {frame.index + 1} of {total or '?'}…")
        fps = source.stats.measured_fps or source.nominal_fps
    if extractor.traces.n_frames == 0:
        raise InvalidRecording(path, "no frame of the video could be decoded: the file is damaged.")
    report(96, "Computing pulse, heart rate and HRV…")
    return summarise_run(extractor.traces, fps, method, path.name)


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
