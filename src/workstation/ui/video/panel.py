"""Video vitals: heart rate from a face video (camera or file), live, and stored on request.

The panel only draws. Capture runs in a LiveVitalsWorker (reporting to ``@Slot`` methods
here); the end-of-run summary, the whole-file analysis and Save are use cases of
``workstation.app`` run by the panel's JobRunner. A
reopened session is shown from the vault's stored results and traces alone, through the same
``_show_results`` a fresh result uses, so what was saved is what is seen.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workstation.app.signoff import SignOffSheet, video_sign_off_sheet
from workstation.app.video_runs import (
    WINDOW_REASONS,
    WINDOW_S,
    CaptureResult,
    FrameSource,
    PulseSnippet,
    Roi,
    WindowEstimate,
    analyse_file,
    analyse_trace_file,
    open_camera,
    open_video,
    snr_threshold_db,
    summarise_run,
)
from workstation.app.video_sessions import SavedVideo, save_video_session, stored_results
from workstation.errors import SignOffRefused
from workstation.ui.jobs import JobRunner, TaskWorker
from workstation.ui.shell.signin_dialog import DISCLAIMER
from workstation.ui.video.capture import StopReason
from workstation.ui.video.live import LiveVitalsWorker
from workstation.ui.video.plots import PulsePlot, TrendPlot
from workstation.ui.video.results import METHOD_TITLES, STATUS_TITLES, result_html
from workstation.ui.workspace import Workspace
from workstation.vault import Patient, SessionStatus, Vault
from workstation.vault.sign_offs import SignOff

VIDEO_FILTER = "Videos (*.mp4 *.avi *.mov *.mkv *.m4v *.webm);;All files (*)"
TRACE_FILTER = "PPG traces (*.csv *.txt);;All files (*)"
REGIONS = {"Face (forehead and cheeks)": Roi.FACE, "Full frame": Roi.FULL_FRAME}
STORAGE_NOTE = (
    "Save stores only the derived colour traces, pulse and results. The video itself is "
    "never stored: the vault has no store for video files."
)
PENDING_RESULT = (
    "<span style='color:#55606b'>The result of the whole run (heart rate, HRV, wellness "
    "indicators) appears here when the run ends.</span>"
)
STOP_WORDS = {
    StopReason.END_OF_FILE: "End of the file.",
    StopReason.CANCELLED: "Stopped.",
}


def preview_pixmap(image: np.ndarray, width: int, height: int) -> QPixmap:
    """An RGB uint8 frame as a pixmap fitted into ``width`` × ``height``."""
    rgb = np.ascontiguousarray(image)
    rows, cols, _ = rgb.shape
    qimage = QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(qimage).scaled(
        width,
        height,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class VideoPanel(QWidget, Workspace):
    """One patient's video-vitals tab: a live run, or a stored session (``saved``)."""

    sessionSaved = Signal(int)

    def __init__(
        self,
        vault: Vault,
        patient: Patient,
        saved: SavedVideo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("videoPanel")
        self.vault = vault
        self.patient = patient
        self.opened = saved
        self.review = saved is not None  # a reopened session: shown as stored, nothing to run
        self.result: CaptureResult | None = None
        self.worker: LiveVitalsWorker | None = None
        self.last_stop_reason: str | None = None
        self._analysis: TaskWorker | None = None
        self._saving: TaskWorker | None = None
        self.video_path: Path | None = None
        self._build()
        self.jobs = JobRunner(
            self,
            self._set_status,
            self._on_task_failed,
            self.progress,
            hide_when_idle=False,
            cancelled_text="Analysis cancelled; nothing was changed.",
        )
        self.jobs.changed.connect(self._jobs_changed)
        if saved is None:
            self._set_status("Choose a camera or a video file, then Start.")
        else:
            self._show_saved(saved)
        self._update_controls()

    # Building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.pulse_plot = PulsePlot()
        self.trend_plot = TrendPlot()
        self.controls = self._controls()
        middle = QHBoxLayout()
        middle.addWidget(self.controls)
        middle.addLayout(self._preview_column(), 3)
        middle.addLayout(self._vitals_column(), 2)
        plots = QVBoxLayout()
        plots.addWidget(self.pulse_plot.widget)
        plots.addWidget(self.trend_plot.widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self._header())
        layout.addLayout(middle, 3)
        layout.addLayout(plots, 2)

    def _header(self) -> QWidget:
        p = self.patient
        self.header = QLabel(f"<b>{p.name}</b> · {p.identifier} · Video vitals (camera pulse)")
        self.header.setObjectName("sessionHeader")
        disclaimer = QLabel(DISCLAIMER)
        disclaimer.setObjectName("disclaimer")
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.header, 1)
        row.addWidget(disclaimer)
        return box

    def _controls(self) -> QWidget:
        column = QWidget()
        column.setFixedWidth(310)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._source_box())
        layout.addWidget(self._measure_box())
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        layout.addLayout(buttons)
        layout.addWidget(self._whole_file_box())
        layout.addWidget(self._save_box())
        layout.addStretch(1)
        return column

    def _source_box(self) -> QGroupBox:
        box = QGroupBox("Source")
        self.camera_radio = QRadioButton("Camera")
        self.camera_radio.setChecked(True)
        self.camera_index = QSpinBox()
        self.camera_index.setRange(0, 9)
        self.camera_index.setPrefix("index ")
        self.file_radio = QRadioButton("Video file")
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("no file chosen")
        self.browse_button = QPushButton("Video file…")
        self.browse_button.clicked.connect(self.choose_file)
        self.camera_radio.toggled.connect(self._source_changed)
        grid = QGridLayout(box)
        grid.addWidget(self.camera_radio, 0, 0)
        grid.addWidget(self.camera_index, 0, 1)
        grid.addWidget(self.file_radio, 1, 0)
        grid.addWidget(self.browse_button, 1, 1)
        grid.addWidget(self.file_edit, 2, 0, 1, 2)
        return box

    def _measure_box(self) -> QGroupBox:
        box = QGroupBox("Measurement")
        self.method_box = QComboBox()
        for key, name in METHOD_TITLES.items():
            self.method_box.addItem(name, key)
        self.region_box = QComboBox()
        for name, roi in REGIONS.items():
            self.region_box.addItem(name, roi.value)
        self.realtime_check = QCheckBox("Play a file at its recorded speed")
        self.realtime_check.setChecked(True)
        form = QFormLayout(box)
        form.addRow("Method", self.method_box)
        form.addRow("Region", self.region_box)
        form.addRow(self.realtime_check)
        return box

    def _whole_file_box(self) -> QGroupBox:
        box = QGroupBox("Whole file")
        self.analyse_button = QPushButton("Analyse whole file")
        self.analyse_button.clicked.connect(self.analyse_whole_file)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_analysis)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.trace_button = QPushButton("Open PPG trace…")
        self.trace_button.setToolTip(
            "A contact PPG trace (finger on a phone camera, pulse oximeter export) as CSV: "
            "a time column and R, G, B or one signal column"
        )
        self.trace_button.clicked.connect(self.open_trace)
        layout = QVBoxLayout(box)
        layout.addWidget(self.analyse_button)
        layout.addWidget(self.trace_button)
        layout.addLayout(row)
        return box

    def _save_box(self) -> QGroupBox:
        box = QGroupBox("Vault")
        self.save_button = QPushButton("Save to vault")
        self.save_button.clicked.connect(self.save)
        note = QLabel(STORAGE_NOTE)
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.save_button)
        layout.addWidget(note)
        return box

    def _preview_column(self) -> QVBoxLayout:
        self.preview = QLabel("No video")
        self.preview.setObjectName("videoPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(400, 300)
        self.preview.setStyleSheet("background:#1b2630; color:#c9d1d9; border-radius:4px;")
        self.status = QLabel()
        self.status.setObjectName("videoStatus")
        self.status.setWordWrap(True)
        column = QVBoxLayout()
        column.addWidget(self.preview, 1)
        column.addWidget(self.status)
        return column

    def _vitals_column(self) -> QVBoxLayout:
        title = QLabel("Heart rate")
        title.setObjectName("sectionTitle")
        self.hr_value = QLabel("—")
        self.hr_value.setStyleSheet("font-size:44pt; font-weight:600; color:#0b3d62;")
        unit = QLabel("bpm")
        unit.setStyleSheet("font-size:14pt; color:#55606b;")
        value_row = QHBoxLayout()
        value_row.addWidget(self.hr_value)
        value_row.addWidget(unit, 0, Qt.AlignmentFlag.AlignBottom)
        value_row.addStretch(1)
        self.hr_detail = QLabel("No measurement yet.")
        self.hr_detail.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.result_label.setStyleSheet(
            "background:white; border:1px solid #c9d1d9; border-radius:4px; padding:8px;"
        )
        column = QVBoxLayout()
        column.addWidget(title)
        column.addLayout(value_row)
        column.addWidget(self.hr_detail)
        column.addWidget(self.result_label, 1)
        return column

    # State ---------------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self.worker is not None

    def _update_controls(self) -> None:
        busy = self.is_running or self._analysis is not None
        has_file = self.video_path is not None
        self.controls.setVisible(not self.review)
        for widget in (self.camera_radio, self.file_radio, self.browse_button):
            widget.setEnabled(not busy)
        self.camera_index.setEnabled(not busy and self.camera_radio.isChecked())
        self.method_box.setEnabled(not busy)
        self.region_box.setEnabled(not busy)
        self.start_button.setEnabled(not busy and (self.camera_radio.isChecked() or has_file))
        self.stop_button.setEnabled(self.is_running)
        self.analyse_button.setEnabled(not busy and has_file and self.file_radio.isChecked())
        self.trace_button.setEnabled(not busy)
        self.cancel_button.setEnabled(self._analysis is not None and not self.is_running)
        unsaved = self.result is not None and self.opened is None
        self.save_button.setEnabled(unsaved and not busy and self._saving is None)

    def _set_status(self, text: str, error: bool = False) -> None:
        colour = "#a3290b" if error else "#0b3d62"
        self.status.setStyleSheet(f"font-size:11pt; font-weight:600; color:{colour};")
        self.status.setText(text)

    def _method(self) -> str:
        return str(self.method_box.currentData())

    def _roi(self) -> Roi:
        return Roi(self.region_box.currentData())

    # Source --------------------------------------------------------------------------------

    @Slot()
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a video", "", VIDEO_FILTER)
        if path:
            self.set_video_file(Path(path))

    def set_video_file(self, path: Path) -> None:
        self.video_path = path
        self.file_edit.setText(path.name)
        self.file_radio.setChecked(True)
        self._update_controls()

    @Slot(bool)
    def _source_changed(self, _camera: bool) -> None:
        self._update_controls()

    def _opener(self) -> tuple[partial[FrameSource], str, bool]:
        """How the worker opens the source, its name, and whether to pace a file."""
        if self.camera_radio.isChecked():
            index = self.camera_index.value()
            return partial(open_camera, index), f"camera {index}", False
        path = self.video_path
        return partial(open_video, path), path.name, self.realtime_check.isChecked()

    # Live run ------------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        opener, self._source_name, realtime = self._opener()
        worker = LiveVitalsWorker(opener, self._method(), self._roi(), realtime, self)
        worker.preview_ready.connect(self._on_preview)
        worker.estimate_ready.connect(self._on_estimate)
        worker.pulse_ready.connect(self._on_pulse)
        worker.condition_changed.connect(self._on_condition)
        worker.failed.connect(self._on_capture_failed)
        worker.stopped.connect(self._on_stopped)
        self.worker, self.result, self.opened, self.last_stop_reason = worker, None, None, None
        self._clear_views()
        self._set_status(f"Opening {self._source_name}…")
        worker.start()
        self._update_controls()

    @Slot()
    def stop(self) -> None:
        """Cancel the run; the worker closes the source and reports ``cancelled``."""
        if self.worker is not None:
            self.worker.requestInterruption()
            self.stop_button.setEnabled(False)
            self._set_status("Stopping…")

    def _clear_views(self) -> None:
        self.pulse_plot.clear()
        self.trend_plot.clear()
        self.result_label.setText(PENDING_RESULT)
        self.hr_value.setText("—")
        self.hr_detail.setText(f"Collecting the first {WINDOW_S:.0f}-s window…")

    @Slot(object)
    def _on_preview(self, image: np.ndarray) -> None:
        size = self.preview.size()
        self.preview.setPixmap(preview_pixmap(image, size.width(), size.height()))
        if self.status.text().startswith("Opening"):
            self._set_status("Measuring: keep the face still and evenly lit.")

    @Slot(object)
    def _on_estimate(self, estimate: WindowEstimate) -> None:
        self.trend_plot.add(estimate.time_s, estimate.bpm, estimate.measurable)
        self._show_rate(estimate)

    def _show_rate(self, estimate: WindowEstimate) -> None:
        if estimate.measurable:
            self.hr_value.setText(f"{estimate.bpm:.0f}")
            self.hr_detail.setText(
                f"SNR {estimate.snr_db:.1f} dB · last {WINDOW_S:.0f} s, "
                f"ending at {estimate.time_s:.0f} s"
            )
            return
        self.hr_value.setText("—")
        why = WINDOW_REASONS.get(estimate.reason, "the pulse did not stand out from noise")
        self.hr_detail.setText(
            f"Not measurable: {why} (SNR {estimate.snr_db:.1f} dB, needs ≥ "
            f"{snr_threshold_db(self._method()):g} dB); no value is shown."
        )

    @Slot(object)
    def _on_pulse(self, snippet: PulseSnippet) -> None:
        self.pulse_plot.show_snippet(snippet)

    @Slot(str)
    def _on_condition(self, condition: str) -> None:
        if condition:
            self._set_status(condition, error=True)
        else:
            self._set_status("Measuring: keep the face still and evenly lit.")

    @Slot(str)
    def _on_capture_failed(self, message: str) -> None:
        self.preview.setText("No video")
        self._set_status(f"Could not start: {message}", error=True)

    @Slot(str)
    def _on_stopped(self, reason: str) -> None:
        worker = self.worker
        worker.wait()
        self.worker, self.last_stop_reason = None, reason
        if reason != StopReason.FAILED:
            self._set_status(STOP_WORDS[reason])
            self._summarise(worker)
        worker.deleteLater()
        self._update_controls()

    def _summarise(self, worker: LiveVitalsWorker) -> None:
        """The engine's verdict on the whole run, off the GUI thread."""
        traces, fps = worker.live.traces, worker.live.measured_fps()
        if fps is None:
            self._set_status("Too few frames arrived to measure anything.", error=True)
            return
        method, source = worker.method, self._source_name
        self._start_analysis(
            lambda _progress: summarise_run(traces, fps, method, source),
            "Summarising the recording…",
        )

    # Whole file ----------------------------------------------------------------------------

    @Slot()
    def analyse_whole_file(self) -> None:
        path, method, roi = self.video_path, self._method(), self._roi()
        self.result, self.opened = None, None
        self._clear_views()
        self._start_analysis(
            lambda progress: analyse_file(path, method, roi, progress),
            f"Analysing {path.name}…",
        )

    @Slot()
    def open_trace(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a PPG trace", "", TRACE_FILTER)
        if path:
            self.analyse_trace(Path(path))

    def analyse_trace(self, path: Path) -> None:
        """A contact PPG trace through the same engine path as the CLI's ``analyze ppg``."""
        self.result, self.opened = None, None
        self._clear_views()
        self._start_analysis(
            lambda progress: analyse_trace_file(path, progress), f"Analysing {path.name}…"
        )

    def _start_analysis(self, task, message: str) -> None:
        self._analysis = self.jobs.start(task, self._on_result, message)
        self._update_controls()

    @Slot()
    def cancel_analysis(self) -> None:
        self.jobs.cancel()

    def _on_result(self, result: CaptureResult) -> None:
        self.result, self.opened = result, None
        self.progress.setValue(100)
        self._show_results(stored_results(result), result.arrays())

    def _on_task_failed(self, message: str) -> None:
        self._set_status(message, error=True)

    @Slot()
    def _jobs_changed(self) -> None:
        """A job ended or started: forget the ended ones and re-check the controls."""
        running = self.jobs.workers
        self._analysis = self._analysis if self._analysis in running else None
        self._saving = self._saving if self._saving in running else None
        self._update_controls()

    # Results -------------------------------------------------------------------------------

    def _show_results(self, results: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Everything the result says, from the stored form (fresh and reopened alike)."""
        self.result_label.setText(result_html(results))
        self.trend_plot.set_rows([(t, bpm, bool(ok)) for t, bpm, _snr, ok in results["series"]])
        if "pulse" in arrays:
            self.pulse_plot.show_stored(arrays["pulse"], results["fps"])
        rate = results["heart_rate_bpm"]
        self.hr_value.setText("—" if rate is None else f"{rate:.0f}")
        self.hr_detail.setText(
            f"{STATUS_TITLES.get(results['status'], results['status'])}: median of "
            f"{results['measurable_windows']} measurable of {results['windows']} windows"
        )
        self._set_status(results["message"], error=results["status"] != "ok")

    def _show_saved(self, saved: SavedVideo) -> None:
        s = saved.session
        self.header.setText(
            f"<b>{saved.patient.name}</b> · {saved.patient.identifier} · video session {s.id}, "
            f"saved by {s.created_by} at {s.created_at[:16].replace('T', ' ')}: shown as "
            "stored, nothing is re-run"
        )
        self.preview.setText("The video was not stored: only its traces and results.")
        self._show_results(saved.results, saved.arrays)

    # Saving --------------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        vault, patient_id, result = self.vault, self.patient.id, self.result
        self._set_status("Saving to the vault…")
        self._saving = self.jobs.start(
            lambda progress: save_video_session(vault, patient_id, result, progress),
            self._on_saved,
            foreground=False,
        )
        self._update_controls()

    def _on_saved(self, saved: SavedVideo) -> None:
        self.opened = saved
        self._set_status(f"Saved as video session {saved.session.id}.")
        self.sessionSaved.emit(saved.session.id)

    def sign_off_sheet(self) -> SignOffSheet:
        """What File › Sign off… signs here: the stored session's measurements."""
        if self.opened is None:
            raise SignOffRefused(
                "This measurement is not stored as a session yet.",
                "Save it (Save to vault), review it, then sign it off.",
            )
        return video_sign_off_sheet(self.opened)

    def signed_off(self, sign_off: SignOff) -> None:
        """The session shown is signed off: it is REVIEWED now, as the vault says."""
        session = replace(
            self.opened.session,
            status=SessionStatus.REVIEWED,
            signed_by=sign_off.signed_by,
            signed_at=sign_off.signed_at,
        )
        self.opened = replace(self.opened, session=session)
        self._set_status(f"Signed off by {sign_off.signed_by}: the session is reviewed.")

    def session_id(self) -> int | None:
        return None if self.opened is None else self.opened.session.id

    def close_workers(self) -> None:
        """Stop capture and analysis and wait for every thread (a save is let finish)."""
        for worker in (self.worker, self._analysis):
            if worker is not None:
                worker.requestInterruption()
        for worker in (self.worker, self._analysis, self._saving):
            if worker is not None:
                worker.wait()
