"""Generated signals with known properties for the wellness tests and benchmark."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from scipy.io import wavfile

FS = 16000


def vowel(
    f0: float, jitter: float, shimmer: float, seconds: float, seed: int = 0
) -> tuple[np.ndarray, float, float]:
    """A synthetic vowel: one decaying 700 Hz formant ring per glottal cycle, periods and
    amplitudes perturbed at random. Returns the signal and its true local jitter and
    shimmer (%) as Praat defines them, from the periods and amplitudes actually drawn."""
    rng = np.random.default_rng(seed)
    periods, amps, total = [], [], 0.0
    while total < seconds:
        periods.append((1 / f0) * (1 + rng.normal(0, jitter / 1.128)))
        amps.append(1 + rng.normal(0, shimmer / 1.128))
        total += periods[-1]
    x = np.zeros(int(seconds * FS) + FS // 10)
    start = 0.0
    for period, amp in zip(periods, amps, strict=True):
        i0 = int(np.ceil(start * FS))
        idx = np.arange(i0, min(i0 + int(period * FS) + 2, len(x)))
        tau = idx / FS - start
        x[idx] += amp * np.exp(-tau / 0.001) * np.sin(2 * np.pi * 700 * tau)
        start += period
    p, a = np.array(periods), np.array(amps)
    true_jitter = 100 * np.mean(np.abs(np.diff(p))) / np.mean(p)
    true_shimmer = 100 * np.mean(np.abs(np.diff(a))) / np.mean(a)
    return 0.3 * x[: int(seconds * FS)], true_jitter, true_shimmer


def syllable_train(rate: float, seconds: float, pause_every: int = 0, seed: int = 1) -> np.ndarray:
    """Voiced 120 Hz syllables (each 45 % of its slot, raised-cosine shaped) separated by
    quiet unvoiced noise, at ``rate`` per second; optionally a 0.6 s pause every N syllables."""
    rng = np.random.default_rng(seed)
    slot = 1.0 / rate
    parts = []
    base, _, _ = vowel(120.0, 0.005, 0.02, slot * 0.45 + 0.01, seed)
    n = int(seconds * rate)
    for k in range(n):
        syl = base[: int(slot * 0.45 * FS)] * np.hanning(int(slot * 0.45 * FS))
        gap = rng.normal(0, 0.002, int(slot * FS) - len(syl))
        parts += [syl, gap]
        if pause_every and (k + 1) % pause_every == 0:
            parts.append(rng.normal(0, 0.0005, int(0.6 * FS)))
    quiet = rng.normal(0, 0.0005, FS // 2)
    return np.concatenate([quiet, *parts, quiet])


def write_wav(path: Path, x: np.ndarray, fs: int = FS) -> Path:
    wavfile.write(path, fs, (np.clip(x, -1, 1) * 32767).astype(np.int16))
    return path


def walking(
    seconds: float, cadence_hz: float, fs: float = 50.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps at ``cadence_hz``: vertical bounce of 2 m/s² on gravity, a little sway, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(0, seconds, 1 / fs)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.81 + 2.0 * np.sin(2 * np.pi * cadence_hz * t)
    acc[:, 0] = 0.5 * np.sin(np.pi * cadence_hz * t)
    acc += rng.normal(0, 0.05, acc.shape)
    gyro = 0.3 * np.column_stack(
        [np.sin(np.pi * cadence_hz * t), np.zeros_like(t), np.zeros_like(t)]
    ) + rng.normal(0, 0.01, (len(t), 3))
    return t, acc, gyro


def still(seconds: float, fs: float = 50.0, seed: int = 0, fidget: bool = False):
    """Seated still (gravity on z, sensor noise); with ``fidget``, small quick 3 Hz
    rotations of 0.4 rad/s with almost no body acceleration."""
    rng = np.random.default_rng(seed)
    t = np.arange(0, seconds, 1 / fs)
    acc = np.tile([0.0, 0.0, 9.81], (len(t), 1)) + rng.normal(0, 0.03, (len(t), 3))
    gyro = rng.normal(0, 0.01, (len(t), 3))
    if fidget:
        gyro[:, 1] += 0.55 * np.sin(2 * np.pi * 3.0 * t)
        acc[:, 0] += 0.1 * np.sin(2 * np.pi * 3.0 * t)
    return t, acc, gyro


def write_motion_csv(path: Path, t: np.ndarray, acc: np.ndarray, gyro: np.ndarray) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "ax", "ay", "az", "gx", "gy", "gz"])
        for row in np.column_stack([t, acc, gyro]):
            writer.writerow([f"{v:.5f}" for v in row])
    return path


def write_talking_video(path: Path, sound: np.ndarray | None, fs: int = FS) -> Path:
    """A video of the synthetic face (MPEG-4, 30 fps) with ``sound`` as its AAC audio
    track, or no audio track when ``sound`` is None; written with PyAV at test time."""
    from fractions import Fraction

    import av

    from workstation.rppg.synthetic import ClipSpec, _face_canvas

    canvas, _ = _face_canvas(ClipSpec(width=320, height=240))
    image = canvas.astype(np.uint8)
    seconds = 3.0 if sound is None else len(sound) / fs
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=30)
        video.width, video.height, video.pix_fmt = 320, 240, "yuv420p"
        audio = None
        if sound is not None:
            audio = out.add_stream("aac", rate=fs)
            audio.layout = "mono"
        for _ in range(int(seconds * 30)):
            out.mux(video.encode(av.VideoFrame.from_ndarray(image, format="bgr24")))
        out.mux(video.encode())
        if audio is not None and sound is not None:
            pcm = (np.clip(sound, -1, 1) * 32767).astype(np.int16)
            for start in range(0, len(pcm), 1024):
                frame = av.AudioFrame.from_ndarray(
                    pcm[None, start : start + 1024], format="s16", layout="mono"
                )
                frame.sample_rate, frame.pts, frame.time_base = fs, start, Fraction(1, fs)
                out.mux(audio.encode(frame))
            out.mux(audio.encode())
    return path
