"""The patient list (with search and "new patient") and the chosen patient's sessions.

The panel only shows what the main window gives it; reading the vault happens in workers.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.vault import Patient, SessionSummary

SEXES = (("not stated", ""), ("female", "F"), ("male", "M"), ("other", "O"))


def session_date(summary: SessionSummary) -> str:
    return datetime.fromisoformat(summary.created_at).astimezone().strftime("%Y-%m-%d %H:%M")


def recorded_date(summary: SessionSummary) -> str:
    """When the recording was made, as its file says (not when it was imported)."""
    if not summary.recorded_at:
        return "not stated"
    return datetime.fromisoformat(summary.recorded_at).strftime("%Y-%m-%d %H:%M")


def session_text(summary: SessionSummary) -> str:
    """Two lines that tell two sessions of a patient apart in the narrow sessions column:
    what (file, modality, status) and when (recorded, by whom, imported)."""
    what = f"{summary.source_name or '(no recording file)'} · {summary.modality.upper()} · "
    when = f"recorded {recorded_date(summary)} · {summary.created_by} · "
    status = f"{summary.status} by {summary.signed_by}" if summary.signed_by else summary.status
    return f"{what}{status}\n{when}imported {session_date(summary)}"


def parse_birth_date(text: str) -> date | None:
    """A typed birth date (YYYY-MM-DD), None when left empty; ValueError in words otherwise.

    A typed field rather than a date spin box: clinicians type dates from a wristband, and a
    spin box with a "not stated" placeholder turned "1956-04-12" into "not stated9560412".
    """
    text = text.strip()
    if not text:
        return None
    try:
        born = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Birth date '{text}' is not a date: type it as YYYY-MM-DD.") from None
    if not date(1900, 1, 1) <= born <= date.today():
        raise ValueError(f"Birth date {born.isoformat()} is not between 1900 and today.")
    return born


def matches(text: str, needle: str) -> bool:
    """Every word of the search appears in the text, in any order ("Ada Lovelace" finds
    "Lovelace, Ada")."""
    words = needle.replace(",", " ").casefold().split()
    haystack = text.casefold()
    return all(word in haystack for word in words)


class NewPatientDialog(QDialog):
    """Identifier, name, sex and (optional) birth date of a new patient.

    OK with a required field empty or a date that is not one says what is wrong in the
    dialog, next to the buttons, and puts the cursor in the field to correct.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New patient")
        self.identifier = QLineEdit()
        self.identifier.setPlaceholderText("hospital number")
        self.name = QLineEdit()
        self.sex = QComboBox()
        for text, value in SEXES:
            self.sex.addItem(text, value)
        self.birth = QLineEdit()
        self.birth.setPlaceholderText("YYYY-MM-DD (optional)")
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Identifier", self.identifier)
        form.addRow("Name", self.name)
        form.addRow("Sex", self.sex)
        form.addRow("Birth date", self.birth)
        form.addRow(self.problem)
        form.addRow(buttons)

    def accept(self) -> None:
        for field, what in ((self.identifier, "the hospital number"), (self.name, "the name")):
            if not field.text().strip():
                self._refuse(field, f"Enter {what}: it is required.")
                return
        try:
            parse_birth_date(self.birth.text())
        except ValueError as exc:
            self._refuse(self.birth, str(exc))
            return
        super().accept()

    def _refuse(self, field: QLineEdit, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        field.setFocus()

    def values(self) -> tuple[str, str, str, date | None]:
        return (
            self.identifier.text().strip(),
            self.name.text().strip(),
            str(self.sex.currentData()),
            parse_birth_date(self.birth.text()),
        )


class PatientsPanel(QWidget):
    """Left column of the main window."""

    patientChosen = Signal(int)
    sessionActivated = Signal(int)
    newPatientRequested = Signal()
    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientsPanel")
        self._patients: list[Patient] = []
        self._sessions: list[SessionSummary] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search patients (name or identifier)  Ctrl+F")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.patient_list = QListWidget()
        self.patient_list.currentItemChanged.connect(self._patient_changed)
        new_patient = QPushButton("New patient…")
        new_patient.clicked.connect(self.newPatientRequested)
        self.import_button = QPushButton("Import recording…")
        self.import_button.setObjectName("primary")
        self.import_button.clicked.connect(self.importRequested)
        self.import_button.setEnabled(False)
        self.setMinimumWidth(200)  # the main window gives it 280 when the screen allows
        self.sessions = QTableWidget(0, 1)
        self.sessions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sessions.horizontalHeader().hide()
        self.sessions.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.sessions.setWordWrap(False)
        self.sessions.verticalHeader().hide()
        self.sessions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sessions.cellDoubleClicked.connect(self._session_activated)
        self.sessions_title = QLabel("Sessions")
        self.sessions_title.setObjectName("sectionTitle")
        hint = QLabel("Double-click a session to open it; drop a file here to import it.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        title = QLabel("Patients")
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.patient_list, 3)
        layout.addWidget(new_patient)
        layout.addWidget(self.sessions_title)
        layout.addWidget(self.sessions, 2)
        layout.addWidget(self.import_button)
        layout.addWidget(hint)

    def set_patients(self, patients: list[Patient], select: int | None = None) -> None:
        current = select if select is not None else self.current_patient_id()
        self._patients = sorted(patients, key=lambda p: p.name.casefold())
        self.patient_list.blockSignals(True)
        self.patient_list.clear()
        for patient in self._patients:
            item = QListWidgetItem(f"{patient.name}  ·  {patient.identifier}")
            item.setData(Qt.ItemDataRole.UserRole, patient.id)
            self.patient_list.addItem(item)
        self.patient_list.blockSignals(False)
        self._filter(self.search.text())
        for row in range(self.patient_list.count()):
            if self.patient_list.item(row).data(Qt.ItemDataRole.UserRole) == current:
                self.patient_list.setCurrentRow(row)

    def patient_names(self) -> list[str]:
        """What the list shows (the lock test checks it is empty while locked)."""
        return [self.patient_list.item(i).text() for i in range(self.patient_list.count())]

    def current_patient_id(self) -> int | None:
        item = self.patient_list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def current_patient(self) -> Patient | None:
        chosen = self.current_patient_id()
        return next((p for p in self._patients if p.id == chosen), None)

    def set_sessions(self, sessions: list[SessionSummary]) -> None:
        self._sessions = sorted(sessions, key=lambda s: s.created_at, reverse=True)
        self.sessions.setRowCount(len(self._sessions))
        for row, s in enumerate(self._sessions):
            item = QTableWidgetItem(session_text(s))
            item.setToolTip(session_text(s))
            self.sessions.setItem(row, 0, item)

    def session_ids(self) -> list[int]:
        return [s.id for s in self._sessions]

    def clear(self) -> None:
        """Forget everything shown: used when the workstation locks."""
        self._patients = []
        self.patient_list.clear()
        self.set_sessions([])
        self.search.clear()
        self.import_button.setEnabled(False)

    @Slot(str)
    def _filter(self, text: str) -> None:
        for row in range(self.patient_list.count()):
            item = self.patient_list.item(row)
            item.setHidden(not matches(item.text(), text))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _patient_changed(self, current: QListWidgetItem | None, _previous) -> None:
        self.import_button.setEnabled(current is not None)
        self.set_sessions([])
        if current is not None:
            self.patientChosen.emit(int(current.data(Qt.ItemDataRole.UserRole)))

    @Slot(int, int)
    def _session_activated(self, row: int, _column: int) -> None:
        self.sessionActivated.emit(self._sessions[row].id)
