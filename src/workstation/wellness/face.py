"""Face presence, frontality and expression probabilities per analysed frame.

Detection uses OpenCV's bundled Haar cascades (they ship inside opencv-python-headless,
Intel/BSD licence), the frontal one to find a face and judge it frontal, the profile one
(both ways) to tell a turned face from no face; this avoids converting MediaPipe's detector.
Expressions come from the shipped ``face-emotion`` model (fer 25.10.3, experimental,
unvalidated here) through ``inference.registry``; without it the face part still reports
presence and frontality and says "model not installed". Frames are analysed at up to 10 per
second and dropped at once: only the numbers per frame are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from workstation.errors import ModelError, ModelMissing
from workstation.wellness.observation import ModalityResult, Quality, not_measurable

MODEL = "face-emotion"
CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
NEGATIVE = ("angry", "disgust", "fear", "sad")
ANALYSIS_FPS = 10.0
DETECT_WIDTH = 320
MIN_FACE_FRACTION = 0.2
MIN_FOUND = 0.5
MIN_FRONTAL = 0.5
WINDOW_S = 5.0

UNITS = {
    "face_found_fraction": "fraction",
    "frontal_fraction": "fraction",
    "negative_affect": "probability",
    "positive_affect": "probability",
    "neutral": "probability",
    "expression_variability": "SD of probability",
}


@dataclass
class FaceFrame:
    """What is kept of one frame."""

    t: float
    found: bool
    frontal: bool
    size: float
    probabilities: np.ndarray | None = None


@dataclass
class FaceAnalyser:
    """Analyses frames one at a time (file or live) and keeps only per-frame numbers."""

    use_model: bool = True
    frames: list[FaceFrame] = field(default_factory=list)
    model_status: str = "not loaded"

    def __post_init__(self) -> None:
        folder = cv2.data.haarcascades
        self._frontal = cv2.CascadeClassifier(folder + "haarcascade_frontalface_default.xml")
        self._profile = cv2.CascadeClassifier(folder + "haarcascade_profileface.xml")
        self._model = None
        self._next_t = 0.0
        self._mirror = False
        if self.use_model:
            try:
                from workstation.inference.registry import load_model

                self._model = load_model(MODEL, prefer_gpu=False)
                card = self._model.card
                self.model_status = (
                    f"{MODEL} {card.get('version')} ({card.get('status', 'experimental')}, "
                    + ("validated here" if card.get("validated_here") else "unvalidated here")
                    + ")"
                )
            except ModelMissing:
                self.model_status = "model not installed: expressions not measured"
            except ModelError as error:  # e.g. a file that differs from its card
                self.model_status = f"expressions not measured: {error}"
        else:
            self.model_status = "expressions not asked for"

    def add(self, t: float, bgr: np.ndarray) -> FaceFrame | None:
        """Analyse a frame if it is due (10 per second); the frame is not kept."""
        if t + 1e-9 < self._next_t:
            return None
        self._next_t = t + 1.0 / ANALYSIS_FPS
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
        scale = DETECT_WIDTH / grey.shape[1]
        small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        small = cv2.equalizeHist(small)
        min_side = int(MIN_FACE_FRACTION * small.shape[0])
        faces = self._frontal.detectMultiScale(small, 1.2, 5, minSize=(min_side, min_side))
        frame = FaceFrame(t, False, False, 0.0)
        if len(faces):
            x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
            frame = FaceFrame(t, True, True, h / small.shape[0])
            if self._model is not None:
                frame.probabilities = self._expressions(grey, np.array([x, y, w, h]) / scale)
        else:
            # The profile cascade looks one way; it is run on the frame or its mirror image in
            # turn, since a turned head stays turned for longer than one tenth of a second.
            # This keeps a face-free scene within the live CPU budget (benchmarks/wellness_live.py).
            self._mirror = not self._mirror
            view = cv2.flip(small, 1) if self._mirror else small
            turned = self._profile.detectMultiScale(view, 1.2, 5, minSize=(min_side, min_side))
            if len(turned):
                frame = FaceFrame(t, True, False, max(f[3] for f in turned) / small.shape[0])
        self.frames.append(frame)
        return frame

    def _expressions(self, grey: np.ndarray, box: np.ndarray) -> np.ndarray:
        """The fer preprocessing: box widened by 10 px, 64x64 grey, scaled to [-1, 1]."""
        x, y, w, h = (int(round(v)) for v in box)
        crop = grey[max(y - 10, 0) : y + h + 10, max(x - 10, 0) : x + w + 10]
        face = cv2.resize(crop, (64, 64)).astype(np.float32)
        face = ((face / 255.0 - 0.5) * 2.0)[None, None]
        assert self._model is not None
        session = self._model.session
        return session.run(None, {session.get_inputs()[0].name: face})[0][0]

    def result(self) -> ModalityResult:
        return summarise(self.frames, self.model_status)


def analyse_frames(
    frames: Iterable[tuple[float, np.ndarray]], use_model: bool = True
) -> ModalityResult:
    """Whole clip: ``frames`` yields (time s, BGR image)."""
    analyser = FaceAnalyser(use_model)
    for t, image in frames:
        analyser.add(t, image)
    return analyser.result()


def summarise(frames: list[FaceFrame], model_status: str) -> ModalityResult:
    """Quality (found, frontal, size) and, when it passes, expression features."""
    notes = (f"expression model: {model_status}",)
    if not frames:
        return not_measurable("face", "no video frames were analysed", {}, UNITS)
    found = np.array([f.found for f in frames])
    frontal = np.array([f.frontal for f in frames])
    sizes = np.array([f.size for f in frames if f.found])
    checks = {
        "frames_analysed": float(len(frames)),
        "face_found_fraction": float(found.mean()),
        "frontal_fraction": float(frontal.mean()),
        "median_face_height": float(np.median(sizes)) if len(sizes) else 0.0,
    }
    if found.mean() < MIN_FOUND:
        reason = f"a face was found in only {100 * found.mean():.0f} % of frames"
        return ModalityResult("face", Quality(False, checks, reason), {}, UNITS, notes=notes)
    if frontal.mean() < MIN_FRONTAL:
        reason = f"the face was frontal in only {100 * frontal.mean():.0f} % of frames"
        return ModalityResult("face", Quality(False, checks, reason), {}, UNITS, notes=notes)
    features = {
        "face_found_fraction": checks["face_found_fraction"],
        "frontal_fraction": checks["frontal_fraction"],
    }
    times = np.array([f.t for f in frames])
    probs = np.array(
        [
            f.probabilities if f.probabilities is not None else np.full(len(CLASSES), np.nan)
            for f in frames
        ]
    )
    neg_idx = [CLASSES.index(c) for c in NEGATIVE]
    negative = probs[:, neg_idx].sum(axis=1)
    positive = probs[:, CLASSES.index("happy")]
    neutral = probs[:, CLASSES.index("neutral")]
    measured = np.isfinite(negative)
    if measured.any():
        features.update(
            negative_affect=float(np.mean(negative[measured])),
            positive_affect=float(np.mean(positive[measured])),
            neutral=float(np.mean(neutral[measured])),
            expression_variability=float(np.mean(np.std(probs[measured], axis=0))),
        )
    edges = np.arange(0.0, times[-1] + 1e-9, WINDOW_S)
    series: dict[str, list[float]] = {
        "face_found": [],
        "frontal": [],
        "negative_affect": [],
        "positive_affect": [],
    }
    for start in edges:
        inside = (times >= start) & (times < start + WINDOW_S)
        series["face_found"].append(float(found[inside].mean()) if inside.any() else np.nan)
        series["frontal"].append(float(frontal[inside].mean()) if inside.any() else np.nan)
        ok = inside & measured & frontal
        series["negative_affect"].append(float(negative[ok].mean()) if ok.any() else np.nan)
        series["positive_affect"].append(float(positive[ok].mean()) if ok.any() else np.nan)
    return ModalityResult(
        "face",
        Quality(True, checks),
        features,
        UNITS,
        edges + WINDOW_S / 2,
        {k: np.array(v, dtype=float) for k, v in series.items()},
        notes,
    )


def analyse_video(path: str | Path, use_model: bool = True) -> ModalityResult:
    """A video file through the same frame reader as video vitals (frames never stored)."""
    from workstation.rppg.frames import open_video

    with open_video(path) as source:
        return analyse_frames(((f.timestamp_s, f.image) for f in source), use_model)
