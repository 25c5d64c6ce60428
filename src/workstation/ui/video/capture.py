"""Capture and live analysis of a camera or video file, off the GUI thread.

The worker owns the frame source from start to finish: it opens it in its own thread,
reduces every frame to skin traces, hands it to any other frame consumers of the same camera
session (the face of a wellness session), emits a preview a few times per second and a
heart-rate estimate once per second, and closes the source whatever ends the run (end of
file, cancel, or an error). Frames are dropped once read. Connect its signals to ``@Slot``
methods of GUI-thread objects.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import cv2
import numpy as np
from PySide6.QtCore import QThread, Signal

from workstation.app.video_runs import (
    Frame,
    FrameConsumer,
    FrameSource,
    LiveVitals,
    Roi,
    face_regions,
)
from workstation.errors import WorkstationError

PREVIEW_EVERY_S = 0.1
PREVIEW_WIDTH = 480


class StopReason:
    END_OF_FILE = "end_of_file"
    CANCELLED = "cancelled"
    FAILED = "failed"


class VideoCaptureWorker(QThread):
    preview_ready = Signal(object)  # RGB uint8 array with the regions drawn
    estimate_ready = Signal(object)  # WindowEstimate
    stopped = Signal(str)  # a StopReason
    failed = Signal(str)

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        method: str = "pos",
        roi: Roi | str = Roi.FACE,
        realtime: bool = False,
        parent=None,
        consumers: Sequence[FrameConsumer] = (),
    ) -> None:
        super().__init__(parent)
        self._open_source = open_source
        self._realtime = realtime
        self._consumers = tuple(consumers)
        self.live = LiveVitals(method, roi)
        self.frames = 0

    def run(self) -> None:
        try:
            source = self._open_source()
        except WorkstationError as exc:
            self.failed.emit(str(exc))
            self.stopped.emit(StopReason.FAILED)
            return
        reason = StopReason.FAILED
        try:
            with source:
                reason = self._read(source)
        except Exception as exc:
            # A fault in an analysis still ends the run visibly (the panel stops waiting),
            # and is raised on so it is not hidden.
            self.failed.emit(
                f"The capture stopped on an unexpected error ({type(exc).__name__}: {exc}). "
                "Start again; if it happens again, please report it."
            )
            raise
        finally:
            self.stopped.emit(reason)

    def _read(self, source: FrameSource) -> str:
        """Every frame to the pulse, the consumers and the preview, until the end or cancel."""
        started = time.monotonic()
        first_stamp: float | None = None
        next_preview = 0.0
        for frame in source:
            if self.isInterruptionRequested():
                return StopReason.CANCELLED
            first_stamp = frame.timestamp_s if first_stamp is None else first_stamp
            if self._realtime and not source.live:
                _wait_until(started + frame.timestamp_s - first_stamp)
            estimate = self.live.add(frame)
            for consumer in self._consumers:
                consumer.add_frame(frame)
            self.frames += 1
            if estimate is not None:
                self.estimate_ready.emit(estimate)
            if frame.timestamp_s >= next_preview:
                next_preview = frame.timestamp_s + PREVIEW_EVERY_S
                self.preview_ready.emit(self._preview(frame))
        return StopReason.END_OF_FILE

    def _preview(self, frame: Frame) -> np.ndarray:
        image = frame.image
        box = self.live.traces.boxes[-1] if self.live.traces.boxes else None
        if box is not None:
            image = image.copy()
            for x0, y0, x1, y1 in face_regions(box, image.shape).values():
                cv2.rectangle(image, (x0, y0), (x1, y1), (0, 200, 255), 2)
        scale = PREVIEW_WIDTH / image.shape[1]
        if scale < 1.0:
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _wait_until(deadline: float) -> None:
    delay = deadline - time.monotonic()
    if delay > 0:
        time.sleep(delay)
