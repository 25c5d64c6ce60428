"""Live heart rate: the file pipeline's steps, one frame at a time.

The first value comes once a full window of frames has arrived, then one per second, each
from the latest window only. The frame rate is measured from the frames' own timestamps,
so a camera that delivers 25 fps while claiming 30 still gives the right rate.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from workstation.dsp.filters import below_nyquist
from workstation.rppg.frames import Frame
from workstation.rppg.heart_rate import STEP_S, WINDOW_S, WindowEstimate, rate_series
from workstation.rppg.methods import PULSE_BAND_HZ
from workstation.rppg.pipeline import uniform_rgb
from workstation.rppg.traces import Roi, TraceExtractor


class FrameConsumer(Protocol):
    """Anything else that reads the frames of a live run, in the capture thread.

    One camera session serves several analyses (the pulse here, the face of a wellness
    session): the capture worker hands each frame to every consumer, in memory, and drops
    it once they return. A consumer keeps numbers, never the image, and must be quick, since
    it runs between two frames of the camera.
    """

    def add_frame(self, frame: Frame) -> None: ...


class LiveVitals:
    def __init__(
        self, method: str = "pos", roi: Roi | str = Roi.FACE, window_s: float = WINDOW_S
    ) -> None:
        self.method = method
        self.window_s = window_s
        self.extractor = TraceExtractor(Roi(roi))
        self._next_estimate_s: float | None = None

    @property
    def traces(self):
        return self.extractor.traces

    def measured_fps(self) -> float | None:
        stamps = self.traces.timestamps
        if len(stamps) < 2 or stamps[-1] <= stamps[0]:
            return None
        return (len(stamps) - 1) / (stamps[-1] - stamps[0])

    def add(self, frame: Frame) -> WindowEstimate | None:
        """Add a frame; returns a new estimate when one is due (about once per second)."""
        self.extractor.add(frame)
        stamps = self.traces.timestamps
        elapsed = stamps[-1] - stamps[0]
        if elapsed < self.window_s:
            return None
        if self._next_estimate_s is not None and frame.timestamp_s < self._next_estimate_s:
            return None
        self._next_estimate_s = frame.timestamp_s + STEP_S
        return self._latest_window()

    def _latest_window(self) -> WindowEstimate | None:
        fps = self.measured_fps()
        if fps is None or below_nyquist(PULSE_BAND_HZ[1], fps) <= PULSE_BAND_HZ[0]:
            # So few frames a second (a starved or failing camera) that no part of the pulse
            # band is below Nyquist: no estimate, rather than a filter that cannot be designed.
            return None
        length = int(round(self.window_s * fps))
        recent = self.traces.tail(length + length // 10 + 2)
        rgb, motion = uniform_rgb(recent, fps)
        if rgb.shape[0] < length or not np.isfinite(rgb[-length:]).all():
            return None
        series = rate_series(
            rgb[-length:],
            fps,
            self.method,
            motion[-length:],
            window_s=self.window_s,
            quantum=recent.quantum(),
        )
        if not series:
            return None
        latest = series[-1]
        end_time = self.traces.timestamps[-1] - self.traces.timestamps[0]
        return WindowEstimate(end_time, latest.bpm, latest.snr_db, latest.motion, latest.measurable)
