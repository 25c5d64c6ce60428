"""Tools › Audit log…: who did what in the vault, filtered, verified and exported.

The log is read in a worker through ``app.governance`` (the vault's public ``audit_log``),
so the vault's rule holds unchanged: administrators read it, anyone else is told so in the
dialog. Verify chain (``vault.verify``) is open to everyone signed in and says its result in
words. The export is owner-only CSV, and its caption says it leaves the vault's protection.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
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

from workstation.app.governance import (
    AuditQuery,
    AuditView,
    ChainCheck,
    audit_actions,
    check_chain,
    export_audit_csv,
    read_audit,
)
from workstation.ui.jobs import JobRunner
from workstation.ui.shell.sizing import fit_to_screen
from workstation.vault import Vault

ANY = "any"
COLUMNS = ("Time (UTC)", "User", "Action", "Outcome", "Object", "Detail")
EARLIEST = QDate(2000, 1, 1)


def _date_edit() -> QDateEdit:
    """A date field whose lowest value reads 'any' (no bound)."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(EARLIEST)
    edit.setSpecialValueText(ANY)
    edit.setDate(EARLIEST)
    return edit


def _day(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == EARLIEST else date(value.year(), value.month(), value.day())


class AuditViewer(QDialog):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.view: AuditView | None = None
        self.setWindowTitle("Audit log")
        # Progress messages are not shown: the summary line says what the table holds.
        self.jobs = JobRunner(self, lambda _text: None, self._failed)
        self.patient = QLineEdit()
        self.patient.setPlaceholderText("hospital number")
        self.user = QComboBox()
        self.user.addItem(ANY, "")
        self.action = QComboBox()
        self.action.addItem(ANY, "")
        for action in audit_actions():
            self.action.addItem(action.replace("_", " "), action)
        self.text = QLineEdit()
        self.text.setPlaceholderText("in the object or the detail")
        self.date_from, self.date_to = _date_edit(), _date_edit()
        self.apply_button = QPushButton("Apply filter")
        self.apply_button.setObjectName("primary")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.reload)
        self.patient.returnPressed.connect(self.reload)
        self.text.returnPressed.connect(self.reload)
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.setToolTip(
            "Check the audit chain, its signatures, every clinical row's content hash and "
            "every page of the vault (the check is itself audited)"
        )
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_export)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.hide()
        self.chain = QLabel("Chain not verified in this window yet.")
        self.chain.setWordWrap(True)
        self._lay_out()
        fit_to_screen(self, 1180, 700)
        self.reload()

    def _lay_out(self) -> None:
        filters = QGridLayout()
        for column, (label, field) in enumerate(
            (("Patient", self.patient), ("User", self.user), ("Action", self.action))
        ):
            filters.addWidget(QLabel(label), 0, 2 * column)
            filters.addWidget(field, 0, 2 * column + 1)
        for column, (label, field) in enumerate(
            (("Text", self.text), ("From", self.date_from), ("To", self.date_to))
        ):
            filters.addWidget(QLabel(label), 1, 2 * column)
            filters.addWidget(field, 1, 2 * column + 1)
        filters.addWidget(self.apply_button, 0, 6, 2, 1)
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.chain, 1)
        buttons.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Every access to the vault, oldest first: sign-ins, reads, changes, exports and "
            "refusals. Reading this log is itself recorded."
        )
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(close)

    def query(self) -> AuditQuery:
        return AuditQuery(
            patient=self.patient.text().strip(),
            user=self.user.currentData() or "",
            action=self.action.currentData() or "",
            text=self.text.text(),
            date_from=_day(self.date_from),
            date_to=_day(self.date_to),
        )

    @Slot()
    def reload(self) -> None:
        vault, query = self.vault, self.query()
        self.message.hide()
        self.summary.setText("Reading the audit log…")
        self.jobs.start(lambda progress: read_audit(vault, query, progress), self._show, "")

    def _show(self, view: AuditView) -> None:
        self.view = view
        chosen = self.user.currentData()
        self.user.blockSignals(True)
        self.user.clear()
        self.user.addItem(ANY, "")
        for name in view.users:
            self.user.addItem(name, name)
        self.user.setCurrentIndex(max(0, self.user.findData(chosen)))
        self.user.blockSignals(False)
        self.table.setRowCount(len(view.rows))
        for row, entry in enumerate(view.rows):
            time = entry.time[:19].replace("T", " ")
            values = (time, entry.username, entry.action, entry.outcome, entry.target, entry.detail)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if entry.outcome != "ok":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.table.scrollToBottom()
        self.summary.setText(f"Showing {len(view.rows)} of {view.total} rows. {view.note}".strip())
        self.export_button.setEnabled(bool(view.rows))

    def _failed(self, message: str) -> None:
        """A refusal (not an administrator) or a failure: said in the dialog, nothing shown."""
        self.message.setText(message)
        self.message.show()
        self.summary.setText("")
        if self.view is None:
            self.table.setRowCount(0)
            self.export_button.setEnabled(False)

    @Slot()
    def verify(self) -> None:
        vault = self.vault
        self.chain.setText("Verifying…")
        self.verify_button.setEnabled(False)
        self.jobs.start(lambda progress: check_chain(vault, progress), self._verified, "")

    def _verified(self, check: ChainCheck) -> None:
        self.verify_button.setEnabled(True)
        self.chain.setText(check.text)
        self.chain.setObjectName("" if check.intact else "error")
        self.chain.setStyleSheet("" if check.intact else "color: #a3290b; font-weight: 600;")

    @Slot()
    def choose_export(self) -> None:
        caption = "Export the audit log: the CSV leaves the vault's protection (saved owner-only)"
        path, _ = QFileDialog.getSaveFileName(self, caption, "audit-log.csv", "CSV (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        rows = self.view.rows if self.view is not None else ()
        self.jobs.start(
            lambda _progress: export_audit_csv(self.vault, rows, path),
            lambda written: self.summary.setText(f"{len(rows)} rows exported to {written}."),
            "",
        )


def open_audit_viewer(window) -> AuditViewer:
    """Open the audit log over the main window (non-modal, one at a time)."""
    dialog = AuditViewer(window.vault, window)
    window.audit_dialog = dialog
    dialog.show()
    return dialog
