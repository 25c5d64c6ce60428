"""Run under Xvfb by test_ecg_trend.py: a long ECG imported through the main window, with
screenshots of the trend overview as it opens and after a click on its first event.

Usage: python xvfb_trend_screens.py VAULT_PATH RECORD OUT_DIR WIDTH HEIGHT
Prints the window's size and the minute on the paper after the click, for the test to check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xvfb_screens import FAST_KDF, settle, wait_until

from workstation.ui.app import Launcher, application, grab
from workstation.ui.shell.preferences import Preferences
from workstation.vault import Vault


def main(vault_path: Path, record: Path, out: Path, width: int, height: int) -> None:
    app = application()
    vault, _ = Vault.create(vault_path, "dr.meyer", "ward 7 password", kdf=FAST_KDF)
    vault.add_patient("H-204518", "Doe, Jane", "F")
    vault.lock()
    launcher = Launcher(vault_path, FAST_KDF, Preferences(idle_minutes=30))
    launcher.start()
    form = launcher.dialog.form
    form.user_edit.setText("dr.meyer")
    form.password_edit.setText("ward 7 password")
    form.sign_in_button.click()
    wait_until(app, lambda: launcher.window is not None)
    window = launcher.window
    window.showMaximized()
    window.resize(width, height)
    wait_until(app, lambda: window.patients.patient_list.count() == 1)
    window.patients.patient_list.setCurrentRow(0)
    window.import_file(record)
    wait_until(app, lambda: window.current_workspace() is not None, 300.0)
    wait_until(app, lambda: not window._workers, 300.0)
    workspace = window.current_workspace()
    workspace.finish_building()
    settle(app, 1.5)
    out.mkdir(parents=True, exist_ok=True)
    size = f"{width}x{height}"
    grab(window).save(str(out / f"trend_overview_{size}.png"))
    trend = workspace.trend
    trend.table.selectRow(0)
    trend.table.cellClicked.emit(0, 0)
    settle(app, 1.0)
    grab(window).save(str(out / f"trend_event_{size}.png"))
    print(f"window {window.width()} {window.height()}")
    print(f"page {workspace.paper.page_start_s:g} event {trend.events[0].start_s:g}")
    window.close()


if __name__ == "__main__":
    main(
        Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    )
