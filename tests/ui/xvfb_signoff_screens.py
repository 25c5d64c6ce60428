"""Real-window screenshots of the sign-off flow (#20), at one screen size per run.

Run under Xvfb; a clinician signs in, imports RECORD, adds a statement of their own, saves,
and signs off through File › Sign off… (the dialog is shown as it would be, then confirmed):

    xvfb-run -a -s "-screen 0 1920x1080x24 -dpi 96" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/ui/xvfb_signoff_screens.py VAULT_DIR RECORD OUT_DIR 1920

writes OUT_DIR/signoff_dialog_1920.png (as opened), signoff_confirmed_1920.png (ticked, over
the window), signed_window_1920.png (the session row and header after signing) and the
exported, signed report_1920.pdf with report_1920.pdf.sig.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from xvfb_screens import FAST_KDF, settle, wait_until

from workstation.reports.signature import verify_report
from workstation.ui.app import Launcher, application, grab
from workstation.ui.shell.preferences import Preferences
from workstation.ui.shell.signoff_dialog import SignOffDialog
from workstation.vault import Vault

CLINICIAN, PASSWORD = "dr.ada", "ada lovelace analytical engine"


def main(vault_dir: Path, record: Path, out: Path, size: str) -> None:
    app = application()
    vault_path = vault_dir / f"vault-{size}" / "vault.db"
    vault, _ = Vault.create(vault_path, "admin", "ward 7 admin password", kdf=FAST_KDF)
    vault.add_user(CLINICIAN, PASSWORD, "clinician")
    vault.add_patient("H-204518", "Doe, Jane", "F")
    vault.lock()
    launcher = Launcher(vault_path, FAST_KDF, Preferences(idle_minutes=30))
    launcher.start()
    launcher.dialog.form.user_edit.setText(CLINICIAN)
    launcher.dialog.form.password_edit.setText(PASSWORD)
    launcher.dialog.form.sign_in_button.click()
    wait_until(app, lambda: launcher.window is not None)
    window = launcher.window
    window.showMaximized()
    wait_until(app, lambda: window.patients.patient_list.count() == 1)
    window.patients.patient_list.setCurrentRow(0)
    window.import_file(record)
    wait_until(app, lambda: window.current_workspace() is not None, 120)
    wait_until(app, lambda: not window._workers, 120)
    workspace = window.current_workspace()
    workspace.finish_building()
    workspace.panel.new_statement.setText("Clinician: no acute change since 2025 ECG")
    workspace.panel._add_statement()
    workspace.panel.note_edit.setText("Discussed with cardiology; repeat ECG in 6 months")
    workspace.panel._add_note()
    workspace.add_annotation(2.5, "Ectopic beat?", "ii")
    window.save_review()
    wait_until(app, lambda: not workspace.has_changes and not window._workers, 60)
    out.mkdir(parents=True, exist_ok=True)

    def show_then_confirm(dialog: SignOffDialog) -> int:
        dialog.show()
        settle(app, 1.0)
        grab(dialog).save(str(out / f"signoff_dialog_{size}.png"))
        dialog.confirm.setChecked(True)
        settle(app, 0.5)
        QGuiApplication.primaryScreen().grabWindow(0).save(
            str(out / f"signoff_confirmed_{size}.png")
        )
        dialog.hide()
        return SignOffDialog.DialogCode.Accepted

    SignOffDialog.exec = show_then_confirm  # the modal loop only; the dialog is the real one
    [action] = [a for a in window.actions() if a.text() == "Sign o&ff…"]
    action.trigger()
    wait_until(app, lambda: "signed off" in window.statusBar().currentMessage(), 60)
    wait_until(app, lambda: not window._workers, 60)
    settle(app, 1.5)
    grab(window).save(str(out / f"signed_window_{size}.png"))
    pdf = out / f"report_{size}.pdf"
    window.export_report_to(workspace.opened.session.id, pdf)
    wait_until(app, lambda: not window._workers, 60)
    verified = verify_report(pdf)
    print(f"signed by {verified.signature.signer}, sha256 {verified.signature.sha256}")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
