"""Signing in: the first-run set-up of the vault, the sign-in dialog and the form they share.

Creating a vault and unlocking it run Argon2 (and, after failed attempts, a growing wait),
so both run as jobs (``ui.jobs.JobRunner``); the form shows how long it has been waiting so
the clinician sees the workstation is working, not frozen.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.jobs import JobRunner, TaskWorker
from workstation.vault import Argon2Params, User, Vault

DISCLAIMER = "For clinical review, not diagnosis."
PRODUCT = "Clinician Workstation"
WAIT_TICK_MS = 250


def _banner(subtitle: str) -> QWidget:
    """The product name and what the screen is for, as every sign-in screen shows it."""
    box = QWidget()
    box.setObjectName("signinBanner")
    layout = QVBoxLayout(box)
    title = QLabel(PRODUCT)
    title.setObjectName("productTitle")
    sub = QLabel(subtitle)
    sub.setObjectName("productSubtitle")
    sub.setWordWrap(True)
    layout.addWidget(title)
    layout.addWidget(sub)
    return box


def _no_status(_message: str) -> None:
    """Signing in reports no steps: the form shows its own waiting text."""


def reserve_wrapped_height(label: QLabel) -> None:
    """Give a word-wrapped message the height its text needs at the width it is shown at.

    Layouts size a window before a message arrives and do not grow it for a wrapped label
    (a refusal was cut to two lines, the Sign in button squeezed under it); a dialog then
    grows to fit; the lock screen's card has a fixed width, so the height is exact there.
    """
    label.setMinimumHeight(label.heightForWidth(label.width()) if label.text() else 0)
    window = label.window()
    if isinstance(window, QDialog):
        window.adjustSize()


class SignInForm(QWidget):
    """User name, password and a button; unlocks ``vault`` in a worker and reports back."""

    signedIn = Signal(object)  # the User

    def __init__(self, vault: Vault, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vault = vault
        self._worker: TaskWorker | None = None  # the running job, if any
        self._jobs = JobRunner(self, _no_status, self._refused)
        self._started = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(WAIT_TICK_MS)
        self._tick.timeout.connect(self._show_wait)
        self.user_edit = QLineEdit(username)
        self.user_edit.setPlaceholderText("user name")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        self.password_edit.returnPressed.connect(self.submit)
        self.message = QLabel("")
        self.message.setObjectName("signinMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("User", self.user_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.sign_in_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(self.message)

    def set_vault(self, vault: Vault) -> None:
        self._vault = vault

    @Slot()
    def submit(self) -> None:
        """Unlock in a worker; the form is disabled until it answers."""
        if self._worker is not None:
            return
        user, password = self.user_edit.text().strip(), self.password_edit.text()
        if not user or not password:
            self._say("Enter your user name and password.", error=True)
            return
        vault = self._vault
        self._set_busy(True)
        self._worker = self._jobs.start(lambda _p: vault.unlock(user, password), self._unlocked)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.user_edit, self.password_edit, self.sign_in_button):
            widget.setEnabled(not busy)
        if busy:
            self._started = time.monotonic()
            self._say("Checking your password…")
            self._tick.start()
        else:
            self._tick.stop()

    @Slot()
    def _show_wait(self) -> None:
        waited = time.monotonic() - self._started
        if waited >= 1.0:
            self._say(
                f"Checking your password… {waited:.0f} s (after failed attempts each sign-in "
                "waits longer, to slow down password guessing)"
            )

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        reserve_wrapped_height(self.message)

    def _unlocked(self, user: User) -> None:
        self._worker = None
        self._set_busy(False)
        self.password_edit.clear()
        self._say("")
        self.signedIn.emit(user)

    def _refused(self, message: str) -> None:
        self._worker = None
        self._set_busy(False)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self._say(message, error=True)

    def wait_for_worker(self) -> None:
        if self._worker is not None:
            self._worker.wait()


class SignInDialog(QDialog):
    """The dialog of every start after the first: who is at the workstation."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign in — {PRODUCT}")
        self.setObjectName("signinDialog")
        self.vault = vault
        self.user: User | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(_banner(f"Sign in to open the patient vault. {DISCLAIMER}"))
        self.form = SignInForm(vault)
        self.form.signedIn.connect(self._accept_user)
        layout.addWidget(self.form)
        vault_label = QLabel(f"Vault: {vault.paths.database}")
        vault_label.setObjectName("vaultPath")
        layout.addWidget(vault_label)
        self.setMinimumWidth(460)

    @Slot(object)
    def _accept_user(self, user: User) -> None:
        self.user = user
        self.accept()

    def reject(self) -> None:
        self.form.wait_for_worker()
        super().reject()


