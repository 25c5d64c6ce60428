"""Tools › Users… (administrators): the accounts, adding one, resetting a password, removing one.

Every change goes through the vault's public API in a worker (``add_user``, ``change_password``,
``remove_user``), so the vault's own rules and messages apply as they are: its password
policy's refusal is shown word for word, and a refusal for a non-administrator is audited
and shown. Removing an account re-encrypts the vault, so it is confirmed by typing the name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.jobs import JobRunner
from workstation.ui.shell.sizing import fit_to_screen
from workstation.vault import Role, User, Vault

ADMIN_ONLY = "Only administrators manage accounts."


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class _VaultForm(QDialog):
    """A small form whose OK runs one vault call in a worker: it closes when the call
    succeeds and stays open, with the vault's message, when it is refused."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.jobs = JobRunner(self, lambda _text: None, self._refused)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def check(self) -> str:
        """A problem to fix before the vault is asked ('' when there is none)."""
        return ""

    def task(self) -> Callable[[Any], Any]:
        raise NotImplementedError

    @Slot()
    def submit(self) -> None:
        problem = self.check()
        if problem:
            self._refused(problem)
            return
        self.message.hide()
        self.ok_button.setEnabled(False)
        self.jobs.start(self.task(), lambda _result: self.accept(), "")

    def _refused(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.message.setText(message)
        self.message.show()


class AddUserDialog(_VaultForm):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__("Add user", "Add user", parent)
        self.vault = vault
        self.username = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.value, role.value)
        self.password, self.repeat = _password_field(), _password_field()
        self.form.addRow("Username", self.username)
        self.form.addRow("Role", self.role)
        self.form.addRow("Password", self.password)
        self.form.addRow("Repeat password", self.repeat)
        hint = QLabel(
            "At least 12 characters and hard to guess; a few unrelated words work well. "
            "Give the password to the user in person."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.form.addRow(hint)

    def check(self) -> str:
        if not self.username.text().strip():
            return "Type a username."
        if self.password.text() != self.repeat.text():
            return "The two passwords differ. Type the same password twice."
        return ""

    def task(self) -> Callable[[Any], Any]:
        vault, name = self.vault, self.username.text().strip()
        password, role = self.password.text(), self.role.currentData()
        return lambda _progress: vault.add_user(name, password, role)


class ResetPasswordDialog(_VaultForm):
    """An administrator resets someone's password; one's own needs the current one too."""

    def __init__(self, vault: Vault, username: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Reset password — {username}", "Set password", parent)
        self.vault, self.target = vault, username
        self.current: QLineEdit | None = None
        if username == vault.user.username:
            self.current = _password_field()
            self.form.addRow("Your current password", self.current)
        self.password, self.repeat = _password_field(), _password_field()
        self.form.addRow("New password", self.password)
        self.form.addRow("Repeat new password", self.repeat)

    def check(self) -> str:
        if self.password.text() != self.repeat.text():
            return "The two passwords differ. Type the same password twice."
        return ""

    def task(self) -> Callable[[Any], Any]:
        vault, name, new = self.vault, self.target, self.password.text()
        current = self.current.text() if self.current is not None else None
        return lambda _progress: vault.change_password(name, new, current)


class RemoveUserDialog(_VaultForm):
    """Removal closes the account and re-encrypts the vault: typed confirmation."""

    def __init__(self, vault: Vault, username: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Remove user — {username}", "Remove user", parent)
        self.vault, self.target = vault, username
        warning = QLabel(
            f"Removing <b>{username}</b> closes the account and re-encrypts the vault with a "
            "new key; their audit rows stay. Type the username to confirm."
        )
        warning.setWordWrap(True)
        self.form.addRow(warning)
        self.confirm = QLineEdit()
        self.confirm.setPlaceholderText(username)
        self.form.addRow("Username", self.confirm)
        self.ok_button.setEnabled(False)
        self.confirm.textChanged.connect(
            lambda text: self.ok_button.setEnabled(text == self.target)
        )

    def task(self) -> Callable[[Any], Any]:
        vault, name = self.vault, self.target
        return lambda _progress: vault.remove_user(name)


class UsersDialog(QDialog):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.users: list[User] = []
        self.form: _VaultForm | None = None
        self.last_change = ""  # what the last change did, said with the refreshed list
        self.setWindowTitle("Users")
        self.jobs = JobRunner(self, lambda _text: None, self._failed)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(("Username", "Role", "Created (UTC)", "Created by"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.add_button = QPushButton("Add user…")
        self.add_button.setObjectName("primary")
        self.add_button.clicked.connect(self.add_user)
        self.reset_button = QPushButton("Reset password…")
        self.reset_button.clicked.connect(self.reset_password)
        self.remove_button = QPushButton("Remove user…")
        self.remove_button.clicked.connect(self.remove_user)
        row = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Accounts that can sign in to this vault. Clinicians review and report; "
            "administrators also manage accounts and read the audit log. Every change here "
            "is audited."
        )
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(close)
        fit_to_screen(self, 760, 480)
        self._selection_changed()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        vault = self.vault
        self.jobs.start(lambda _progress: vault.list_users(), self._show, "")

    def _show(self, users: list[User]) -> None:
        self.users = list(users)
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            values = (user.username, str(user.role), user.created_at[:19].replace("T", " "))
            for column, value in enumerate((*values, user.created_by)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.message.setText(f"{len(users)} account(s). {self.last_change}".strip())
        self._selection_changed()

    def _failed(self, message: str) -> None:
        self.message.setText(message)
        self.message.setObjectName("error")
        self.message.setStyleSheet("color: #a3290b; font-weight: 600;")

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()].username if rows else None

    @Slot()
    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.reset_button.setEnabled(chosen is not None)
        self.remove_button.setEnabled(chosen is not None and chosen != self.vault.user.username)

    def _open(self, form: _VaultForm, done: str) -> None:
        self.form = form

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.last_change = done
                self.refresh()

        form.finished.connect(finished)
        form.open()

    @Slot()
    def add_user(self) -> None:
        self._open(AddUserDialog(self.vault, self), "Account added.")

    @Slot()
    def reset_password(self) -> None:
        name = self.selected()
        if name is not None:
            self._open(ResetPasswordDialog(self.vault, name, self), f"Password of {name} reset.")

    @Slot()
    def remove_user(self) -> None:
        name = self.selected()
        if name is not None:
            self._open(RemoveUserDialog(self.vault, name, self), f"{name} removed.")


def open_users(window) -> UsersDialog:
    """Open the accounts over the main window (non-modal)."""
    dialog = UsersDialog(window.vault, window)
    window.users_dialog = dialog
    dialog.show()
    return dialog
