"""The microphone of a live wellness session, recorded off the GUI thread with QtMultimedia.

Qt's ``QAudioSource`` is used because it reaches the sound system each platform really uses
(PulseAudio or PipeWire, WASAPI, Core Audio); 16 kHz mono 16-bit is asked for and the
device's own format taken when it cannot give that. The worker reads the source's buffered
bytes every 50 ms (pull mode), turns them into samples and hands them to the session's
``LiveWellness`` in memory: nothing is written out. It runs its own event loop, which the
source needs, until ``stop``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QIODevice, QObject, QThread, QTimer, Signal
from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices, QtAudio

from workstation.app.wellness import LiveWellness, decode_pcm
from workstation.errors import WellnessInputRejected, WorkstationError
from workstation.ui.video.capture import StopReason

RATE = 16000
PULL_MS = 50
SAMPLE_FORMATS = {
    QAudioFormat.SampleFormat.UInt8: "uint8",
    QAudioFormat.SampleFormat.Int16: "int16",
    QAudioFormat.SampleFormat.Int32: "int32",
    QAudioFormat.SampleFormat.Float: "float32",
}


def open_microphone() -> QAudioSource:
    """The system's default microphone, asked for 16 kHz mono 16-bit."""
    device = QMediaDevices.defaultAudioInput()
    if device.isNull():
        raise WellnessInputRejected(
            "No microphone was found.",
            "Connect a microphone and start again, or untick 'Use the microphone' to observe "
            "the face only.",
        )
    wanted = QAudioFormat()
    wanted.setSampleRate(RATE)
    wanted.setChannelCount(1)
    wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    audio_format = wanted if device.isFormatSupported(wanted) else device.preferredFormat()
    return QAudioSource(device, audio_format)


class PcmReader:
    """Whole sample frames from the bytes a sound device delivers, to the session."""

    def __init__(self, live: LiveWellness, audio_format: QAudioFormat) -> None:
        sample_format = SAMPLE_FORMATS.get(audio_format.sampleFormat())
        if sample_format is None:
            raise WellnessInputRejected(
                "The microphone delivers sound in a format this program cannot read.",
                "Choose another microphone as the system's default input.",
            )
        self._live = live
        self._format = sample_format
        self._channels = max(audio_format.channelCount(), 1)
        self._rate = float(audio_format.sampleRate())
        self._frame_bytes = max(audio_format.bytesPerFrame(), 1)
        self._pending = b""

    def drain(self, device: QIODevice) -> None:
        chunk = self._pending + device.readAll().data()
        whole = len(chunk) - len(chunk) % self._frame_bytes
        self._pending = chunk[whole:]
        if whole:
            self._live.add_audio(
                decode_pcm(chunk[:whole], self._format, self._channels), self._rate
            )


class MicrophoneWorker(QThread):
    """Records until ``stop``; reports through signals (connect them to ``@Slot`` methods)."""

    failed = Signal(str)
    stopped = Signal(str)  # a StopReason

    def __init__(
        self,
        live: LiveWellness,
        open_source: Callable[[], QAudioSource] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._live = live
        self._open_source = open_source
        self._problem: str | None = None

    def run(self) -> None:
        try:
            source = (self._open_source or open_microphone)()
            reader = PcmReader(self._live, source.format())
        except WorkstationError as error:
            self.failed.emit(str(error))
            self.stopped.emit(StopReason.FAILED)
            return
        source.stateChanged.connect(lambda _state: self._check(source))
        device = source.start()
        self._check(source)
        if device is None and self._problem is None:
            self._problem = "The microphone could not be started."
        # The sound is read every PULL_MS (pull mode: the source buffers it meanwhile); the
        # same tick notices ``stop``, which may come before the loop runs.
        tick = QTimer()
        tick.timeout.connect(lambda: self._tick(reader, device))
        tick.start(PULL_MS)
        if self._problem is None and device is not None:
            self.exec()
        tick.stop()
        if device is not None:
            reader.drain(device)
        source.stop()
        if self._problem is not None:
            self.failed.emit(self._problem)
        self.stopped.emit(StopReason.FAILED if self._problem else StopReason.CANCELLED)

    def stop(self) -> None:
        """Ask the recording to end (any thread); ``stopped`` follows."""
        self.requestInterruption()
        self.quit()

    def _tick(self, reader: PcmReader, device: QIODevice) -> None:
        reader.drain(device)
        if self.isInterruptionRequested():
            self.quit()

    def _check(self, source: QAudioSource) -> None:
        """A source that fails (opening, or unplugged mid-session) ends the recording."""
        error = source.error()
        if error in (QtAudio.Error.NoError, QtAudio.Error.UnderrunError):
            return
        self._problem = (
            "The microphone stopped delivering sound "
            f"({error.name}): it may be in use by another program or was unplugged."
        )
        self.quit()
