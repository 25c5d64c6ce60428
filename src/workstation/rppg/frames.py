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
#: Fewer decoded frames than this fraction of those the container declares: damaged file.
#: (Containers round their count from the duration, so a few frames' difference is normal.)
MIN_DECODED_FRACTION = 0.9
#: The first bytes of still-image files, which OpenCV would otherwise "play" as one frame.
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"BM": "BMP",
}


def still_image_kind(path: Path) -> str | None:
    """ "PNG", "JPEG", … when the file is a still image whatever its name says, else None."""
    with path.open("rb") as file:
        head = file.read(16)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    for signature, kind in _IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


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
        declared = 0.0 if live else float(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0.0)
        #: Frames the container says it holds (0 when it does not say, or for a camera).
        self.declared_frames = int(declared) if np.isfinite(declared) and declared > 0 else 0
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

    def damage(self) -> str | None:
        """Why a fully read file is damaged (too few frames decoded), or None."""
        decoded = self.stats.frames
        if decoded == 1:
            return "the file holds a single picture, not a video."
        if self.declared_frames and decoded < MIN_DECODED_FRACTION * self.declared_frames:
            return (
                f"only {decoded} of the {self.declared_frames} frames the file declares could "
                "be decoded: it is damaged or was cut short."
            )
        return None

    def _timestamp(self, index: int) -> float:
        if self.live:
            return time.monotonic()
        position_ms = self._capture.get(cv2.CAP_PROP_POS_MSEC)
        if self.nominal_fps and (position_ms is None or position_ms <= 0) and index > 0:
            return index / self.nominal_fps
        if position_ms and position_ms > 0:
            return position_ms / 1000.0
        return index / self.nominal_fps if self.nominal_fps else float(index)


def dropped_frames(timestamps: np.ndarray) -> int:
    """Frames missing from a stream: gaps longer than 1.5 median intervals.

    A camera (or a phone's PPG export) has no trustworthy nominal rate, so the median
    interval stands in for it.
    """
    intervals = np.diff(np.asarray(timestamps, dtype=np.float64))
    if intervals.size == 0:
        return 0
    typical = float(np.median(intervals))
    if typical <= 0:
        return 0
    long_gaps = intervals[intervals > 1.5 * typical]
    return int(np.sum(np.round(long_gaps / typical) - 1))


def open_video(path: str | Path) -> FrameSource:
    """A video file as a frame source, or InvalidRecording saying why it cannot be played."""
    path = Path(path)
    if not path.is_file():
        raise InvalidRecording(
            path, "the video file does not exist.", "Check the name and the folder."
        )
    if path.stat().st_size == 0:
        raise InvalidRecording(path, "the video file is empty (0 bytes).")
    image = still_image_kind(path)
    if image is not None:
        raise InvalidRecording(
            path,
            f"this is a still image ({image}), not a video: a pulse needs a moving picture.",
            "Choose the video recording (MP4, AVI, …) instead.",
        )
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
