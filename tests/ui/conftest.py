"""Fixtures for the desktop-app tests: a real vault (cheap Argon2) driven through the real
dialogs, real LUDB records and the real ECG engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import shared
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation.ui.app import Launcher, application
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.patients_panel import NewPatientDialog
from workstation.ui.shell.preferences import Preferences
from workstation.ui.shell.signoff_dialog import SignOffDialog
from workstation.vault import Argon2Params

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
ADMIN, PASSWORD = "admin", "admin password 1"
CLINICIAN, CLINICIAN_PASSWORD = "dr.ada", "ada lovelace analytical engine"


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch):
    """Every desktop-app test keeps QSettings and reports.toml in its own folder, never in
    the tester's home, so no test sees another's remembered window state or preferences."""
    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "reports.toml"))
    scope, home = QSettings.Scope.UserScope, tmp_path / "config"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, scope, str(home))
    yield
    default = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, scope, default)


@pytest.fixture
def ludb_record() -> Path:
    return shared("ludb", "data", "1.hea")


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "vault.db"


@pytest.fixture
def app(qapp) -> QApplication:
    return application()


@pytest.fixture
def errors(monkeypatch) -> list[tuple[str, str]]:
    """Error dialogs shown, instead of blocking on their modal loop."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: shown.append((title, text))
    )
    return shown


def first_run(qtbot, vault_path: Path, prefs: Preferences) -> Launcher:
    """Create the vault through the first-run dialog, as a new ward would."""
    launcher = Launcher(vault_path, FAST_KDF, prefs)
    launcher.start()
    dialog = launcher.dialog
    qtbot.addWidget(dialog)
    dialog.user_edit.setText(ADMIN)
    dialog.password_edit.setText(PASSWORD)
    dialog.repeat_edit.setText(PASSWORD)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.vault is not None, timeout=20000)
    assert dialog.key_view.toPlainText().strip()
    assert not dialog.finish_button.isEnabled()
    dialog.written_down.setChecked(True)
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=5000)
    qtbot.addWidget(launcher.window)
    return launcher


def sign_in(
    qtbot, vault_path: Path, prefs: Preferences, user: str = ADMIN, password: str = PASSWORD
) -> Launcher:
    launcher = Launcher(vault_path, FAST_KDF, prefs)
    launcher.start()
    form = launcher.dialog.form
    qtbot.addWidget(launcher.dialog)
    form.user_edit.setText(user)
    form.password_edit.setText(password)
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20000)
    qtbot.addWidget(launcher.window)
    return launcher


def clinician_window(qtbot, vault_path: Path, prefs: Preferences) -> MainWindow:
    """First run by the administrator, who adds a clinician; the clinician signs in (only a
    clinician may sign a session off)."""
    admin = first_run(qtbot, vault_path, prefs).window
    admin.vault.add_user(CLINICIAN, CLINICIAN_PASSWORD, "clinician")
    admin.close()
    return sign_in(qtbot, vault_path, prefs, CLINICIAN, CLINICIAN_PASSWORD).window


@pytest.fixture
def told(monkeypatch) -> list[str]:
    """Information boxes shown, instead of blocking on their modal loop."""
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda parent, title, text, *a: shown.append(text)
    )
    return shown


@pytest.fixture
def reviewed(monkeypatch) -> dict[str, object]:
    """The sign-off dialog as the clinician saw it; the clinician ticks the confirmation."""
    seen: dict[str, object] = {}

    def review_and_confirm(dialog: SignOffDialog) -> int:
        seen["automated"] = dialog.statement_rows(dialog.automated)
        seen["clinician"] = dialog.statement_rows(dialog.clinician)
        seen["enabled_before"] = dialog.sign_button.isEnabled()
        dialog.confirm.setChecked(True)
        seen["enabled_after"] = dialog.sign_button.isEnabled()
        return SignOffDialog.DialogCode.Accepted

    monkeypatch.setattr(SignOffDialog, "exec", review_and_confirm)
    return seen


def wait_idle(qtbot, window: MainWindow, timeout: int = 60000) -> None:
    """Until every worker the window started has finished and been reported."""
    qtbot.waitUntil(lambda: not window._workers, timeout=timeout)


def import_ecg(qtbot, window: MainWindow, path: Path, timeout: int = 120000):
    """Import an ECG through the main window and return its workspace, fully built."""
    before = window.tabs.count()
    window.import_file(path)
    qtbot.waitUntil(lambda: window.tabs.count() == before + 1, timeout=timeout)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=timeout)
    wait_idle(qtbot, window, timeout=timeout)
    workspace = window.current_workspace()
    workspace.finish_building()
    return workspace


def add_patient(qtbot, window: MainWindow, monkeypatch, identifier: str, name: str) -> None:
    """Through File › New patient…, with only the dialog's modal exec replaced."""

    def fill_and_accept(dialog: NewPatientDialog) -> int:
        dialog.identifier.setText(identifier)
        dialog.name.setText(name)
        dialog.sex.setCurrentIndex(1)
        return NewPatientDialog.DialogCode.Accepted

    monkeypatch.setattr(NewPatientDialog, "exec", fill_and_accept)
    window.new_patient()
    qtbot.waitUntil(lambda: any(name in n for n in window.patients.patient_names()), timeout=10000)
    qtbot.waitUntil(lambda: window.patients.current_patient_id() is not None, timeout=5000)
    wait_idle(qtbot, window)


def heartbeat(app: QApplication) -> Callable[[], float]:
    """Start a 10 ms GUI-thread timer; the returned function gives the longest gap (s)."""
    from PySide6.QtCore import QTimer

    gaps = [0.0]
    last = [time.perf_counter()]
    timer = QTimer(app)
    timer.setInterval(10)

    def beat() -> None:
        now = time.perf_counter()
        gaps[0] = max(gaps[0], now - last[0])
        last[0] = now

    timer.timeout.connect(beat)
    timer.start()

    def stop() -> float:
        timer.stop()
        return gaps[0]

    return stop
