"""A live wellness session: camera frames and microphone sound analysed as they arrive.

The camera's frames come from the capture worker that also measures the pulse (one camera
session for both): ``add_frame`` is a ``FrameConsumer``, it runs the face analyser on the
frame in memory and keeps only its numbers. The microphone's blocks come from another thread
through ``add_audio``. While the session runs, ``indicators`` gives what the screen shows
(face found and frontal, speech present and its signal-to-noise ratio, each with its quality
verdict and "not measurable" with the reason when the verdict fails), computed by the same
checks the whole-session analysis applies, on the last few seconds only.

The sound is held in memory (float32, 64 kB a second at 16 kHz) until the session ends, so
that the voice is measured over the whole session exactly as an imported file would be; it
is never written anywhere unless the session explicitly keeps its raw media (``audio_wav``),
and ``discard`` drops it. A session is limited to ``MAX_SESSION_S``.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass

import numpy as np
from scipy.io import wavfile

from workstation.rppg.frames import Frame
from workstation.wellness.face import FaceAnalyser, FaceFrame, summarise
from workstation.wellness.observation import ModalityResult, not_measurable
from workstation.wellness.voice import UNITS as VOICE_UNITS
from workstation.wellness.voice import Audio, analyse_voice

#: Seconds of the most recent face frames the live face indicator is judged on.
FACE_SPAN_S = 5.0
#: Seconds of the most recent sound the live voice indicator is judged on: long enough for
#: the whole-session rule (2 s of speech, 10 % of the time) to hold in ordinary speech.
VOICE_SPAN_S = 10.0
#: How often the live indicators are recomputed (seconds of frames or of sound).
INDICATOR_EVERY_S = 1.0
#: Longest live session: 20 minutes of 16 kHz sound is 77 MB in memory.
MAX_SESSION_S = 20 * 60.0


@dataclass(frozen=True)
class Indicator:
    """One modality's live verdict on the last seconds: measurable, or why not."""

    measurable: bool
    checks: dict[str, float]
    reason: str = ""


@dataclass(frozen=True)
class LiveIndicators:
    """What the live readout shows; ``None`` for a modality with nothing received yet."""

    elapsed_s: float
    face: Indicator | None
    voice: Indicator | None
    frames_received: int
    audio_s: float


