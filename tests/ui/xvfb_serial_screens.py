"""Screenshots of the serial ECG comparison through the real main window, under Xvfb.

Two patients are stored first (PTB s0010_re as recorded and with 1.5 mm of ST elevation added
in V2; LUDB 1 then LUDB 8, atrial fibrillation); the clinician signs in, opens the newer ECG
and chooses View › Compare with previous ECG….

Usage: xvfb-run -a -s "-screen 0 WxHx24 -dpi 96" env QT_QPA_PLATFORM=xcb \
    .venv/bin/python tests/ui/xvfb_serial_screens.py OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]

from serial_ecgs import ludb_sessions, st_change_sessions  # noqa: E402
from xvfb_screens import FAST_KDF, settle, wait_until  # noqa: E402

from workstation.ui.app import Launcher, application, grab  # noqa: E402
from workstation.ui.ecg.serial_comparison import SerialComparisonTab  # noqa: E402
from workstation.ui.shell.preferences import Preferences  # noqa: E402
from workstation.vault import Vault  # noqa: E402

USER, PASSWORD = "dr.meyer", "quiet harbour lantern 47"


def compare(app, window, session_id: int, out: Path, name: str) -> None:
    window.open_session(session_id)
    wait_until(app, lambda: window.current_workspace() is not None and not window._workers)
    window.current_workspace().finish_building()
    window.compare_action.trigger()
    wait_until(app, lambda: isinstance(window.tabs.currentWidget(), SerialComparisonTab))
    wait_until(app, lambda: not window._workers)
    settle(app, 1.5)
    size = window.screen().size()
    grab(window).save(str(out / f"{name}_{size.width()}x{size.height()}.png"))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    path = Path(tempfile.mkdtemp()) / "vault" / "vault.db"
    vault, _ = Vault.create(path, USER, PASSWORD, kdf=FAST_KDF)
    grace = vault.add_patient("H-311042", "Hopper, Grace", "F").id
    ada = vault.add_patient("H-100200", "Lovelace, Ada", "F").id
    _, st_newer = st_change_sessions(vault, grace)
    _, af_newer = ludb_sessions(vault, ada)
    vault.lock()
    launcher = Launcher(path, FAST_KDF, Preferences(idle_minutes=10))
    launcher.start()
    launcher.dialog.form.user_edit.setText(USER)
    launcher.dialog.form.password_edit.setText(PASSWORD)
    launcher.dialog.form.sign_in_button.click()
    wait_until(app, lambda: launcher.window is not None)
    window = launcher.window
    window.setGeometry(window.screen().availableGeometry())  # Xvfb has no window manager
    window.show()
    settle(app, 1.0)
    compare(app, window, st_newer, out, "serial_st_change")
    compare(app, window, af_newer, out, "serial_af_vs_sinus")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
