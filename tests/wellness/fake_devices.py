"""A fake webcam and a fake microphone: the only things the live wellness tests replace.

Each stands in for the device at the lowest level the program reaches, so everything above
it runs as with real hardware: the webcam replaces what ``cv2.VideoCapture(index)`` returns
(``open_camera``, the ``FrameSource``, the capture worker and its consumers are the real
ones) and plays a generated face clip in real time, looping; the microphone replaces
``open_microphone``'s ``QAudioSource`` and delivers a generated signal as 16 kHz mono 16-bit
PCM in real time, read by the worker as it reads a real source.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QIODevice, QObject, Signal
from PySide6.QtMultimedia import QAudioFormat, QtAudio

REAL_VIDEO_CAPTURE = cv2.VideoCapture


class FakeCamera:
    """A webcam filming a recorded clip, looping: like a real camera it runs on its own
    clock, so a reader that falls behind gets the current frame and misses those between
    (the pulse in the clip stays at its rate in wall-clock time)."""

    def __init__(self, clip: Path, fps: float = 30.0) -> None:
        self._clip = clip
        self._fps = fps
        self._capture = REAL_VIDEO_CAPTURE(str(clip))
        self._started = time.monotonic()
        self._shown = -1  # the clip frame last delivered, counted from the start

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def set(self, _prop: int, _value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        return self._fps if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        wanted = max(int((time.monotonic() - self._started) * self._fps), self._shown + 1)
        delay = self._started + wanted / self._fps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        while self._shown < wanted - 1:  # the frames the camera showed while nobody read
            self._advance()
        self._advance()
        return self._capture.retrieve()

    def _advance(self) -> None:
        if not self._capture.grab():
            self._capture.release()
            self._capture = REAL_VIDEO_CAPTURE(str(self._clip))
            self._capture.grab()
        self._shown += 1

    def release(self) -> None:
        self._capture.release()


def install_fake_camera(monkeypatch, clip: Path) -> None:
    """Camera indices open the fake webcam; file names still open files."""

    def video_capture(source, *args):
        if isinstance(source, int):
            return FakeCamera(clip)
        return REAL_VIDEO_CAPTURE(source, *args)

    monkeypatch.setattr(cv2, "VideoCapture", video_capture)


class _Recording(QIODevice):
    """The buffer a started source hands out: the signal's bytes become readable as time
    passes, looping, as a device's do."""

    def __init__(self, pcm: bytes, rate: int) -> None:
        super().__init__()
        self._pcm = pcm
        self._rate = rate
        self._started = time.monotonic()
        self._read = 0

    def isSequential(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def readData(self, size: int) -> bytes:  # noqa: N802
        due = int((time.monotonic() - self._started) * self._rate) * 2
        size = min(size, due - self._read)
        out = b""
        while len(out) < size:
            offset = (self._read + len(out)) % len(self._pcm)
            out += self._pcm[offset : offset + size - len(out)]
        self._read += len(out)
        return out

    def writeData(self, _data: bytes, _size: int) -> int:  # noqa: N802
        return -1


class FakeMicrophone(QObject):
    """What ``QAudioSource`` does for the worker in pull mode: ``start`` hands out a device
    from which the sound recorded so far can be read; state and error as a source reports."""

    stateChanged = Signal(object)  # noqa: N815 (Qt's name)

    def __init__(self, signal: np.ndarray, rate: int = 16000) -> None:
        super().__init__()
        self._pcm = (np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes()
        self._rate = rate
        self._device: _Recording | None = None

    def format(self) -> QAudioFormat:
        audio_format = QAudioFormat()
        audio_format.setSampleRate(self._rate)
        audio_format.setChannelCount(1)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return audio_format

    def error(self) -> QtAudio.Error:
        return QtAudio.Error.NoError

    def start(self) -> QIODevice:
        self._device = _Recording(self._pcm, self._rate)
        self._device.open(QIODevice.OpenModeFlag.ReadOnly)
        return self._device

    def stop(self) -> None:
        if self._device is not None:
            self._device.close()


def install_fake_microphone(monkeypatch, signal: np.ndarray) -> None:
    from workstation.ui.wellness import microphone

    monkeypatch.setattr(microphone, "open_microphone", lambda: FakeMicrophone(signal))
