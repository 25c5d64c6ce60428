"""Face clips with a known pulse, for tests and benchmarks (no webcam, no patient video).

A real photograph of a face (scikit-image's public-domain "astronaut", a development
dependency; its "coffee" photograph stands in for a scene without a face) is placed in a
frame; its skin pixels are modulated by a pulse with the
blood-volume signature of skin (relative amplitudes R 0.33, G 0.77, B 0.53; de Haan & van
Leest, Physiol. Meas. 2014), under a slowly drifting light, with a small head movement and
sensor noise. The clip is written losslessly (FFV1) so the codec adds no error of its own.
By default the pulse is a metronome (every interval equal), so any HRV read from it is
timing error; ``rmssd_ms`` makes the intervals vary by a known amount instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from workstation.rppg.regions import skin_mask

PBV = np.array([0.53, 0.77, 0.33])  # B, G, R order of OpenCV images


@dataclass(frozen=True)
class ClipSpec:
    bpm: float = 72.0
    seconds: float = 20.0
    fps: float = 30.0
    width: int = 640
    height: int = 480
    pulse_amplitude: float = 0.006
    light_drift: float = 0.03
    motion_px: float = 2.0
    noise_sd: float = 2.0
    seed: int = 0
    content: str = "face"  # "face", "scene" (a photograph without a face) or "blank"
    brightness: float = 1.0
    #: Beat-to-beat variability: intervals vary at random with this RMSSD (0: a metronome).
    rmssd_ms: float = 0.0


def _face_canvas(spec: ClipSpec) -> tuple[np.ndarray, np.ndarray]:
    from skimage import data

    canvas = np.full((spec.height, spec.width, 3), (120, 110, 100), dtype=np.float32)
    if spec.content == "blank":
        return canvas, np.zeros(canvas.shape[:2], dtype=bool)
    if spec.content == "scene":
        scene = cv2.resize(
            data.coffee()[:, :, ::-1], (spec.width, spec.height), interpolation=cv2.INTER_AREA
        )
        return scene.astype(np.float32), np.zeros(canvas.shape[:2], dtype=bool)
    face = data.astronaut()[25:215, 125:325, ::-1]  # head and a little background, BGR
    scale = 0.9 * spec.height / face.shape[0]
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    y0 = (spec.height - face.shape[0]) // 2
    x0 = (spec.width - face.shape[1]) // 2
    canvas[y0 : y0 + face.shape[0], x0 : x0 + face.shape[1]] = face
    skin = np.zeros(canvas.shape[:2], dtype=bool)
    skin[y0 : y0 + face.shape[0], x0 : x0 + face.shape[1]] = skin_mask(face) > 0
    return canvas, skin


def pulse_wave(t: np.ndarray, bpm: float, beats_s: np.ndarray | None = None) -> np.ndarray:
    """A PPG-like wave. Without ``beats_s``: a fundamental plus a weaker second harmonic
    (dicrotic shape) at a constant rate. With them: one systolic and one dicrotic bump per
    beat time, so a longer interval lengthens the diastole, as in a real heart."""
    if beats_s is None:
        phase = 2 * np.pi * bpm / 60.0 * t
        return np.sin(phase) + 0.3 * np.sin(2 * phase + 0.8)
    lag = t[:, None] - np.asarray(beats_s)[None, :]
    wave = np.exp(-0.5 * (lag / 0.09) ** 2) + 0.35 * np.exp(-0.5 * ((lag - 0.3) / 0.1) ** 2)
    wave = wave.sum(axis=1)
    return 2.0 * (wave - wave.mean())


def beat_times(spec: ClipSpec) -> np.ndarray:
    """The clip's beat times (s): constant intervals, or intervals with RMSSD ``rmssd_ms``
    (independent steps of SD rmssd/√2 around the mean interval)."""
    mean = 60.0 / spec.bpm
    n = int(spec.seconds / mean) + 3
    rng = np.random.default_rng(spec.seed + 1000)
    steps = rng.normal(0.0, spec.rmssd_ms / 1000.0 / np.sqrt(2.0), n)
    return np.concatenate([[-mean], np.cumsum(mean + steps) - mean])


def write_clip(path: Path, spec: ClipSpec = ClipSpec()) -> Path:
    """Write a synthetic face clip and return its path."""
    rng = np.random.default_rng(spec.seed)
    canvas, skin = _face_canvas(spec)
    n = int(round(spec.seconds * spec.fps))
    t = np.arange(n) / spec.fps
    beats = beat_times(spec) if spec.rmssd_ms > 0 else None
    wave = pulse_wave(t, spec.bpm, beats) * spec.pulse_amplitude
    light = spec.brightness * (1 + spec.light_drift * np.sin(2 * np.pi * 0.07 * t + 1.0))
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*"FFV1"), spec.fps, (spec.width, spec.height)
    )
    if not writer.isOpened():
        raise OSError(f"cannot write {path}")
    skin3 = skin[:, :, None]
    for i in range(n):
        frame = canvas * np.where(skin3, 1 + wave[i] * PBV, 1.0) * light[i]
        shift = np.float32(
            [
                [1, 0, spec.motion_px * np.sin(2 * np.pi * 0.2 * t[i])],
                [0, 1, 0.5 * spec.motion_px * np.sin(2 * np.pi * 0.13 * t[i])],
            ]
        )
        frame = cv2.warpAffine(
            frame, shift, (spec.width, spec.height), borderMode=cv2.BORDER_REPLICATE
        )
        frame += rng.normal(0, spec.noise_sd, frame.shape).astype(np.float32)
        writer.write(np.clip(frame, 0, 255).astype(np.uint8))
    writer.release()
    return path
