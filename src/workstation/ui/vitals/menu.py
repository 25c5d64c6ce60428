"""The Patient menu: vitals and trends, importing vitals, entering one observation set.

Added to the main window by one call in its menu building, so the vitals screens live in
this package. Every vault access runs as a job of the window's JobRunner through
``workstation.app.vitals``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenuBar, QMessageBox

from workstation.app import vitals
from workstation.app.progress import Progress
from workstation.ui.shell.signin_dialog import PRODUCT
from workstation.ui.vitals.entry import ObservationDialog
from workstation.ui.vitals.trend_view import VitalsTrendView

if TYPE_CHECKING:
    from workstation.ui.shell.main_window import MainWindow

VITALS_FILTER = "Vitals CSV (*.txt *.csv);;All files (*)"


class VitalsMenu:
    """The actions of the Patient menu, bound to one main window."""

    def __init__(self, window: MainWindow, bar: QMenuBar) -> None:
        self.window = window
        menu = bar.addMenu("&Patient")
        window._action(menu, "&Vitals and trends…", self.show_trends, "Ctrl+Shift+T")
        window._action(menu, "&Import vitals…", self.choose_import)
        window._action(menu, "&Enter observations…", self.enter_observations)
        from workstation.ui.wellness.panel import open_wellness

        window._action(menu, "&Wellness observation…", lambda: open_wellness(window))

    def _patient(self) -> int | None:
        patient_id = self.window.patients.current_patient_id()
        if patient_id is None:
            QMessageBox.information(self.window, PRODUCT, "Choose or create a patient first.")
        return patient_id

    def show_trends(self) -> None:
        patient_id = self._patient()
        if patient_id is None:
            return
        vault = self.window.vault
        self.window._run(
            lambda p: vitals.patient_trends(vault, patient_id, p),
            self.show,
            "Collecting vitals and trends…",
        )

    def show(self, trends: vitals.PatientTrends) -> None:
        """The patient's trends tab, replacing the one already open for that patient (each
        import or entry refreshes it rather than adding another tab)."""
        tabs = self.window.tabs
        view = VitalsTrendView(trends)
        title = f"{trends.patient.name} · Vitals and trends"
        for index in range(tabs.count()):
            old = tabs.widget(index)
            if isinstance(old, VitalsTrendView) and old.trends.patient.id == trends.patient.id:
                tabs.removeTab(index)
                old.deleteLater()
                tabs.insertTab(index, view, title)
                break
        else:
            index = tabs.addTab(view, title)
        tabs.tabBar().setTabData(index, trends.patient)
        tabs.setCurrentIndex(index)

    def choose_import(self) -> None:
        patient_id = self._patient()
        if patient_id is None:
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Import vitals", "", VITALS_FILTER)
        if path:
            self.import_file(patient_id, Path(path))

    def import_file(self, patient_id: int, path: Path) -> None:
        vault = self.window.vault
        self.window._run(
            lambda p: vitals.import_vitals_file(vault, patient_id, path, p),
            lambda _saved: self._saved(patient_id),
            "Importing vitals…",
        )

    def enter_observations(self) -> None:
        patient_id = self._patient()
        if patient_id is None:
            return
        dialog = ObservationDialog(self.window)
        if dialog.exec():
            self.save_observation(patient_id, dialog.values())

    def save_observation(self, patient_id: int, values: dict[str, float]) -> None:
        vault = self.window.vault

        def save(progress: Progress) -> vitals.SavedVitals:
            return vitals.save_manual_observation(vault, patient_id, values, progress)

        self.window._run(save, lambda _saved: self._saved(patient_id), "Saving observations…")

    def _saved(self, patient_id: int) -> None:
        self.window.statusBar().showMessage("Vitals session saved.")
        self.window._load_sessions(patient_id)
        self.show_trends()
