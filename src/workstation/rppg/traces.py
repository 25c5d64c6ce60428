"""Mean skin colour per frame: the only thing kept from a video.

Each frame is reduced to the mean R, G, B of its skin region, plus what is needed to judge
the result: whether a face was found, how far the region moved (relative and in pixels),
how bright and how uniform the picture was (a dark or covered camera), how many pixels were
averaged (the quantisation floor of the mean), and whether the frame repeats an earlier one
(a still picture, a frozen or a looped clip: a living face is never twice the same to the
last bit, and a pulse cannot be read from copies). The frames themselves are dropped as soon
as they are reduced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

import cv2
import numpy as np

from workstation.rppg.frames import Frame
from workstation.rppg.options import Roi
from workstation.rppg.regions import Box, FaceTracker, face_regions, masked_sum

#: Fewer skin pixels than this in a frame's regions and the frame has no usable skin.
MIN_SKIN_PIXELS = 50
#: A frame whose picture differs from the previous one by less than this mean absolute grey
#: level (on every 4th pixel) is a copy: camera noise alone moves a pixel by a level or more,
#: an encoder's re-quantisation of an unchanged picture by a few hundredths.
NEAR_COPY_LEVELS = 0.05
#: Every how many pixels (both ways) the picture is sampled for the repeat check.
_REPEAT_STRIDE = 4


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
    repeats: list[bool] = field(default_factory=list)
    pixels: list[int] = field(default_factory=list)
    shift_px: list[float] = field(default_factory=list)

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

    def repeated_fraction(self) -> float:
        """Fraction of frames that copy an earlier frame (0 when not recorded)."""
        return float(np.mean(self.repeats)) if self.repeats else 0.0

    def quantum(self) -> float:
        """RMS quantisation noise of the per-frame mean colour, in grey levels."""
        counts = [n for n in self.pixels if n > 0]
        return float(1.0 / np.sqrt(12.0 * np.median(counts))) if counts else 0.0

    def median_shift_px(self) -> float:
        return float(np.median(self.shift_px)) if self.shift_px else 0.0


class TraceExtractor:
    """Turns frames into Traces one at a time, so live capture and files share the code."""

    def __init__(self, roi: Roi = Roi.FACE, tracker: FaceTracker | None = None) -> None:
        self.roi = Roi(roi)
        self.traces = Traces(self.roi)
        self._tracker = tracker or (FaceTracker() if self.roi is Roi.FACE else None)
        self._previous_thumbnail: np.ndarray | None = None
        self._previous_sample: np.ndarray | None = None
        self._previous_centre: tuple[float, float] | None = None
        self._previous_shift_grey: np.ndarray | None = None
        self._seen: set[bytes] = set()

    def add(self, frame: Frame) -> None:
        image = frame.image
        small = cv2.resize(image, (32, 24), interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        t = self.traces
        t.timestamps.append(frame.timestamp_s)
        t.luminance.append(float(grey.mean()))
        t.contrast.append(float(grey.std()))
        t.repeats.append(self._repeats(image))
        if self._tracker is None:
            total = image.reshape(-1, 3).mean(axis=0, dtype=np.float64)
            t.rgb.append((float(total[2]), float(total[1]), float(total[0])))
            t.valid.append(True)
            t.motion.append(self._picture_change(grey))
            t.shift_px.append(self._picture_shift(image))
            t.boxes.append(None)
            t.pixels.append(image.shape[0] * image.shape[1])
            return
        box = self._tracker.update(image)
        t.boxes.append(box)
        t.motion.append(self._tracker.last_motion)
        t.shift_px.append(self._box_shift(box))
        bgr_sum, count = np.zeros(3), 0
        if box is not None:
            for rect in face_regions(box, image.shape).values():
                part, n = masked_sum(image, rect, use_mask=True)
                bgr_sum += part
                count += n
        t.pixels.append(count)
        if count >= MIN_SKIN_PIXELS:
            b, g, r = bgr_sum / count
            t.rgb.append((float(r), float(g), float(b)))
            t.valid.append(True)
        else:
            t.rgb.append((np.nan, np.nan, np.nan))
            t.valid.append(False)

    def _repeats(self, image: np.ndarray) -> bool:
        """Whether the frame is a bit-exact copy of any earlier frame or a near-copy of the
        previous one (on every 4th pixel, which any real change or camera noise reaches)."""
        sample = np.ascontiguousarray(image[::_REPEAT_STRIDE, ::_REPEAT_STRIDE])
        digest = hashlib.blake2b(sample.data, digest_size=16).digest()
        exact = digest in self._seen
        self._seen.add(digest)
        previous, self._previous_sample = self._previous_sample, sample
        if exact or previous is None or previous.shape != sample.shape:
            return exact
        return float(cv2.absdiff(sample, previous).mean()) < NEAR_COPY_LEVELS

    def _picture_shift(self, image: np.ndarray) -> float:
        """How far the whole picture moved since the previous frame, in its own pixels
        (phase correlation of a 64-pixel-wide grey copy, scaled back)."""
        width = 64
        scale = image.shape[1] / width
        height = max(8, int(round(image.shape[0] / scale)))
        grey = cv2.cvtColor(
            cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY
        ).astype(np.float32)
        previous, self._previous_shift_grey = self._previous_shift_grey, grey
        if previous is None:
            return 0.0
        (dx, dy), _ = cv2.phaseCorrelate(previous, grey)
        return float(np.hypot(dx, dy) * scale)

    def _box_shift(self, box: Box | None) -> float:
        """How far the face box's centre moved since the previous frame, in pixels."""
        if box is None:
            self._previous_centre = None
            return 0.0
        centre = (box.x + box.w / 2, box.y + box.h / 2)
        previous, self._previous_centre = self._previous_centre, centre
        if previous is None:
            return 0.0
        return float(np.hypot(centre[0] - previous[0], centre[1] - previous[1]))

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
