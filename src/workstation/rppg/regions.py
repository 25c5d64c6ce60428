"""Where the skin is: a tracked face box, forehead and cheek regions, and a skin mask.

The face detector is OpenCV's frontal-face Haar cascade, whose file ships inside the
opencv-python-headless 4.x wheel (the 5.0 wheels ship none), so nothing is downloaded. It
runs on a reduced grey image every few frames; between detections the box follows optical
flow, and successive detections are smoothed, so the regions do not jitter with the
detector's noise (jitter of the region is the largest error source of rPPG on small skin
patches). The
forehead and cheeks are placed from the box in proportions of the face, and only pixels
inside the skin colour range of Chai & Ngan (IEEE TCSVT 1999; YCrCb Cr 133–173, Cb 77–127)
are averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

DETECT_WIDTH = 320
DETECT_EVERY = 10
#: Weight of a new detection in the smoothed box; a jump larger than RESET_JUMP (fraction
#: of the box width) is a new face position and replaces the box outright.
SMOOTHING = 0.3
RESET_JUMP = 0.5
#: Regions as (left, top, right, bottom) fractions of the face box.
FACE_REGIONS = {
    "forehead": (0.30, 0.06, 0.70, 0.20),
    "left_cheek": (0.15, 0.55, 0.38, 0.75),
    "right_cheek": (0.62, 0.55, 0.85, 0.75),
}
SKIN_CR = (133, 173)
SKIN_CB = (77, 127)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def part(self, fractions: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        left, top, right, bottom = fractions
        return (
            int(self.x + left * self.w),
            int(self.y + top * self.h),
            int(self.x + right * self.w),
            int(self.y + bottom * self.h),
        )


def _cascade() -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
    classifier = cv2.CascadeClassifier(str(path))
    if classifier.empty():
        raise RuntimeError(f"the face model {path} is missing from the OpenCV installation")
    return classifier


class FaceTracker:
    """Detects the largest face every few frames and follows it in between.

    Between detections the box moves with the median optical flow (Lucas-Kanade) of corner
    points inside it, so a head that turns or slides is followed frame by frame and the
    per-frame movement is known: it feeds the motion part of the quality index. A new
    detection is blended into the followed box unless it jumped (a different face position).
    """

    def __init__(self, detect_every: int = DETECT_EVERY) -> None:
        self._cascade = _cascade()
        self._detect_every = max(1, detect_every)
        self._count = 0
        self._grey: np.ndarray | None = None
        self._points: np.ndarray | None = None
        self._scale = 1.0
        self.box: Box | None = None
        self.last_motion = 0.0

    def update(self, image: np.ndarray) -> Box | None:
        """The face box for this frame; ``last_motion`` is its shift relative to its width."""
        self._scale = min(1.0, DETECT_WIDTH / image.shape[1])
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if self._scale < 1.0:
            grey = cv2.resize(
                grey, None, fx=self._scale, fy=self._scale, interpolation=cv2.INTER_AREA
            )
        self.last_motion = self._follow(grey)
        if self._count % self._detect_every == 0:
            found = self._detect(grey)
            if found is None:
                self.box = None
            elif self.box is None:
                self.box = found
            else:
                self.last_motion = max(self.last_motion, self._blend(found))
            self._points = self._corners(grey)
        self._grey = grey
        self._count += 1
        return self.box

    def _follow(self, grey: np.ndarray) -> float:
        if self.box is None or self._grey is None or self._points is None or len(self._points) < 4:
            return 0.0
        moved, status, _ = cv2.calcOpticalFlowPyrLK(
            self._grey, grey, self._points, None, winSize=(15, 15), maxLevel=2
        )
        ok = status.reshape(-1) == 1
        if ok.sum() < 4:
            return 0.0
        dx, dy = np.median((moved - self._points).reshape(-1, 2)[ok], axis=0) / self._scale
        self._points = moved[ok].reshape(-1, 1, 2)
        old = self.box
        self.box = Box(old.x + dx, old.y + dy, old.w, old.h)
        return float(np.hypot(dx, dy) / max(old.w, 1.0))

    def _corners(self, grey: np.ndarray) -> np.ndarray | None:
        if self.box is None:
            return None
        mask = np.zeros_like(grey)
        x0, y0, x1, y1 = (int(v * self._scale) for v in self.box.part((0.15, 0.1, 0.85, 0.9)))
        mask[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 255
        return cv2.goodFeaturesToTrack(
            grey, maxCorners=40, qualityLevel=0.01, minDistance=4, mask=mask
        )

    def _blend(self, found: Box) -> float:
        old = self.box
        shift = float(np.hypot(found.x - old.x, found.y - old.y) / max(old.w, 1.0))
        if shift > RESET_JUMP:
            self.box = found
        else:
            a = SMOOTHING
            self.box = Box(
                *(
                    a * n + (1 - a) * o
                    for n, o in zip(
                        (found.x, found.y, found.w, found.h),
                        (old.x, old.y, old.w, old.h),
                        strict=True,
                    )
                )
            )
        return shift

    def _detect(self, grey: np.ndarray) -> Box | None:
        """The largest face, searched near the followed box first (a few times cheaper than
        scanning the whole frame at every scale), and in the whole frame when that fails."""
        if self.box is not None:
            found = self._detect_near(grey, self.box)
            if found is not None:
                return found
        min_side = max(24, int(0.12 * grey.shape[1]))
        return self._largest(grey, (0, 0), (min_side, min_side), None)

    def _detect_near(self, grey: np.ndarray, box: Box) -> Box | None:
        s = self._scale
        margin = 0.5 * box.w * s
        x0, y0 = int(max(0, box.x * s - margin)), int(max(0, box.y * s - margin))
        x1 = int(min(grey.shape[1], (box.x + box.w) * s + margin))
        y1 = int(min(grey.shape[0], (box.y + box.h) * s + margin))
        side = box.w * s
        smallest, largest = max(24, int(0.7 * side)), int(1.4 * side) + 1
        if x1 - x0 < smallest or y1 - y0 < smallest:
            return None
        return self._largest(grey[y0:y1, x0:x1], (x0, y0), (smallest, smallest), (largest, largest))

    def _largest(
        self,
        grey: np.ndarray,
        offset: tuple[int, int],
        min_size: tuple[int, int],
        max_size: tuple[int, int] | None,
    ) -> Box | None:
        equalised = cv2.equalizeHist(grey)
        faces = self._cascade.detectMultiScale(
            equalised,
            scaleFactor=1.15,
            minNeighbors=5,
            minSize=min_size,
            maxSize=max_size or (0, 0),
        )
        if len(faces) == 0:
            return None
        x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
        s = self._scale
        return Box(
            float((x + offset[0]) / s), float((y + offset[1]) / s), float(w / s), float(h / s)
        )


def skin_mask(bgr: np.ndarray) -> np.ndarray:
    ycrcb = cv2.cvtColor(bgr, cv2.COLOR_BGR2YCrCb)
    return cv2.inRange(ycrcb, (0, SKIN_CR[0], SKIN_CB[0]), (255, SKIN_CR[1], SKIN_CB[1]))


def face_regions(box: Box, shape: tuple[int, ...]) -> dict[str, tuple[int, int, int, int]]:
    """Pixel rectangles (x0, y0, x1, y1) of the forehead and cheeks, clipped to the image."""
    height, width = shape[:2]
    regions = {}
    for name, fractions in FACE_REGIONS.items():
        x0, y0, x1, y1 = box.part(fractions)
        regions[name] = (max(0, x0), max(0, y0), min(width, x1), min(height, y1))
    return regions


def masked_sum(
    image: np.ndarray, rect: tuple[int, int, int, int], use_mask: bool
) -> tuple[np.ndarray, int]:
    """Sum of B, G, R over the skin pixels of a rectangle, and their count."""
    x0, y0, x1, y1 = rect
    patch = image[y0:y1, x0:x1]
    if patch.size == 0:
        return np.zeros(3), 0
    if not use_mask:
        return patch.reshape(-1, 3).sum(axis=0, dtype=np.float64), patch.shape[0] * patch.shape[1]
    mask = skin_mask(patch)
    count = int(cv2.countNonZero(mask))
    if count == 0:
        return np.zeros(3), 0
    mean = cv2.mean(patch, mask=mask)[:3]
    return np.asarray(mean, dtype=np.float64) * count, count
