"""Mean skin colour per frame: the only thing kept from a video.

Each frame is reduced to the mean R, G, B of its skin region, plus what is needed to judge
the result: whether a face was found, how far the region moved, and how bright and how
uniform the picture was (a dark or covered camera). The frames themselves are dropped as
soon as they are reduced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

import cv2
import numpy as np

from workstation.rppg.frames import Frame
from workstation.rppg.options import Roi
from workstation.rppg.regions import Box, FaceTracker, face_regions, masked_sum

#: Fewer skin pixels than this in a frame's regions and the frame has no usable skin.
MIN_SKIN_PIXELS = 50


@dataclass
class Traces:
    """Per-frame measurements of one video, in frame order."""

    roi: Roi
    timestamps: list[float] = field(default_factory=list)
    rgb: list[tuple[float, float, float]] = field(default_factory=list)
    valid: list[bool] = field(default_factory=list)
    motion: list[float] = field(default_factory=list)
    luminance: list[float] = field(default_factory=list)
    contrast: list[float] = field(default_factory=list)
    boxes: list[Box | None] = field(default_factory=list)

    @property
    def n_frames(self) -> int:
        return len(self.timestamps)

    def tail(self, frames: int) -> Traces:
        """The last ``frames`` frames, so live estimates cost the same after an hour."""
        per_frame = {
            f.name: getattr(self, f.name)[-frames:] for f in fields(self) if f.name != "roi"
        }
        return Traces(self.roi, **per_frame)

    def rgb_array(self) -> np.ndarray:
        """(n_frames, 3) float64 with frames lacking skin filled by linear interpolation.

        Interpolated frames are marked with full motion, so any window that needed them is
        flagged and no rate is reported from invented samples.
        """
        rgb = np.asarray(self.rgb, dtype=np.float64).reshape(-1, 3)
        valid = np.asarray(self.valid, dtype=bool)
        if valid.any() and not valid.all():
            idx = np.arange(len(valid))
            for c in range(3):
                rgb[~valid, c] = np.interp(idx[~valid], idx[valid], rgb[valid, c])
        return rgb

    def motion_array(self) -> np.ndarray:
        motion = np.asarray(self.motion, dtype=np.float64)
        return np.where(np.asarray(self.valid, dtype=bool), motion, 1.0)


class TraceExtractor:
    """Turns frames into Traces one at a time, so live capture and files share the code."""

    def __init__(self, roi: Roi = Roi.FACE, tracker: FaceTracker | None = None) -> None:
        self.roi = Roi(roi)
        self.traces = Traces(self.roi)
        self._tracker = tracker or (FaceTracker() if self.roi is Roi.FACE else None)
        self._previous_thumbnail: np.ndarray | None = None

    def add(self, frame: Frame) -> None:
        image = frame.image
        small = cv2.resize(image, (32, 24), interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        t = self.traces
        t.timestamps.append(frame.timestamp_s)
        t.luminance.append(float(grey.mean()))
        t.contrast.append(float(grey.std()))
        if self._tracker is None:
            total = image.reshape(-1, 3).mean(axis=0, dtype=np.float64)
            t.rgb.append((float(total[2]), float(total[1]), float(total[0])))
            t.valid.append(True)
            t.motion.append(self._picture_change(grey))
            t.boxes.append(None)
            return
        box = self._tracker.update(image)
        t.boxes.append(box)
        t.motion.append(self._tracker.last_motion)
        bgr_sum, count = np.zeros(3), 0
        if box is not None:
            for rect in face_regions(box, image.shape).values():
                part, n = masked_sum(image, rect, use_mask=True)
                bgr_sum += part
                count += n
        if count >= MIN_SKIN_PIXELS:
            b, g, r = bgr_sum / count
            t.rgb.append((float(r), float(g), float(b)))
            t.valid.append(True)
        else:
            t.rgb.append((np.nan, np.nan, np.nan))
            t.valid.append(False)

    def _picture_change(self, grey: np.ndarray) -> float:
        """Mean absolute change of a 32 × 24 thumbnail relative to its brightness.

        Without a face box to follow, this is the motion measure: a pulse changes the
        brightness of all skin by about 1 %, while a camera or crop that moves changes the
        thumbnail by far more, pixel by pixel.
        """
        current = grey.astype(np.float32)
        previous, self._previous_thumbnail = self._previous_thumbnail, current
        if previous is None:
            return 0.0
        return float(np.abs(current - previous).mean() / max(float(current.mean()), 1.0))


def extract(
    frames: Iterable[Frame],
    roi: Roi = Roi.FACE,
    should_stop: Callable[[], bool] | None = None,
) -> Traces:
    """Traces of a whole frame stream (stops early when ``should_stop`` says so)."""
    extractor = TraceExtractor(roi)
    for frame in frames:
        extractor.add(frame)
        if should_stop is not None and should_stop():
            break
    return extractor.traces
