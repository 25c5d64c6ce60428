"""Session › Sign off…: review what is signed, confirm it explicitly, sign (REVIEWED).

``SignOffDialog`` shows the statements about to be signed, the ECG engine's apart from the
ones a clinician wrote (with their author), and which of them signing will confirm; its Sign
off button stays disabled until the clinician ticks the confirmation. ``SignOffFlow`` is the
window's side: it refuses early what the use case would refuse (no ECG session in front,
unsaved changes, already signed), opens the dialog, runs ``app.signoff.sign_off`` in a worker
and, on the GUI thread, shows the signed session and refreshes the patient's session rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.signoff import SignedSession, SignOffSheet, sign_off, sign_off_sheet
from workstation.ui.shell.signin_dialog import PRODUCT
from workstation.vault import SessionStatus, User
from workstation.vault.sign_offs import SignedStatement

if TYPE_CHECKING:
    from workstation.app.sessions import OpenedSession
    from workstation.ui.ecg.workspace import EcgWorkspace
    from workstation.ui.jobs import TaskWorker
    from workstation.ui.shell.main_window import MainWindow

CONFIRMED = "confirmed"
TO_CONFIRM = "confirmed by signing"


class SignOffDialog(QDialog):
    """The statements to sign and an explicit confirmation; accepted means 'sign'."""

    def __init__(
        self, parent: QWidget | None, sheet: SignOffSheet, opened: OpenedSession, user: User
    ) -> None:
        super().__init__(parent)
        p, s = opened.patient, opened.session
        self.setWindowTitle(f"Sign off session {s.id}")
        layout = QVBoxLayout(self)
        header = QLabel(
            f"<b>{p.name}</b> · {p.identifier} · session {s.id} · "
            f"{opened.recording.source_name}<br>Signing as <b>{user.username}</b> "
            f"({user.role}). Signing marks the session <b>REVIEWED</b> in the vault with your "
            "name and the time (written to the audit log), confirms every statement below, and "
            "cannot be undone."
        )
        header.setWordWrap(True)
        layout.addWidget(header)
        layout.addWidget(QLabel("<b>Interpretation statements (automated, by the ECG engine)</b>"))
        self.automated = self._table(("Statement", "Status"), sheet.automated, sheet)
        layout.addWidget(self.automated)
        layout.addWidget(QLabel("<b>Clinician statements</b>"))
        self.clinician = self._table(("Statement", "Author", "Status"), sheet.clinician, sheet)
        layout.addWidget(self.clinician)
        self.confirm = QCheckBox(
            "I have reviewed this recording and confirm the statements above; "
            f"sign the session off as {user.username}."
        )
        layout.addWidget(self.confirm)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton(
            "Sign off", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_button.setEnabled(False)
        self.sign_button.setObjectName("primary")  # its disabled look is the style's
        self.sign_button.setAutoDefault(False)  # Enter alone must not sign
        self.confirm.toggled.connect(self.sign_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(760, 460)

    def _table(
        self,
        headings: tuple[str, ...],
        statements: tuple[SignedStatement, ...],
        sheet: SignOffSheet,
    ) -> QTableWidget:
        table = QTableWidget(max(1, len(statements)), len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(headings)):
            table.horizontalHeader().setSectionResizeMode(
                c, QHeaderView.ResizeMode.ResizeToContents
            )
        if not statements:
            table.setItem(0, 0, QTableWidgetItem("(none)"))
        for r, statement in enumerate(statements):
            status = TO_CONFIRM if statement.text in sheet.unconfirmed else CONFIRMED
            cells = [statement.text, status]
            if len(headings) == 3:
                cells.insert(1, statement.author or "not recorded")
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        table.setWordWrap(True)
        table.resizeRowsToContents()
        return table

    def statement_rows(self, table: QTableWidget) -> list[tuple[str, ...]]:
        """The rows as shown (tests read what the clinician reads)."""
        return [
            tuple(
                table.item(r, c).text() if table.item(r, c) else ""
                for c in range(table.columnCount())
            )
            for r in range(table.rowCount())
        ]


class SignOffFlow(QObject):
    """The main window's Sign off… action: checks, dialog, worker, refresh."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._workspace: EcgWorkspace | None = None

    @Slot()
    def start(self) -> TaskWorker | None:
        """Check the session in front can be signed, ask in the dialog, then sign."""
        window = self.window
        workspace = window.current_workspace()
        if workspace is None:
            return self._tell("Open an ECG session to sign it off.")
        if workspace.has_changes:
            return self._tell("Save the review first (Ctrl+S): a sign-off signs what is stored.")
        session = workspace.opened.session
        if session.status is not SessionStatus.OPEN:
            by = f" by {session.signed_by}" if session.signed_by else ""
            return self._tell(f"Session {session.id} is already {session.status}{by}.")
        dialog = SignOffDialog(
            window, sign_off_sheet(workspace.opened), workspace.opened, window.vault.user
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.sign(workspace)

    def sign(self, workspace: EcgWorkspace) -> TaskWorker:
        """Sign the workspace's session off in a worker (the dialog was confirmed)."""
        vault, opened, unsaved = self.window.vault, workspace.opened, workspace.has_changes
        self._workspace = workspace
        return self.window._run(
            lambda progress: sign_off(vault, opened, unsaved, progress),
            self._signed,
            "Signing off…",
        )

    @Slot(object)
    def _signed(self, signed: SignedSession) -> None:
        if self._workspace is not None:
            self._workspace.show_session(signed.opened)
        s = signed.sign_off
        self.window.statusBar().showMessage(
            f"Session {s.session_id} signed off by {s.signed_by}: {SessionStatus.REVIEWED}."
        )
        patient_id = signed.opened.patient.id
        if self.window.patients.current_patient_id() == patient_id:
            self.window._load_sessions(patient_id)

    def _tell(self, text: str) -> None:
        QMessageBox.information(self.window, PRODUCT, text)
