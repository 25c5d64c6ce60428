"""The start of the app, offscreen: the dialogs a clinician meets before any patient data."""

from pathlib import Path

from PySide6.QtWidgets import QApplication

from workstation.ui.app import Launcher
from workstation.ui.shell.signin_dialog import DISCLAIMER, FirstRunDialog, SignInDialog
from workstation.vault import Argon2Params, Vault

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


def test_first_start_offers_to_create_the_vault(qtbot, tmp_path: Path):
    launcher = Launcher(tmp_path / "v.db", FAST_KDF)
    qtbot.addWidget(launcher.dialog)
    assert isinstance(launcher.dialog, FirstRunDialog)
    launcher.dialog.user_edit.setText("admin")
    launcher.dialog.password_edit.setText("admin password 1")
    launcher.dialog.repeat_edit.setText("another password 1")
    launcher.dialog.create_button.click()
    assert "differ" in launcher.dialog.message.text()
    assert not (tmp_path / "v.db").exists()


def test_a_wrong_password_says_so_and_keeps_the_dialog(qtbot, tmp_path: Path):
    vault, _ = Vault.create(tmp_path / "v.db", "admin", "admin password 1", kdf=FAST_KDF)
    vault.lock()
    launcher = Launcher(tmp_path / "v.db", FAST_KDF)
    dialog = launcher.dialog
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SignInDialog)
    dialog.form.user_edit.setText("admin")
    dialog.form.password_edit.setText("not the password")
    dialog.form.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.form.sign_in_button.isEnabled(), timeout=20000)
    assert dialog.form.message.text()
    assert dialog.user is None and launcher.window is None
    assert QApplication.instance() is not None


def test_the_sign_in_states_the_limits(qtbot, tmp_path: Path):
    dialog = FirstRunDialog(tmp_path / "v.db", FAST_KDF)
    qtbot.addWidget(dialog)
    assert any(DISCLAIMER in label.text() for label in dialog.findChildren(type(dialog.message)))
