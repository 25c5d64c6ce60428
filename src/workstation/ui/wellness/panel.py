"""The Wellness tab: a live session (camera and microphone) or imported video/audio/motion
files, each modality with its quality, the fusion with every component and weight, the
fixed recommendations, and save.

Opened from Patient › Wellness observation…. Live capture runs in ``LiveCapture``'s threads;
analysis and saving run as jobs of the main window through ``workstation.app.wellness``;
this module draws only. A video's own audio track is the voice when no audio file is given.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app import wellness
from workstation.app.progress import Progress
from workstation.ui.wellness.live import LiveCapture
from workstation.ui.workspace import Workspace

if TYPE_CHECKING:
    from workstation.ui.shell.main_window import MainWindow

FILTERS = {
    "video": "Video (*.mp4 *.avi *.mkv *.mov);;All files (*)",
    "audio": "Audio (*.wav *.mp3 *.m4a *.flac *.ogg *.mp4 *.mkv);;All files (*)",
    "motion": "Motion export (*.csv *.json);;All files (*)",
}
COLUMNS = (
    "Component",
    "Value",
    "Unit",
    "Baseline mean",
    "Baseline SD",
    "z",
    "Points",
    "Weight",
    "Weighted",
    "Status",
)


def open_wellness(window: MainWindow) -> None:
    """Patient › Wellness observation…: one tab per patient."""
    patient = window.patients.current_patient()
    if patient is None:
        window.statusBar().showMessage("Choose or create a patient first.")
        return
    panel = WellnessPanel(window, patient.id, patient.name)
    window.tabs.setCurrentIndex(window.tabs.addTab(panel, f"{patient.name} · Wellness"))


def _fmt(value: float | None) -> str:
    return (
        "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3g}"
    )


class WellnessPanel(QWidget, Workspace):
    def __init__(self, window: MainWindow, patient_id: int, patient_name: str) -> None:
        super().__init__()
        self.window = window
        self.patient_id = patient_id
        self.session: wellness.WellnessSession | None = None
        #: The live session the shown result came from (its sound is in memory until saved).
        self.live: wellness.LiveWellness | None = None
        self.paths: dict[str, QLineEdit] = {}
        layout = QVBoxLayout(self)
        label = QLabel(f"<b>{wellness.DISCLAIMER}</b> Patient: {patient_name}")
        label.setWordWrap(True)
        layout.addWidget(label)
        self.live_capture = LiveCapture()
        self.live_capture.finished.connect(self._live_finished)
        self.live_capture.running_changed.connect(self._live_running)
        self.sources = QTabWidget()
        self.sources.addTab(self.live_capture, "Live (camera and microphone)")
        self.sources.addTab(self._files_tab(), "Import files")
        layout.addWidget(self.sources)
        self.keep_raw = QCheckBox(
            "Keep the raw media of this session in the vault (the files as imported; for a "
            "live session the microphone sound, never the camera frames)"
        )
        self.keep_raw.setToolTip("Otherwise only derived numbers are stored.")
        self.save_button = QPushButton("Save to the vault")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.retention = QSpinBox()
        self.retention.setRange(1, 3650)
        self.retention.setSuffix(" days")
        apply = QPushButton("Set retention")
        apply.clicked.connect(self._set_retention)
        layout.addWidget(self.keep_raw)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        save_row.addWidget(QLabel("Keep derived wellness data"))
        save_row.addWidget(self.retention)
        save_row.addWidget(apply)
        layout.addLayout(save_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.results = QWidget()
        self.results_layout = QVBoxLayout(self.results)
        scroll.setWidget(self.results)
        layout.addWidget(scroll, 1)
        self.retention.setValue(wellness.retention_days(window.vault))

    def _files_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        for kind in ("video", "audio", "motion"):
            row = QHBoxLayout()
            edit = QLineEdit()
            button = QPushButton("Choose…")
            button.clicked.connect(lambda _=False, k=kind: self._choose(k))
            row.addWidget(edit)
            row.addWidget(button)
            self.paths[kind] = edit
            form.addRow(f"{kind.capitalize()} file", row)
        self.analyse_button = QPushButton("Analyse")
        self.analyse_button.clicked.connect(self.analyse)
        hint = QLabel("Without an audio file, the voice comes from the video's own audio track.")
        hint.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(self.analyse_button)
        row.addWidget(hint, 1)
        form.addRow("", row)
        return tab

    # Workspace protocol
    def session_id(self) -> int | None:
        return None

    def has_unsaved_review(self) -> bool:
        return self.session is not None and self.save_button.isEnabled()

    def close_workers(self) -> None:
        """The live capture's threads; analysis and saving are the main window's jobs."""
        self.live_capture.close_workers()

    def _choose(self, kind: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the {kind} file", "", FILTERS[kind])
        if path:
            self.paths[kind].setText(path)

    def _given(self) -> dict[str, Path]:
        return {k: Path(e.text()) for k, e in self.paths.items() if e.text().strip()}

    def analyse(self) -> None:
        vault, given = self.window.vault, self._given()
        self._drop_live()
        self.window._run(
            lambda p: wellness.analyse_wellness(vault, self.patient_id, p, **given),
            self.show_session,
            "Analysing the wellness session…",
        )

    @Slot(object, str, str)
    def _live_finished(self, live: wellness.LiveWellness, camera: str, microphone: str) -> None:
        """A stopped live session: analysed as a whole, then shown like imported files."""
        vault = self.window.vault
        self._drop_live()
        self.live = live

        def task(progress: Progress) -> wellness.WellnessSession:
            return wellness.analyse_live(
                vault, self.patient_id, live, progress, camera, microphone or None
            )

        self.window._run(task, self.show_session, "Analysing the live session…")

    @Slot(bool)
    def _live_running(self, running: bool) -> None:
        """No file analysis while the camera runs (one session at a time)."""
        self.analyse_button.setEnabled(not running)

    def _drop_live(self) -> None:
        if self.live is not None:
            self.live.discard()
            self.live = None

    def _raw_media(self) -> dict[str, Path | bytes] | None:
        """What the explicit 'keep raw media' choice keeps: the imported files, or the live
        session's sound."""
        if not self.keep_raw.isChecked():
            return None
        if self.live is not None:
            sound = self.live.audio_wav()
            return {"microphone.wav": sound} if sound is not None else None
        return {path.name: path for path in self._given().values()}

    def save(self) -> None:
        if self.session is None:
            return
        vault, session = self.window.vault, self.session
        keep = self._raw_media()

        def task(progress: Progress) -> wellness.SavedWellness:
            return wellness.save_wellness_session(vault, self.patient_id, session, progress, keep)

        self.window._run(task, self._saved, "Saving the wellness observation…")

    def _saved(self, saved: wellness.SavedWellness) -> None:
        self.save_button.setEnabled(False)
        self._drop_live()
        kept = (
            " with its raw media, as asked" if saved.raw_media_kept else " (derived features only)"
        )
        self.window.statusBar().showMessage(f"Wellness observation saved{kept}.")

    def _set_retention(self) -> None:
        vault, days = self.window.vault, self.retention.value()

        def task(_progress: Progress) -> int:
            wellness.set_retention_days(vault, days)
            return days

        self.window._run(
            task,
            lambda d: self.window.statusBar().showMessage(f"Wellness data kept {d} days."),
            "Saving…",
        )

    def show_session(self, session: wellness.WellnessSession) -> None:
        self.session = session
        self.save_button.setEnabled(True)
        while self.results_layout.count():
            item = self.results_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for name, result in session.modalities.items():
            self.results_layout.addWidget(self._modality_box(name, result))
        self.results_layout.addWidget(self._fusion_box(session.fusion))

    def _modality_box(self, name: str, result: wellness.ModalityResult) -> QGroupBox:
        quality = result.quality
        state = "measurable" if quality.measurable else f"not measurable: {quality.reason}"
        box = QGroupBox(f"{name.capitalize()}: {state}")
        layout = QVBoxLayout(box)
        checks = ", ".join(f"{k} {_fmt(v)}" for k, v in quality.checks.items())
        text = QLabel(f"Quality: {checks}" + "".join(f"<br>{n}" for n in result.notes))
        text.setWordWrap(True)
        layout.addWidget(text)
        if result.features:
            features = ", ".join(
                f"{k} {_fmt(v)} {result.units.get(k, '')}" for k, v in result.features.items()
            )
            layout.addWidget(QLabel(features))
        if len(result.times_s) and result.series:
            plot = pg.PlotWidget()
            plot.setMinimumHeight(160)
            plot.addLegend()
            plot.setLabel("bottom", "time", "s")
            for i, (key, values) in enumerate(result.series.items()):
                plot.plot(
                    result.times_s, values, pen=pg.intColor(i), symbol="o", symbolSize=5, name=key
                )
            layout.addWidget(plot)
        return box

    def _fusion_box(self, fusion: wellness.WellnessFusion) -> QGroupBox:
        total = "no score" if fusion.total is None else f"total {fusion.total:g}"
        box = QGroupBox(f"Fusion: {total} ({fusion.message})")
        layout = QVBoxLayout(box)
        table = QTableWidget(len(fusion.components), len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        for row, c in enumerate(fusion.components):
            cells = (
                c.label,
                _fmt(c.value),
                c.unit,
                _fmt(c.baseline_mean),
                _fmt(c.baseline_sd),
                _fmt(c.z),
                _fmt(c.points),
                f"{c.weight:g}",
                f"{c.weighted:g}",
                c.status,
            )
            for col, text in enumerate(cells):
                table.setItem(row, col, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.setMinimumHeight(360)
        layout.addWidget(table)
        layout.addWidget(
            QLabel(
                "Points per component: |z| < 1: 0, 1-2: 1, 2-3: 2, 3 or more: 3. "
                "Weighted points are added."
            )
        )
        for rule in fusion.recommendations:
            text = QLabel(f"[{rule.rule_id}] {rule.text}")
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addWidget(QLabel(f"<i>{fusion.disclaimer}</i>"))
        return box
