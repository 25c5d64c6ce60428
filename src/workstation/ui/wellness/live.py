"""Live capture for the Wellness tab: one camera session (the same capture worker as video
vitals, so the pulse is measured from the same frames) and the microphone, with a readout of
the live indicators.

The camera worker hands every frame to the session's ``LiveWellness`` (a frame consumer) in
its own thread; the microphone worker feeds it sound in another. Neither keeps a frame or a
sample outside that object. The readout reads ``LiveWellness.indicators`` twice a second,
which only copies numbers the capture threads computed. Stop ends the recording and hands
the session on for the whole-session analysis; Cancel ends it and drops everything.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from workstation.app import wellness
from workstation.app.video_runs import Roi, WindowEstimate, open_camera
from workstation.ui.video.capture import StopReason
from workstation.ui.video.live import LiveVitalsWorker
from workstation.ui.video.panel import preview_pixmap

if TYPE_CHECKING:
    from workstation.ui.wellness.microphone import MicrophoneWorker

REFRESH_MS = 500
PREVIEW_SIZE = (240, 180)
PRIVACY = "Frames and sound are analysed in memory and dropped; only derived numbers are kept."
BAD = "#a3290b"
GOOD = "#1d6b2f"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def _verdict(indicator: wellness.Indicator) -> str:
    if indicator.measurable:
        return f"<span style='color:{GOOD}'>measurable</span>"
    return f"<span style='color:{BAD}'>not measurable: {indicator.reason}</span>"


def readout_html(
    state: wellness.LiveIndicators,
    pulse: WindowEstimate | None,
    microphone: str,
) -> str:
    """The live readout: each modality's figures over the last seconds and its verdict."""
    face_span = f"last {wellness.FACE_SPAN_S:.0f} s"
    voice_span = f"last {wellness.VOICE_SPAN_S:.0f} s"
    lines = []
    face = state.face
    if face is None:
        lines.append("<b>Face</b>: waiting for the camera…")
    else:
        lines.append(
            f"<b>Face</b> ({face_span}): found {_percent(face.checks.get('face_found_fraction'))}, "
            f"frontal {_percent(face.checks.get('frontal_fraction'))} · {_verdict(face)}"
        )
    voice = state.voice
    if microphone:
        lines.append(f"<b>Voice</b>: <span style='color:{BAD}'>not measurable: {microphone}</span>")
    elif voice is None:
        lines.append("<b>Voice</b>: waiting for the microphone…")
    else:
        snr = voice.checks.get("snr_db")
        lines.append(
            f"<b>Voice</b> ({voice_span}): speech {_percent(voice.checks.get('speech_fraction'))}, "
            f"SNR {'-' if snr is None else f'{snr:.0f} dB'} · {_verdict(voice)}"
        )
    if pulse is None:
        lines.append("<b>Pulse (camera)</b>: collecting the first window…")
    elif pulse.measurable:
        lines.append(
            f"<b>Pulse (camera)</b>: {pulse.bpm:.0f} bpm, SNR {pulse.snr_db:.1f} dB · "
            f"<span style='color:{GOOD}'>measurable</span>"
        )
    else:
        lines.append(
            f"<b>Pulse (camera)</b>: <span style='color:{BAD}'>not measurable "
            f"(SNR {pulse.snr_db:.1f} dB)</span>"
        )
    minutes, seconds = divmod(int(state.elapsed_s), 60)
    lines.append(
        f"Recording {minutes}:{seconds:02d} · {state.frames_received} frames · "
        f"{state.audio_s:.1f} s of sound. {PRIVACY}"
    )
    return "<br>".join(lines)