class FirstRunDialog(QDialog):
    """First start: create the vault and its administrator, then show the recovery key once.

    The key is never stored; the dialog cannot be finished until the administrator ticks that
    it has been written down, because without it a lost key file means a lost vault.
    """

    def __init__(
        self, path: Path | None, kdf: Argon2Params | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Set up — {PRODUCT}")
        self.setObjectName("signinDialog")
        self.vault: Vault | None = None
        self._path = path
        self._kdf = kdf
        self._worker: TaskWorker | None = None  # the running job, if any
        self._pages = QStackedWidget()
        self._pages.addWidget(self._account_page())
        self._pages.addWidget(self._recovery_page())
        self._jobs = JobRunner(self, self.message.setText, self._refused)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _banner(
                "First start: create the encrypted patient vault and its administrator "
                f"account. {DISCLAIMER}"
            )
        )
        layout.addWidget(self._pages)
        self.setMinimumWidth(520)

    def _account_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText("administrator user name")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.create_button = QPushButton("Create vault")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        self.message = QLabel("")
        self.message.setObjectName("signinMessage")
        self.message.setProperty("error", True)
        self.message.setWordWrap(True)
        form.addRow("Administrator", self.user_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("Repeat password", self.repeat_edit)
        form.addRow("", self.create_button)
        form.addRow(self.message)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        text = QLabel(
            "<b>Write down this recovery key now and keep it offline (in the ward safe).</b> "
            "It is shown only this once and is never stored. It is the only way back into the "
            "vault if the key file is lost or every administrator forgets their password."
        )
        text.setWordWrap(True)
        self.key_view = QPlainTextEdit()
        self.key_view.setReadOnly(True)
        self.key_view.setFont(QFont("monospace", 13))
        self.key_view.setMaximumHeight(80)
        self.written_down = QCheckBox("I have written the recovery key down and stored it safely")
        self.written_down.toggled.connect(self._allow_finish)
        row = QHBoxLayout()
        self.finish_button = QPushButton("Continue")
        self.finish_button.setEnabled(False)
        self.finish_button.clicked.connect(self.accept)
        row.addStretch(1)
        row.addWidget(self.finish_button)
        layout.addWidget(text)
        layout.addWidget(self.key_view)
        layout.addWidget(self.written_down)
        layout.addLayout(row)
        return page

    @Slot()
    def create(self) -> None:
        user, password = self.user_edit.text().strip(), self.password_edit.text()
        if password != self.repeat_edit.text():
            self.message.setText("The two passwords differ.")
            return
        path, kdf = self._path, self._kdf
        self.create_button.setEnabled(False)
        self.message.setText("Creating the vault…")
        self._worker = self._jobs.start(
            lambda _p: Vault.create(path, user, password, kdf=kdf), self._created
        )

    def _created(self, created: tuple[Vault, str]) -> None:
        self._worker = None
        self.vault, key = created
        self.password_edit.clear()
        self.repeat_edit.clear()
        self.key_view.setPlainText(key)
        self._pages.setCurrentIndex(1)

    def _refused(self, message: str) -> None:
        self._worker = None
        self.create_button.setEnabled(True)
        self.message.setText(message)

    @Slot(bool)
    def _allow_finish(self, checked: bool) -> None:
        self.finish_button.setEnabled(checked)

    def accept(self) -> None:
        if self.vault is None or not self.written_down.isChecked():
            return
        super().accept()

    def reject(self) -> None:
        if self._worker is not None:
            self._worker.wait()
        super().reject()
