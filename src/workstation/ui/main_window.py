"""The main window. For now it opens a recording and shows what is in it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation import __version__
from workstation.recording import Recording
from workstation.summary import summarize
from workstation.ui.workers import LoadRecordingWorker

DISCLAIMER = "For clinical review, not diagnosis."
FILE_FILTER = "Recordings (*.hea *.edf *.bdf *.rec *.zip *.csv);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Clinician Workstation")
        self.resize(1100, 720)
        self._worker: LoadRecordingWorker | None = None
        self._build_menus()
        self._build_central()
        self._progress = QProgressBar()
        self._progress.setRange(0, 0)
        self._progress.setMaximumWidth(160)
        self._progress.hide()
        self.statusBar().addPermanentWidget(self._progress)
        self.statusBar().addPermanentWidget(QLabel(f"v{__version__} · {DISCLAIMER}"))
        self.statusBar().showMessage("Ready. Open a recording with Ctrl+O.")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open recording…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.choose_recording)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about_action = QAction("&About", self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(32, 24, 32, 24)
        self._title = QLabel("<h2>Clinician Workstation</h2>")
        self._subtitle = QLabel(
            "Open an ECG or EEG recording (WFDB, EDF/EDF+/BDF, a .zip holding one record, or "
            f"CSV) with <b>File › Open recording…</b> (Ctrl+O).<br><i>{DISCLAIMER}</i>"
        )
        self._subtitle.setWordWrap(True)
        self._table = QTableWidget(0, 2)
        self._table.setHorizontalHeaderLabels(["Property", "Value"])
        self._table.horizontalHeader().setStretchLastSection(True)
        self._table.verticalHeader().hide()
        self._table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self._table.hide()
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        layout.addWidget(self._table, stretch=1)
        layout.addStretch(0)
        self.setCentralWidget(central)

    @Slot()
    def choose_recording(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open recording", "", FILE_FILTER)
        if path:
            self.open_recording(Path(path))

    def open_recording(self, path: Path) -> None:
        if self._worker is not None and self._worker.isRunning():
            self._worker.requestInterruption()
        self._worker = LoadRecordingWorker(path, self)
        self._worker.loaded.connect(self.show_recording)
        self._worker.failed.connect(self.show_error)
        self._progress.show()
        self.statusBar().showMessage(f"Reading {path.name}…")
        self._worker.start()

    @Slot(object)
    def show_recording(self, recording: Recording) -> None:
        self._progress.hide()
        summary = summarize(recording)
        rows = [
            ("File", summary["file"]),
            ("Format", summary["format"]),
            ("Modality", summary["modality"].upper()),
            ("Channels", ", ".join(c["name"] for c in summary["channels"])),
            ("Sampling rate", f"{summary['sampling_rate_hz']:g} Hz"),
            ("Duration", f"{summary['duration_s']:.3f} s"),
            ("Annotations", str(summary["n_annotations"])),
            ("SHA-256", summary["sha256"]),
            *[("Warning", w) for w in summary["warnings"]],
        ]
        self._table.setRowCount(len(rows))
        for i, (key, value) in enumerate(rows):
            self._table.setItem(i, 0, QTableWidgetItem(key))
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self._table.setItem(i, 1, item)
        self._table.resizeColumnToContents(0)
        self._table.show()
        self.statusBar().showMessage(f"Opened {recording.source_name}.")

    @Slot(str)
    def show_error(self, message: str) -> None:
        self._progress.hide()
        self.statusBar().showMessage("The recording could not be opened.")
        QMessageBox.warning(self, "Cannot open recording", message)

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Clinician Workstation",
            f"<b>Clinician Workstation</b> {__version__}<br>Offline review of ECG, EEG and "
            f"video vitals.<br><br>{DISCLAIMER}",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self._worker is not None and self._worker.isRunning():
            self._worker.requestInterruption()
            self._worker.wait(5000)
        super().closeEvent(event)