class LiveCapture(QGroupBox):
    """Start / Stop / Cancel of a live session and its readout; ``finished`` carries a
    stopped session (``LiveWellness``, the camera's name, why the microphone gave nothing)."""

    finished = Signal(object, str, str)
    running_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.live: wellness.LiveWellness | None = None
        self.camera_worker: LiveVitalsWorker | None = None
        self.microphone_worker: MicrophoneWorker | None = None
        self.pulse: WindowEstimate | None = None
        self.microphone_problem = ""
        self.camera_problem = ""
        self._ending = ""
        self._camera_name = ""
        self._running: set[object] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        self._update_controls()

    def _build(self) -> None:
        self.camera_index = QSpinBox()
        self.camera_index.setRange(0, 9)
        self.camera_index.setPrefix("camera ")
        self.use_microphone = QCheckBox("Use the microphone")
        self.use_microphone.setChecked(True)
        self.start_button = QPushButton("Start live")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End the recording and analyse the whole session")
        self.stop_button.clicked.connect(self.stop)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("End the recording and keep nothing")
        self.cancel_button.clicked.connect(self.cancel)
        self.preview = QLabel("No camera")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setStyleSheet("background:#1b2630; color:#c9d1d9; border-radius:4px;")
        self.readout = QLabel(PRIVACY)
        self.readout.setObjectName("wellnessReadout")
        self.readout.setWordWrap(True)
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop)
        controls = QHBoxLayout()
        for widget in (
            self.camera_index,
            self.use_microphone,
            self.start_button,
            self.stop_button,
            self.cancel_button,
        ):
            controls.addWidget(widget)
        controls.addStretch(1)
        grid = QGridLayout(self)
        grid.addLayout(controls, 0, 0, 1, 2)
        grid.addWidget(self.preview, 1, 0)
        grid.addWidget(self.readout, 1, 1)
        grid.setColumnStretch(1, 1)

    @property
    def is_running(self) -> bool:
        return bool(self._running)

    def _update_controls(self) -> None:
        running = self.is_running
        self.start_button.setEnabled(not running)
        self.camera_index.setEnabled(not running)
        self.use_microphone.setEnabled(not running)
        self.stop_button.setEnabled(running and not self._ending)
        self.cancel_button.setEnabled(running and not self._ending)
        self.running_changed.emit(running)

    # Control -------------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        for old in (self.camera_worker, self.microphone_worker):
            if old is not None:  # a finished run's threads
                old.wait()
                old.deleteLater()
        index = self.camera_index.value()
        self._camera_name = f"camera {index}"
        self.live = wellness.LiveWellness()
        self.pulse, self.microphone_problem, self.camera_problem, self._ending = None, "", "", ""
        camera = LiveVitalsWorker(
            partial(open_camera, index), "pos", Roi.FACE, False, self, consumers=[self.live]
        )
        camera.preview_ready.connect(self._on_preview)
        camera.estimate_ready.connect(self._on_estimate)
        camera.failed.connect(self._on_camera_failed)
        camera.stopped.connect(self._on_camera_stopped)
        self.camera_worker = camera
        self._running = {camera}
        if self.use_microphone.isChecked():
            # QtMultimedia loads on first use, not when the main window builds its menus.
            from workstation.ui.wellness.microphone import MicrophoneWorker

            microphone = MicrophoneWorker(self.live, parent=self)
            microphone.failed.connect(self._on_microphone_failed)
            microphone.stopped.connect(self._on_microphone_stopped)
            self.microphone_worker = microphone
            self._running.add(microphone)
        else:
            self.microphone_worker = None
            self.microphone_problem = "the microphone was not used in this session"
        self.preview.setText(f"Opening {self._camera_name}…")
        self.refresh()
        for worker in list(self._running):
            worker.start()
        self._timer.start()
        self._update_controls()

    @Slot()
    def stop(self) -> None:
        self._end("stop")

    @Slot()
    def cancel(self) -> None:
        self._end("cancel")

    def _end(self, how: str) -> None:
        if not self.is_running or self._ending:
            return
        self._ending = how
        if self.camera_worker is not None:
            self.camera_worker.requestInterruption()
        if self.microphone_worker is not None:
            self.microphone_worker.stop()
        self._update_controls()

    def close_workers(self) -> None:
        """Cancel and wait for both threads (the tab is closing)."""
        self._end("cancel")
        for worker in (self.camera_worker, self.microphone_worker):
            if worker is not None:
                worker.wait(10000)

    # Reports from the capture threads ------------------------------------------------------

    @Slot(object)
    def _on_preview(self, image: np.ndarray) -> None:
        self.preview.setPixmap(preview_pixmap(image, *PREVIEW_SIZE))

    @Slot(object)
    def _on_estimate(self, estimate: WindowEstimate) -> None:
        self.pulse = estimate

    @Slot(str)
    def _on_camera_failed(self, message: str) -> None:
        self.camera_problem = message
        self._end("cancel")

    @Slot(str)
    def _on_microphone_failed(self, message: str) -> None:
        self.microphone_problem = message

    @Slot(str)
    def _on_camera_stopped(self, reason: str) -> None:
        if reason == StopReason.END_OF_FILE and not self._ending:
            self._end("stop")  # the camera stopped delivering: end the session with it
        self._worker_done(self.camera_worker)

    @Slot(str)
    def _on_microphone_stopped(self, _reason: str) -> None:
        self._worker_done(self.microphone_worker)

    def _worker_done(self, worker: object) -> None:
        self._running.discard(worker)
        if self._running:
            return
        self._timer.stop()
        self.refresh()
        self.preview.clear()  # the last frame goes too
        self.preview.setText("Camera closed")
        live, self.live = self.live, None
        if self._ending == "cancel" or live is None:
            if live is not None:
                live.discard()
            text = self.camera_problem or "Live session cancelled: nothing was kept."
            self.readout.setText(f"<span style='color:{BAD}'>{text}</span>")
        else:
            self.readout.setText(
                self.readout.text() + "<br><b>Stopped.</b> The whole session is analysed below."
            )
            self.finished.emit(live, self._camera_name, self.microphone_problem)
        self._ending = ""
        self._update_controls()

    @Slot()
    def refresh(self) -> None:
        if self.live is None:
            return
        if self.live.over_limit() and not self._ending:
            self._end("stop")
        self.readout.setText(
            readout_html(self.live.indicators(), self.pulse, self.microphone_problem)
        )
