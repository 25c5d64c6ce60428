"""A refused sign-in is read whole (#20 item 6): the message is not cut and the Sign in
button keeps its height, in the sign-in dialog and on the lock screen."""

from __future__ import annotations

from conftest import FAST_KDF

from workstation.ui.shell.lock import LockScreen
from workstation.ui.shell.signin_dialog import SignInDialog
from workstation.vault import Vault


def _refused_and_laid_out(qtbot, form) -> None:
    form.user_edit.setText("admin")
    form.password_edit.setText("not the password")
    form.submit()
    qtbot.waitUntil(lambda: form.sign_in_button.isEnabled(), timeout=20000)
    qtbot.wait(100)  # let the layout settle, as the event loop would between frames


def _whole(form) -> None:
    message = form.message
    assert "wrong" in message.text()
    assert message.height() >= message.heightForWidth(message.width())
    button = form.sign_in_button
    assert button.height() >= button.minimumSizeHint().height()
    assert form.password_edit.height() >= form.password_edit.minimumSizeHint().height()


def test_sign_in_dialog_and_lock_screen_show_the_whole_refusal(qtbot, tmp_path) -> None:
    vault, _ = Vault.create(tmp_path / "v" / "vault.db", "admin", "admin password 1", kdf=FAST_KDF)
    vault.lock()
    dialog = SignInDialog(vault)
    qtbot.addWidget(dialog)
    dialog.show()
    _refused_and_laid_out(qtbot, dialog.form)
    _whole(dialog.form)
    lock = LockScreen(vault)
    qtbot.addWidget(lock)
    lock.resize(1280, 720)
    lock.show()
    lock.prepare("admin", "Locked after 10 min without activity.")
    _refused_and_laid_out(qtbot, lock.form)
    _whole(lock.form)
