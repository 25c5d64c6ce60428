"""The review side of the ECG workspace: measurements, statements, annotations, notes and
what the explanations mean. It holds the clinician's pending changes until they are saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.recording import Annotation
from workstation.ui.ecg_paper import display_name
from workstation.vault import Note

ATTRIBUTION_LEGEND = (
    "<b>Attribution strip</b> (under each trace, white → dark purple): how much the "
    "segmentation model's confidence in its own P/QRS/T labels drops when that 80 ms of the "
    "trace is blanked out. It shows <i>where the model looked</i> to draw the masks. It does "
    "<b>not</b> show where disease is, and it does not explain the interpretation statements "
    "or the abnormality score."
)
MASK_LEGEND = (
    "<span style='background:#0072B2;color:white'>&nbsp;P&nbsp;</span> "
    "<span style='background:#D55E00;color:white'>&nbsp;QRS&nbsp;</span> "
    "<span style='background:#009E73;color:white'>&nbsp;T&nbsp;</span> "
    "bands: the segmentation model's wave labels; triangles mark onsets and offsets."
)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def measurement_rows(results: dict[str, Any]) -> list[tuple[str, str]]:
    """The global measurements as a clinician reads them, in the usual order."""
    axes = results.get("axis_deg") or {}
    rate = results.get("heart_rate_bpm")
    return [
        ("Heart rate", "—" if rate is None else f"{rate:.0f} bpm"),
        ("PR interval", _ms(results.get("pr_ms"))),
        ("QRS duration", _ms(results.get("qrs_ms"))),
        ("QT interval", _ms(results.get("qt_ms"))),
        ("QTc Bazett", _ms(results.get("qtc_bazett_ms"))),
        ("QTc Fridericia", _ms(results.get("qtc_fridericia_ms"))),
        *[
            (f"{name} axis", "—" if axes.get(key) is None else f"{axes[key]:.0f}°")
            for key, name in (("p", "P"), ("qrs", "QRS"), ("t", "T"))
        ],
    ]


def _read_only(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


class StatementsTable(QTableWidget):
    """Statements the clinician can edit, add, delete and confirm (pending until saved)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Statement", "Confirmation"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self._statements: list[dict[str, Any]] = []
        self._confirmed: dict[str, str] = {}
        self.pending_confirmations: list[str] = []
        self.edited = False
        self.itemChanged.connect(self._on_edit)

    def load(self, statements: list[dict[str, Any]], confirmations: list[Note]) -> None:
        self._statements = [dict(s) for s in statements]
        self._confirmed = {n.text: f"{n.author}, {_when(n.created_at)}" for n in confirmations}
        self.pending_confirmations = []
        self.edited = False
        self._fill()

    def _status(self, text: str) -> str:
        if text in self._confirmed:
            return f"Confirmed by {self._confirmed[text]}"
        if text in self.pending_confirmations:
            return "Confirmed (saved with the session)"
        return "Not confirmed"

    def _fill(self) -> None:
        self.blockSignals(True)
        self.setRowCount(len(self._statements))
        for row, statement in enumerate(self._statements):
            text = str(statement.get("text", ""))
            item = QTableWidgetItem(text)
            evidence = statement.get("evidence") or {}
            item.setToolTip(", ".join(f"{k}: {v}" for k, v in evidence.items()) or text)
            self.setItem(row, 0, item)
            self.setItem(row, 1, _read_only(self._status(text)))
        self.resizeRowsToContents()
        self.blockSignals(False)

    @Slot(QTableWidgetItem)
    def _on_edit(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        old = self._statements[item.row()]
        text = item.text().strip()
        if text == old.get("text"):
            return
        self._statements[item.row()] = {
            "code": "clinician",
            "text": text,
            "evidence": {},
            "abnormal": bool(old.get("abnormal", True)),
        }
        self.edited = True
        self._fill()
        self.changed.emit()

    def add_statement(self, text: str) -> None:
        self._statements.append(
            {"code": "clinician", "text": text, "evidence": {}, "abnormal": True}
        )
        self.edited = True
        self._fill()
        self.changed.emit()

    def delete_selected(self) -> None:
        rows = sorted({i.row() for i in self.selectedIndexes()}, reverse=True)
        for row in rows:
            del self._statements[row]
        if rows:
            self.edited = True
            self._fill()
            self.changed.emit()

    def confirm_selected(self) -> None:
        for row in sorted({i.row() for i in self.selectedIndexes()}):
            text = str(self._statements[row].get("text", ""))
            if text not in self._confirmed and text not in self.pending_confirmations:
                self.pending_confirmations.append(text)
        self._fill()
        self.changed.emit()

    def statements(self) -> list[dict[str, Any]]:
        return [dict(s) for s in self._statements]

    def status_of(self, text: str) -> str:
        return self._status(text)


class EcgReviewPanel(QTabWidget):
    """Tabs beside the paper: Measurements, Statements, Annotations, Notes, Explanations."""

    annotationChosen = Signal(float, str)  # seconds, lead ("" for all)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.pending_notes: list[str] = []
        self._annotation_rows: list[tuple[float, str]] = []
        self.clinician_annotations: list[dict[str, Any]] = []
        self.annotations_edited = False

    def building_steps(self) -> Iterator[None]:
        """The tabs, one per step: styled widgets are slow to create, so the caller spreads
        them over turns of the event loop."""
        self.measurements = QTableWidget(0, 2)
        self.measurements.setHorizontalHeaderLabels(["Measurement", "Value"])
        self.measurements.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.measurements.verticalHeader().hide()
        self.measurements.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.addTab(self._measurements_tab(), "Measurements")
        yield
        self.statements = StatementsTable()
        self.statements.changed.connect(self.changed)
        self.addTab(self._statements_tab(), "Statements")
        yield
        self.annotations = QTableWidget(0, 4)
        self.annotations.setHorizontalHeaderLabels(["Time", "Lead", "Label", "By"])
        self.annotations.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.annotations.verticalHeader().hide()
        self.annotations.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.annotations.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.annotations.cellClicked.connect(self._annotation_clicked)
        self.addTab(self.annotations, "Annotations")
        yield
        self.notes = QListWidget()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Add a note to this session and press Enter")
        self.note_edit.returnPressed.connect(self._add_note)
        self.addTab(self._notes_tab(), "Notes")
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.addTab(self.explanation, "Explanations")

    def _measurements_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.measurements)
        self.score_label = QLabel()
        self.score_label.setWordWrap(True)
        layout.addWidget(self.score_label)
        return page

    def _statements_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.statements)
        row = QHBoxLayout()
        self.new_statement = QLineEdit()
        self.new_statement.setPlaceholderText("New statement")
        self.new_statement.returnPressed.connect(self._add_statement)
        add = QPushButton("Add")
        add.clicked.connect(self._add_statement)
        delete = QPushButton("Delete")
        delete.clicked.connect(self.statements.delete_selected)
        self.confirm_button = QPushButton("Confirm selected")
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.statements.confirm_selected)
        row.addWidget(self.new_statement, 1)
        row.addWidget(add)
        row.addWidget(delete)
        layout.addLayout(row)
        layout.addWidget(self.confirm_button)
        hint = QLabel(
            "Double-click a statement to edit it. Confirmations record your name and the time "
            "when the session is saved (Ctrl+S)."
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        return page

    def _notes_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.notes)
        layout.addWidget(self.note_edit)
        return page

    # Loading -------------------------------------------------------------------------------

    def load(
        self,
        results: dict[str, Any],
        confirmations: list[Note],
        notes: list[Note],
        file_annotations: tuple[Annotation, ...],
    ) -> None:
        rows = measurement_rows(results)
        self.measurements.setRowCount(len(rows))
        for i, (name, value) in enumerate(rows):
            self.measurements.setItem(i, 0, _read_only(name))
            self.measurements.setItem(i, 1, _read_only(value))
        self.score_label.setText(self._score_text(results))
        self.statements.load(list(results.get("statements") or []), confirmations)
        self.clinician_annotations = [dict(a) for a in results.get("clinician_annotations") or []]
        self.annotations_edited = False
        self._file_annotations = file_annotations
        self._fill_annotations()
        self.notes.clear()
        for note in notes:
            self.notes.addItem(f"{note.author}, {_when(note.created_at)}: {note.text}")
        self.pending_notes = []
        self.explanation.setText(self._explanation_text(results))

    def _score_text(self, results: dict[str, Any]) -> str:
        score = results.get("abnormality")
        if not score:
            return ""
        return (
            f"Abnormality score {score['probability_abnormal']:.2f} (threshold "
            f"{score['threshold']:.2f}): <b>{score['label']}</b>. A screening aid for review "
            "order, not a diagnosis."
        )

    def _explanation_text(self, results: dict[str, Any]) -> str:
        parts = [MASK_LEGEND, ATTRIBUTION_LEGEND]
        explanation = (results.get("abnormality") or {}).get("explanation") or {}
        top = sorted(explanation.items(), key=lambda kv: abs(kv[1]), reverse=True)[:5]
        if top:
            items = "".join(f"<li>{k}: {v:+.3f}</li>" for k, v in top)
            parts.append(
                "<b>Abnormality score, largest feature contributions</b> (exact Shapley "
                "values against a median ECG; + pushes towards abnormal):<ul>" + items + "</ul>"
            )
        return "<br><br>".join(parts)

    def _fill_annotations(self) -> None:
        rows = [(a.onset, a.channel or "", a.label, "file") for a in self._file_annotations]
        rows += [
            (float(a["onset"]), a.get("lead", ""), a["label"], a["author"])
            for a in self.clinician_annotations
        ]
        rows.sort(key=lambda r: r[0])
        self.annotations.setRowCount(len(rows))
        self._annotation_rows = []
        for i, (onset, lead, label, by) in enumerate(rows):
            self.annotations.setItem(i, 0, _read_only(f"{onset:.3f} s"))
            self.annotations.setItem(i, 1, _read_only(display_name(lead) if lead else "all"))
            self.annotations.setItem(i, 2, _read_only(label))
            self.annotations.setItem(i, 3, _read_only(by))
            self._annotation_rows.append((onset, lead))

    @Slot(int, int)
    def _annotation_clicked(self, row: int, _column: int) -> None:
        onset, lead = self._annotation_rows[row]
        self.annotationChosen.emit(onset, lead)

    def add_annotation(self, onset: float, label: str, author: str, lead: str = "") -> None:
        self.clinician_annotations.append(
            {"onset": round(onset, 3), "label": label, "author": author, "lead": lead}
        )
        self.annotations_edited = True
        self._fill_annotations()
        self.changed.emit()

    @Slot()
    def _add_statement(self) -> None:
        text = self.new_statement.text().strip()
        if text:
            self.statements.add_statement(text)
            self.new_statement.clear()

    @Slot()
    def _add_note(self) -> None:
        text = self.note_edit.text().strip()
        if text:
            self.pending_notes.append(text)
            self.notes.addItem(f"(unsaved) {text}")
            self.note_edit.clear()
            self.changed.emit()

    @property
    def has_changes(self) -> bool:
        return bool(
            self.statements.edited
            or self.statements.pending_confirmations
            or self.annotations_edited
            or self.pending_notes
        )
