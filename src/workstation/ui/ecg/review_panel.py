"""The review side of the ECG workspace: measurements, statements, annotations, notes and
what the explanations mean. The clinician's review itself (pending changes included) is an
``app.review.EcgReview``; these widgets draw it and send the clinician's edits to it."""

from __future__ import annotations

from collections.abc import Iterator

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

from workstation.app.ecg_result import Score, StoredEcg
from workstation.app.review import EcgReview
from workstation.recording import Annotation
from workstation.ui.ecg.paper import display_name

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


def measurement_rows(result: StoredEcg | None) -> list[tuple[str, str]]:
    """The global measurements as a clinician reads them, in the usual order."""
    if result is None:
        return []
    axes, rate, iv = result.axis_deg, result.heart_rate_bpm, result.intervals
    return [
        ("Heart rate", "—" if rate is None else f"{rate:.0f} bpm"),
        ("PR interval", _ms(iv.pr_ms)),
        ("QRS duration", _ms(iv.qrs_ms)),
        ("QT interval", _ms(iv.qt_ms)),
        ("QTc Bazett", _ms(iv.qtc_bazett_ms)),
        ("QTc Fridericia", _ms(iv.qtc_fridericia_ms)),
        *[
            (f"{name} axis", "—" if axes.get(key) is None else f"{axes[key]:.0f}°")
            for key, name in (("p", "P"), ("qrs", "QRS"), ("t", "T"))
        ],
        *result.st_rows(),
    ]


def _read_only(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class StatementsTable(QTableWidget):
    """The review's statements, editable in place; selection drives delete and confirm."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Statement", "Confirmation"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.review = EcgReview()
        self.itemChanged.connect(self._on_edit)

    def show_review(self, review: EcgReview) -> None:
        self.review = review
        self.refresh()

    def refresh(self) -> None:
        self.blockSignals(True)
        self.setRowCount(len(self.review.statements))
        for row, statement in enumerate(self.review.statements):
            text = str(statement.get("text", ""))
            item = QTableWidgetItem(text)
            evidence = statement.get("evidence") or {}
            item.setToolTip(", ".join(f"{k}: {v}" for k, v in evidence.items()) or text)
            self.setItem(row, 0, item)
            self.setItem(row, 1, _read_only(self.review.status_of(text)))
        self.resizeRowsToContents()
        self.blockSignals(False)

    @Slot(QTableWidgetItem)
    def _on_edit(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.review.edit_statement(item.row(), item.text())

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectedIndexes()})

    @Slot()
    def delete_selected(self) -> None:
        self.review.delete_statements(self._selected_rows())

    @Slot()
    def confirm_selected(self) -> None:
        self.review.confirm_statements(self._selected_rows())


class EcgReviewPanel(QTabWidget):
    """Tabs beside the paper: Measurements, Statements, Annotations, Notes, Explanations."""

    annotationChosen = Signal(float, str)  # seconds, lead ("" for all)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.review = EcgReview()
        self._annotation_rows: list[tuple[float, str]] = []
        self._file_annotations: tuple[Annotation, ...] = ()

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
        from workstation.ui.shell.model_cards import model_card_link  # the score's card (#20)

        self.model_card_link = model_card_link("ecg-abnormality", page)
        layout.addWidget(self.model_card_link)
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
        from workstation.ui.notes_highlight import note_preview  # entity highlighting (#23)

        self.note_preview = note_preview(self.note_edit, self.notes)
        layout.addWidget(self.note_preview)
        return page

    # Loading -------------------------------------------------------------------------------

    def load(
        self,
        result: StoredEcg | None,
        review: EcgReview,
        file_annotations: tuple[Annotation, ...],
    ) -> None:
        rows = measurement_rows(result)
        self.measurements.setRowCount(len(rows))
        for i, (name, value) in enumerate(rows):
            self.measurements.setItem(i, 0, _read_only(name))
            self.measurements.setItem(i, 1, _read_only(value))
        score = result.score if result else None
        self.score_label.setText(self._score_text(score))
        self.review = review
        self._file_annotations = file_annotations
        self.statements.show_review(review)
        review.subscribe(self._review_changed)
        self._show_review()
        self.explanation.setText(self._explanation_text(score))

    def _review_changed(self) -> None:
        """The model changed (an edit here, or an annotation on the paper): redraw it."""
        self.statements.refresh()
        self._show_review()
        self.changed.emit()

    def _show_review(self) -> None:
        self._fill_annotations()
        self.notes.clear()
        self.notes.addItems(self.review.saved_notes)
        self.notes.addItems([f"(unsaved) {text}" for text in self.review.pending_notes])

    def _score_text(self, score: Score | None) -> str:
        if score is None:
            return ""
        return f"<b>{score.sentence}</b>. A screening aid for review order, not a diagnosis."

    def _explanation_text(self, score: Score | None) -> str:
        parts = [MASK_LEGEND, ATTRIBUTION_LEGEND]
        explanation = score.explanation if score else {}
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
            for a in self.review.annotations
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

    @Slot()
    def _add_statement(self) -> None:
        self.review.add_statement(self.new_statement.text())
        self.new_statement.clear()

    @Slot()
    def _add_note(self) -> None:
        self.review.add_note(self.note_edit.text())
        self.note_edit.clear()
