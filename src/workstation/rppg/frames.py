"""Frames from a camera or a video file, through one interface, with real timestamps.

A video file's timestamps come from its container; a camera's from the monotonic clock at
capture. Either way the measured frame rate and the number of dropped frames (gaps longer
than 1.5 nominal intervals) are known, because a pulse estimated on a wrongly assumed
frame rate is wrong by the same factor. Frames stay in memory and are never written out.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from workstation.errors import InvalidRecording

#: Frame rates outside this range mean a broken container or camera driver.
_PLAUSIBLE_FPS = (1.0, 1000.0)


@dataclass(frozen=True)
class Frame:
    index: int
    timestamp_s: float
    image: np.ndarray  # BGR, uint8, height × width × 3


@dataclass
class CaptureStats:
    """What the source really delivered, filled in while frames are read."""

    frames: int = 0
    first_s: float | None = None
    last_s: float | None = None
    dropped: int = 0
    _nominal_interval: float = field(default=0.0, repr=False)

    def add(self, timestamp_s: float) -> None:
        if self.last_s is not None and self._nominal_interval > 0:
            gap = timestamp_s - self.last_s
            if gap > 1.5 * self._nominal_interval:
                self.dropped += int(round(gap / self._nominal_interval)) - 1
        if self.first_s is None:
            self.first_s = timestamp_s
        self.last_s = timestamp_s
        self.frames += 1

    @property
    def measured_fps(self) -> float | None:
        if (
            self.frames < 2
            or self.first_s is None
            or self.last_s is None
            or self.last_s <= self.first_s
        ):
            return None
        return (self.frames - 1) / (self.last_s - self.first_s)


class FrameSource:
    """A stream of frames; iterate it, then read ``stats``. Close it (or use ``with``)."""

    def __init__(self, capture: cv2.VideoCapture, name: str, live: bool) -> None:
        self._capture = capture
        self.name = name
        self.live = live
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.nominal_fps = fps if _PLAUSIBLE_FPS[0] <= fps <= _PLAUSIBLE_FPS[1] else None
        self.stats = CaptureStats(
            _nominal_interval=1.0 / self.nominal_fps if self.nominal_fps else 0.0
        )

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._capture.release()

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                return
            timestamp = self._timestamp(index)
            self.stats.add(timestamp)
            yield Frame(index, timestamp, image)
            index += 1

    def _timestamp(self, index: int) -> float:
        if self.live:
            return time.monotonic()
        position_ms = self._capture.get(cv2.CAP_PROP_POS_MSEC)
        if self.nominal_fps and (position_ms is None or position_ms <= 0) and index > 0:
            return index / self.nominal_fps
        if position_ms and position_ms > 0:
            return position_ms / 1000.0
        return index / self.nominal_fps if self.nominal_fps else float(index)


def open_video(path: str | Path) -> FrameSource:
    """A video file as a frame source, or InvalidRecording saying why it cannot be played."""
    path = Path(path)
    if not path.is_file():
        raise InvalidRecording(
            path, "the video file does not exist.", "Check the name and the folder."
        )
    if path.stat().st_size == 0:
        raise InvalidRecording(path, "the video file is empty (0 bytes).")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise InvalidRecording(
            path,
            "the video cannot be opened: it is damaged or in a codec this computer cannot decode.",
            "Export it again as MP4 (H.264) or AVI (MJPEG).",
        )
    source = FrameSource(capture, path.name, live=False)
    if source.nominal_fps is None:
        source.close()
        raise InvalidRecording(path, "the video states no plausible frame rate.")
    return source


def open_camera(index: int = 0, width: int = 640, height: int = 480) -> FrameSource:
    """A webcam as a frame source; the caller stops it by closing the source."""
    capture = cv2.VideoCapture(index)
    if not capture.isOpened():
        capture.release()
        raise InvalidRecording(
            f"camera {index}",
            "the camera cannot be opened.",
            "Check that a camera is connected and that no other program is using it.",
        )
    capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return FrameSource(capture, f"camera {index}", live=True)
