"""File › Sign off…: review what is signed, confirm it explicitly, sign (REVIEWED).

One flow for every reviewed modality (ECG, EEG, video vitals). ``SignOffDialog`` shows the
engine's findings apart from what clinicians wrote (statements, notes, annotations, with
their author), and which of them signing will confirm; its Sign off button stays disabled
until the clinician ticks the confirmation. ``SignOffFlow`` is the window's side: it asks
the tab in front for its sheet (``sign_off_sheet``), refuses early what the use case would
refuse (no session in front, unsaved changes, already signed), opens the dialog, runs
``app.signoff.sign_off`` in a worker and, on the GUI thread, tells the tab it was signed
and refreshes the patient's session rows.
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
from workstation.errors import SignOffRefused
from workstation.recording import Modality
from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.shell.signin_dialog import PRODUCT
from workstation.ui.video.panel import VideoPanel
from workstation.vault import SessionStatus, User
from workstation.vault.sign_offs import ANNOTATION, NOTE, SignedStatement

if TYPE_CHECKING:
    from workstation.ui.jobs import TaskWorker
    from workstation.ui.shell.main_window import MainWindow

CONFIRMED = "confirmed"
TO_CONFIRM = "confirmed by signing"
#: The status column of what is signed as written, not confirmed.
SIGNED_AS = {NOTE: "note", ANNOTATION: "annotation"}

#: Per modality: the heading of the engine's findings and their column, the heading of the
#: clinicians' part and its column.
HEADINGS = {
    Modality.ECG: (
        "Interpretation statements (automated, by the ECG engine)",
        "Statement",
        "Clinician statements, notes and annotations",
        "Statement, note or annotation",
    ),
    Modality.EEG: (
        "Findings (automated, by the seizure-like-activity detector)",
        "Finding",
        "Clinician annotations",
        "Annotation",
    ),
    Modality.VIDEO: (
        "Measurements (automated, by the video-vitals engine)",
        "Measurement",
        "Clinician statements and notes",
        "Statement or note",
    ),
}


class SignOffDialog(QDialog):
    """The statements to sign and an explicit confirmation; accepted means 'sign'."""

    def __init__(self, parent: QWidget | None, sheet: SignOffSheet, user: User) -> None:
        super().__init__(parent)
        p = sheet.patient
        self.setWindowTitle(f"Sign off session {sheet.session_id}")
        layout = QVBoxLayout(self)
        header = QLabel(
            f"<b>{p.name}</b> · {p.identifier} · {sheet.modality.upper()} session "
            f"{sheet.session_id} · {sheet.source}<br>Signing as <b>{user.username}</b> "
            f"({user.role}). Signing marks the session <b>REVIEWED</b> in the vault with your "
            "name and the time (written to the audit log), confirms every finding and "
            "statement below, and cannot be undone."
        )
        header.setWordWrap(True)
        layout.addWidget(header)
        automated, found, clinician, written = HEADINGS[sheet.modality]
        layout.addWidget(QLabel(f"<b>{automated}</b>"))
        self.automated = self._table((found, "Status"), sheet.automated, sheet)
        layout.addWidget(self.automated)
        layout.addWidget(QLabel(f"<b>{clinician}</b>"))
        self.clinician = self._table(
            (written, "Author", "Status"), sheet.clinician + sheet.notes, sheet
        )
        layout.addWidget(self.clinician)
        self.confirm = QCheckBox(
            "I have reviewed this recording and confirm the findings and statements above; "
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
            status = SIGNED_AS.get(statement.source) or (
                TO_CONFIRM if statement.text in sheet.unconfirmed else CONFIRMED
            )
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
        self._tab: QWidget | None = None
        self._patient_id: int | None = None

    @Slot()
    def start(self) -> TaskWorker | None:
        """Check the session in front can be signed, ask in the dialog, then sign."""
        window = self.window
        tab = window.tabs.currentWidget()
        try:
            sheet, unsaved = self._sheet(tab)
        except SignOffRefused as refusal:
            return self._tell(str(refusal))
        if unsaved:
            return self._tell("Save the review first (Ctrl+S): a sign-off signs what is stored.")
        known = sheet.session
        if known is not None and known.status is not SessionStatus.OPEN:
            by = f" by {known.signed_by}" if known.signed_by else ""
            return self._tell(f"Session {known.id} is already {known.status}{by}.")
        dialog = SignOffDialog(window, sheet, window.vault.user)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.sign(tab, sheet, unsaved)

    def _sheet(self, tab: QWidget) -> tuple[SignOffSheet, bool]:
        """What the tab in front would sign, and whether it holds unsaved edits."""
        if isinstance(tab, EcgWorkspace) and tab.is_built:
            return sign_off_sheet(tab.opened), tab.has_changes
        patient = self.window.front_patient()
        if isinstance(tab, EegViewer) and patient is not None:
            return tab.sign_off_sheet(patient), tab.has_unsaved_review()
        if isinstance(tab, VideoPanel):
            return tab.sign_off_sheet(), False
        raise SignOffRefused(
            "No session is in front to sign off.",
            "Open the ECG, EEG or video session you reviewed, then sign it off.",
        )

    def sign(self, tab: QWidget, sheet: SignOffSheet, unsaved: bool) -> TaskWorker:
        """Sign the sheet's session off in a worker (the dialog was confirmed)."""
        vault = self.window.vault
        self._tab, self._patient_id = tab, sheet.patient.id
        return self.window._run(
            lambda progress: sign_off(vault, sheet, unsaved, progress),
            self._signed,
            "Signing off…",
        )

    @Slot(object)
    def _signed(self, signed: SignedSession) -> None:
        tabs = self.window.tabs
        still_open = any(tabs.widget(i) is self._tab for i in range(tabs.count()))
        tab = self._tab if still_open else None  # a tab closed meanwhile is left alone
        if isinstance(tab, EcgWorkspace) and signed.opened is not None:
            tab.show_session(signed.opened)
        elif isinstance(tab, EegViewer | VideoPanel):
            tab.signed_off(signed.sign_off)
        s = signed.sign_off
        self.window.statusBar().showMessage(
            f"Session {s.session_id} signed off by {s.signed_by}: {SessionStatus.REVIEWED}."
        )
        if self.window.patients.current_patient_id() == self._patient_id:
            self.window._load_sessions(self._patient_id)

    def _tell(self, text: str) -> None:
        QMessageBox.information(self.window, PRODUCT, text)
