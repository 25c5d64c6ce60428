"""Run under Xvfb by test_screens_xvfb.py: a real window, driven like a clinician would, with
screenshots of the sign-in dialog and of the ECG workspace (masks and attribution shown).

Usage: python xvfb_screens.py VAULT_PATH RECORD OUT_DIR [EEG_FILE]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from workstation.ui.app import Launcher, application, grab
from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.shell.preferences import Preferences
from workstation.vault import Argon2Params, Vault

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


def wait_until(app: QApplication, condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication, seconds: float) -> None:
    """Let the window paint for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(vault_path: Path, record: Path, out: Path, eeg: Path | None = None) -> None:
    app = application()
    vault, _ = Vault.create(vault_path, "dr.meyer", "ward 7 password", kdf=FAST_KDF)
    vault.add_patient("H-204518", "Doe, Jane", "F")
    vault.lock()
    launcher = Launcher(vault_path, FAST_KDF, Preferences(idle_minutes=10))
    launcher.start()
    dialog = launcher.dialog
    dialog.form.user_edit.setText("dr.meyer")
    dialog.form.password_edit.setText("ward 7 password")
    settle(app, 1.0)
    out.mkdir(parents=True, exist_ok=True)
    grab(dialog).save(str(out / "signin_dialog.png"))
    dialog.form.sign_in_button.click()
    wait_until(app, lambda: launcher.window is not None)
    window = launcher.window
    window.showMaximized()
    wait_until(app, lambda: window.patients.patient_list.count() == 1)
    window.patients.patient_list.setCurrentRow(0)
    window.import_file(record)
    wait_until(app, lambda: window.current_workspace() is not None)
    wait_until(app, lambda: not window._workers)
    workspace = window.current_workspace()
    workspace.finish_building()
    workspace.panel.setCurrentIndex(0)
    settle(app, 1.0)
    grab(window).save(str(out / "ecg_workspace_measurements.png"))
    workspace.panel.setCurrentIndex(1)
    settle(app, 1.5)
    grab(window).save(str(out / "ecg_workspace.png"))
    measure_rr_on_rhythm_strip(workspace)
    workspace.panel.setCurrentIndex(4)
    settle(app, 1.0)
    grab(window).save(str(out / "ecg_workspace_calipers.png"))
    if eeg is not None:
        eeg_screens(app, window, eeg, out)
    window.close()


def eeg_screens(app: QApplication, window, eeg: Path, out: Path) -> None:
    """The EEG viewer opened through the main window, once its analysis is shown."""
    window.import_file(eeg)
    wait_until(app, lambda: isinstance(window.tabs.currentWidget(), EegViewer))
    viewer = window.tabs.currentWidget()
    wait_until(app, lambda: viewer.analysis is not None and viewer.page is not None, 120)
    wait_until(app, lambda: not window._workers)
    settle(app, 1.5)
    grab(window).save(str(out / "eeg_viewer.png"))
    grab(viewer.traces).save(str(out / "eeg_traces.png"))


def measure_rr_on_rhythm_strip(workspace) -> None:
    """Calipers from one QRS onset to the next on the lead II strip, baseline to R peak (QRS
    onsets of another lead where the quality gate left the strip's lead out: they share the
    beats' times)."""
    paper = workspace.paper
    cell = paper.cells[-1]
    fs = workspace.opened.traces.fs
    waves = workspace.opened.result.waves
    spans = (waves.get(cell.lead) or next(w for w in waves.values() if len(w["qrs"]) > 2))["qrs"]
    x0, x1 = (cell.x_of(spans[k][0] / fs, paper.scale) for k in (1, 2))
    workspace.set_calipers(True)
    workspace.measure(QPointF(x0, cell.y_mm), QPointF(x1, cell.y_mm + paper.scale.y_mm(1.0)))


if __name__ == "__main__":
    eeg_file = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), eeg_file)
