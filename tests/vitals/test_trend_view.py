"""The vitals trend view, opened for the selected patient through the main window's menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workstation.app import vitals as app_vitals
from workstation.app.progress import Progress
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import Preferences
from workstation.ui.vitals.entry import ObservationDialog
from workstation.ui.vitals.trend_view import VitalsTrendView
from workstation.vault import Argon2Params, Vault

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch, stay_file):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"error shown: {a[2]}"))
    vault, _ = Vault.create(
        tmp_path / "vault.db", "dr.meyer", "violet harbour lantern 42", kdf=FAST_KDF
    )
    patient = vault.add_patient("H-9", "Doe, Jane", "F")
    app_vitals.import_vitals_file(vault, patient.id, stay_file, Progress())
    window = MainWindow(vault, Preferences(idle_minutes=10))
    qtbot.addWidget(window)
    window.refresh_patients(select=patient.id)
    qtbot.waitUntil(lambda: window.patients.current_patient_id() == patient.id, timeout=10000)
    qtbot.waitUntil(lambda: not window._workers, timeout=60000)
    yield window
    qtbot.waitUntil(lambda: not window._workers, timeout=60000)
    vault.lock()


def _menu_action(window: MainWindow, text: str):
    return next(a for a in window.actions() if a.text().replace("&", "") == text)


def test_patient_menu_opens_the_trend_view_with_risk_drivers_and_disclaimer(qtbot, window):
    action = _menu_action(window, "Vitals and trends…")
    assert action.shortcut().toString() == "Ctrl+Shift+T"
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), VitalsTrendView), timeout=30000)
    view = window.tabs.currentWidget()
    assert "HR" in view.plots and "NEWS2" in view.plots
    text = view.side.text()
    assert "Risk of in-hospital death" in text and "vitals-risk" in text
    assert "What drove it" in text and "For clinical review, not diagnosis." in text
    assert view.session_id() is None
    tabs = window.tabs.count()
    action.trigger()  # again: the patient's trends tab is refreshed, not opened twice
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is not view, timeout=30000)
    qtbot.waitUntil(lambda: not window._workers, timeout=30000)
    assert window.tabs.count() == tabs
    assert window.front_patient().id == view.trends.patient.id


def test_a_vitals_session_row_opens_the_trends_tab(qtbot, window):
    """Double-clicking the stored vitals session (no waveform recording) opens its patient's
    trends rather than failing to load a recording that was never there."""
    table = window.patients.sessions
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=30000)
    assert "VITALS" in table.item(0, 0).text()
    table.cellDoubleClicked.emit(0, 0)
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), VitalsTrendView), timeout=30000)
    assert "HR" in window.tabs.currentWidget().plots


def test_manual_entry_shows_news2_live_and_stores_a_session(qtbot, window, monkeypatch):
    dialog = ObservationDialog()
    qtbot.addWidget(dialog)
    measured, box = dialog.boxes["HR"]
    measured.setChecked(True)
    box.setValue(135)
    assert "incomplete" in dialog.score.text() and "at least 3" in dialog.score.text()
    patient_id = window.patients.current_patient_id()
    before = len(window.vault.list_sessions(patient_id))
    window.vitals_menu.save_observation(patient_id, dialog.values())
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), VitalsTrendView), timeout=30000)
    qtbot.waitUntil(lambda: not window._workers, timeout=30000)
    assert len(window.vault.list_sessions(patient_id)) == before + 1