def decode_pcm(data: bytes, sample_format: str, channels: int) -> np.ndarray:
    """Interleaved PCM bytes from a sound device to mono samples in [-1, 1].

    ``sample_format`` is one of "int16", "int32", "uint8" and "float32", the formats sound
    devices deliver."""
    if sample_format == "float32":
        x = np.frombuffer(data, dtype="<f4").astype(np.float32)
    elif sample_format == "uint8":
        x = (np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif sample_format in ("int16", "int32"):
        kind = np.dtype("<i2" if sample_format == "int16" else "<i4")
        x = np.frombuffer(data, dtype=kind).astype(np.float32) / float(np.iinfo(kind).max)
    else:
        raise ValueError(f"unknown sample format {sample_format!r}")
    usable = len(x) - len(x) % channels
    return x[:usable].reshape(-1, channels).mean(axis=1)


class LiveWellness:
    """The analysers of one live session, fed from the camera and microphone threads."""

    def __init__(self, use_model: bool = True) -> None:
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._face = FaceAnalyser(use_model)
        self._first_frame_s: float | None = None
        self._frames_received = 0
        self._next_face_check = 0.0
        self._face_indicator: Indicator | None = None
        self._blocks: list[np.ndarray] = []
        self._samples = 0
        self._fs: float | None = None
        self._next_voice_check = 0
        self._voice_indicator: Indicator | None = None

    @property
    def model_status(self) -> str:
        return self._face.model_status

    # Feeding (capture threads) -------------------------------------------------------------

    def add_frame(self, frame: Frame) -> None:
        """A camera frame (capture thread): analysed if due, then left to be dropped."""
        if self._first_frame_s is None:
            self._first_frame_s = frame.timestamp_s
        t = frame.timestamp_s - self._first_frame_s
        analysed = self._face.add(t, frame.image)
        self._frames_received += 1
        if analysed is not None and t >= self._next_face_check:
            self._next_face_check = t + INDICATOR_EVERY_S
            recent = self._recent_face_frames(t - FACE_SPAN_S)
            result = summarise(recent, self._face.model_status)
            with self._lock:
                self._face_indicator = _indicator(result)

    def add_audio(self, samples: np.ndarray, fs: float) -> None:
        """A block of mono samples from the microphone (its own thread)."""
        block = np.asarray(samples, dtype=np.float32).reshape(-1)
        with self._lock:
            if self._fs is None:
                self._fs = float(fs)
                self._next_voice_check = int(INDICATOR_EVERY_S * fs)
            elif float(fs) != self._fs:
                raise ValueError(f"the microphone changed its rate from {self._fs} to {fs} Hz")
            self._blocks.append(block)
            self._samples += len(block)
            due = self._samples >= self._next_voice_check
            if due:
                self._next_voice_check = self._samples + int(INDICATOR_EVERY_S * self._fs)
                recent = _tail(self._blocks, int(VOICE_SPAN_S * self._fs))
        if due:
            sound = Audio(recent.astype(np.float64), self._fs, "microphone")
            result = analyse_voice(sound, checks_only=True)
            with self._lock:
                self._voice_indicator = _indicator(result)

    # Reading (any thread) ------------------------------------------------------------------

    def elapsed_s(self) -> float:
        return time.monotonic() - self._started

    def over_limit(self) -> bool:
        return self.elapsed_s() >= MAX_SESSION_S

    def indicators(self) -> LiveIndicators:
        with self._lock:
            return LiveIndicators(
                self.elapsed_s(),
                self._face_indicator,
                self._voice_indicator,
                self._frames_received,
                self._samples / self._fs if self._fs else 0.0,
            )

    def results(self) -> dict[str, ModalityResult]:
        """The whole session through the same analysers as imported files; call once the
        capture has stopped. A modality that received nothing is absent; a microphone that
        was asked for but delivered nothing is named by the caller."""
        results: dict[str, ModalityResult] = {}
        if self._face.frames:
            results["face"] = self._face.result()
        with self._lock:
            fs = self._fs
            sound = np.concatenate(self._blocks) if self._blocks else None
        if sound is not None and fs is not None:
            if len(sound) < fs:
                results["voice"] = not_measurable(
                    "voice", "the microphone delivered less than a second of sound", {}, VOICE_UNITS
                )
            else:
                results["voice"] = analyse_voice(Audio(sound.astype(np.float64), fs, "microphone"))
        return results

    def audio_wav(self) -> bytes | None:
        """The session's sound as a 16-bit WAV, built in memory, for a session that keeps
        its raw media by explicit choice; None when there is no sound."""
        with self._lock:
            if not self._blocks or self._fs is None:
                return None
            sound = np.concatenate(self._blocks)
            fs = self._fs
        buffer = io.BytesIO()
        wavfile.write(buffer, int(fs), (np.clip(sound, -1, 1) * 32767).astype(np.int16))
        return buffer.getvalue()

    def discard(self) -> None:
        """Drop the sound held in memory (after saving, or when the session is cancelled)."""
        with self._lock:
            self._blocks.clear()

    def _recent_face_frames(self, since: float) -> list[FaceFrame]:
        frames = self._face.frames
        start = len(frames)
        while start > 0 and frames[start - 1].t >= since:
            start -= 1
        return frames[start:]


def _indicator(result: ModalityResult) -> Indicator:
    return Indicator(result.quality.measurable, dict(result.quality.checks), result.quality.reason)


def _tail(blocks: list[np.ndarray], n: int) -> np.ndarray:
    """The last ``n`` samples of a list of blocks (copied; the list goes on growing)."""
    taken: list[np.ndarray] = []
    count = 0
    for block in reversed(blocks):
        taken.append(block)
        count += len(block)
        if count >= n:
            break
    return np.concatenate(taken[::-1])[-n:]
