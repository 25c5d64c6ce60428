"""Real-window screenshots of the governance screens (#20), at two screen sizes.

Run under Xvfb, once per size; the window is maximised on that screen and each screen is
opened through its menu action, as a user would:

    xvfb-run -a -s "-screen 0 1920x1080x24 -dpi 96" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/ui/xvfb_governance_screens.py VAULT_DIR OUT_DIR 1920

writes OUT_DIR/{audit_log,users,model_cards,about,shortcuts,preferences}_1920.png (the same
with 1280 on a 1280×720 screen).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from xvfb_screens import FAST_KDF, settle, wait_until

from workstation.ui.app import Launcher, application, grab
from workstation.ui.shell.preferences import Preferences, PreferencesDialog
from workstation.vault import Vault

USER, PASSWORD = "dr.meyer", "ward 7 password"


def shoot(app: QApplication, widget: QWidget, path: Path) -> None:
    settle(app, 0.8)
    grab(widget).save(str(path))


def trigger(window, text: str) -> None:
    [found] = [a for a in window.actions() if a.text().replace("&", "") == text]
    found.trigger()


def check_ctrl_e_from_a_text_field(app: QApplication, window) -> None:
    """On X11 a text field claims Ctrl+E (end of line); the window's Export report… must
    still get it (the offscreen platform has no such binding, so this runs here)."""
    [export] = [a for a in window.actions() if a.text() == "&Export report…"]
    fired: list[bool] = []
    export.triggered.connect(lambda: fired.append(True))
    field = window.patients.search
    window.activateWindow()
    wait_until(app, window.isActiveWindow, 10)
    field.setFocus()
    wait_until(app, lambda: app.focusWidget() is field, 10)
    QTest.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    settle(app, 0.2)
    if not fired:
        raise SystemExit("Ctrl+E in the search field did not reach File › Export report…")


def main(vault_dir: Path, out: Path, size: str) -> None:
    app = application()
    vault_path = vault_dir / f"vault-{size}" / "vault.db"
    vault, _ = Vault.create(vault_path, USER, PASSWORD, kdf=FAST_KDF)
    vault.add_user("dr.lee", "quiet harbour lantern 58", "clinician")
    for identifier, name in (("H-204518", "Doe, Jane"), ("H-204519", "Roe, Richard")):
        vault.add_patient(identifier, name, "F")
    vault.lock()
    launcher = Launcher(vault_path, FAST_KDF, Preferences(idle_minutes=30))
    launcher.start()
    launcher.dialog.form.user_edit.setText(USER)
    launcher.dialog.form.password_edit.setText(PASSWORD)
    launcher.dialog.form.sign_in_button.click()
    wait_until(app, lambda: launcher.window is not None)
    window = launcher.window
    window.showMaximized()
    wait_until(app, lambda: not window._workers)
    out.mkdir(parents=True, exist_ok=True)
    check_ctrl_e_from_a_text_field(app, window)

    trigger(window, "Audit log…")
    audit = window.audit_dialog
    wait_until(app, lambda: audit.view is not None and not audit.jobs.busy)
    audit.verify_button.click()
    wait_until(app, lambda: audit.verify_button.isEnabled())
    shoot(app, audit, out / f"audit_log_{size}.png")
    audit.close()

    trigger(window, "Users…")
    users = window.users_dialog
    wait_until(app, lambda: users.table.rowCount() == 2)
    users.table.selectRow(1)
    shoot(app, users, out / f"users_{size}.png")
    users.close()

    trigger(window, "Models…")
    cards = window.model_cards_dialog
    cards.list.setCurrentRow([c.name for c in cards.cards].index("ecg-abnormality"))
    shoot(app, cards, out / f"model_cards_{size}.png")
    cards.close()

    trigger(window, "About")
    shoot(app, window.about_dialog, out / f"about_{size}.png")
    window.about_dialog.close()

    trigger(window, "Keyboard shortcuts")
    shoot(app, window.shortcuts_sheet, out / f"shortcuts_{size}.png")
    window.shortcuts_sheet.close()

    def photograph(dialog: PreferencesDialog) -> int:
        dialog.institution.setText("St. Example University Hospital, Cardiology")
        dialog.show()
        shoot(app, dialog, out / f"preferences_{size}.png")
        return QDialog.DialogCode.Rejected

    PreferencesDialog.exec = photograph
    trigger(window, "Preferences…")
    window.close()


if __name__ == "__main__":
    # Keep the tester's own settings and report settings untouched.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, sys.argv[1])
    os.environ["WORKSTATION_REPORT_SETTINGS"] = str(Path(sys.argv[1]) / "reports.toml")
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
