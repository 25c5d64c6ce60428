"""The review side of the ECG workspace: measurements, statements, annotations, notes and
what the explanations mean. The clinician's review itself (pending changes included) is an
``app.review.EcgReview``; these widgets draw it and send the clinician's edits to it."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app.ecg_result import (
    MEASURED_STRETCH_LABEL,
    MODIFIED_QTC_LABEL,
    Score,
    StoredEcg,
)
from workstation.app.report_preferences import StUnits, load_report_settings
from workstation.app.review import EcgReview
from workstation.app.score_explanation import DIGITS, ScoreArithmetic, score_arithmetic
from workstation.channels import STANDARD_ECG_LEADS, lead_label
from workstation.errors import WorkstationError
from workstation.recording import Annotation
from workstation.ui.shell.preferences import report_settings_notifier

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
CONTRIBUTIONS_INTRO = (
    "<b>How the abnormality score adds up.</b> The score starts from a <i>reference ECG</i>, "
    "{reference}. Each line is how much this ECG's measurement moved the score away from it "
    "(exact Shapley values; + pushes towards abnormal, − towards the reference). A "
    "measurement the engine could not take was given the training median; its line shows "
    "what that did (in atrial fibrillation, no PR interval)."
)
#: Clinician words for the fiducial kinds files carry (LUDB and WFDB beat annotations).
FIDUCIAL_KINDS = {"p": "P wave", "N": "QRS (beat)", "t": "T wave"}
#: Each of the two value columns of the score's sum takes at most this share of its width.
VALUE_COLUMN_SHARE = 0.2
MIN_VALUE_COLUMN_PX = 56
ALL = "All"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def measurement_rows(
    result: StoredEcg | None, st_units: StUnits = StUnits.MM
) -> list[tuple[str, str]]:
    """The global measurements as a clinician reads them, in the usual order; ST levels in
    the unit the report prints them in."""
    if result is None:
        return []
    axes, rate, iv = result.axis_deg, result.heart_rate_bpm, result.intervals
    span = result.measured_stretch_text
    stretch = [(MEASURED_STRETCH_LABEL, span)] if span else []
    return [
        *stretch,
        ("Heart rate", "—" if rate is None else f"{rate:.0f} bpm"),
        ("PR interval", _ms(iv.pr_ms)),
        ("QRS duration", _ms(iv.qrs_ms)),
        ("QT interval", _ms(iv.qt_ms)),
        ("QTc Bazett", _ms(iv.qtc_bazett_ms)),
        ("QTc Fridericia", _ms(iv.qtc_fridericia_ms)),
        *(
            [(MODIFIED_QTC_LABEL, _ms(iv.qtc_modified_ms))]
            if iv.qtc_modified_ms is not None
            else []
        ),
        *[
            (f"{name} axis", "—" if axes.get(key) is None else f"{axes[key]:.0f}°")
            for key, name in (("p", "P"), ("qrs", "QRS"), ("t", "T"))
        ],
        *result.st_rows(st_units),
    ]


def _kind_name(label: str) -> str:
    return f"{FIDUCIAL_KINDS[label]} ({label})" if label in FIDUCIAL_KINDS else label


def _lead_name(lead: str) -> str:
    return lead_label(lead) if lead else "all"


def _lead_order(lead: str | None) -> int:
    """Leads in the paper's order (I, II, III, aVR … V6), any other channel after them."""
    return STANDARD_ECG_LEADS.index(lead) if lead in STANDARD_ECG_LEADS else 99


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    return label


def _table(headers: list[str], stretch: int) -> QTableWidget:
    """A read-only table with whole-row selection; column ``stretch`` takes the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    return table


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
        # Rows follow the column's width: fitted once, before the panel had its width, a
        # long statement was cut after two lines ("...found a P wave ..."), its caveat lost.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
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
            shown = ", ".join(f"{k}: {v}" for k, v in evidence.items())
            item.setToolTip(f"{text}\n\nEvidence: {shown}" if shown else text)
            self.setItem(row, 0, item)
            self.setItem(row, 1, _read_only(self.review.status_of(text)))
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
        self._result: StoredEcg | None = None
        report_settings_notifier().changed.connect(self._show_measurements)

    def building_steps(self) -> Iterator[None]:
        """The tabs, one per step: styled widgets are slow to create, so the caller spreads
        them over turns of the event loop."""
        self.measurements = QTableWidget(0, 2)
        self.measurements.setHorizontalHeaderLabels(["Measurement", "Value"])
        # Names are short, values can be a sentence ("not measured: lead amplitudes are
        # normalised ..."): the value column takes the spare width and wraps, not elides.
        header = self.measurements.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.measurements.setWordWrap(True)
        self.measurements.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.measurements.viewport().installEventFilter(self)  # refit rows as it resizes
        self.measurements.verticalHeader().hide()
        self.measurements.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.addTab(self._measurements_tab(), "Measurements")
        yield
        self.statements = StatementsTable()
        self.addTab(self._statements_tab(), "Statements")
        yield
        self.addTab(self._annotations_tab(), "Annotations")
        yield
        self.notes = QListWidget()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Add a note to this session and press Enter")
        self.note_edit.returnPressed.connect(self._add_note)
        self.addTab(self._notes_tab(), "Notes")
        self.addTab(self._explanations_tab(), "Explanations")

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

    def _annotations_tab(self) -> QWidget:
        """The clinician's own annotations first; the file's fiducials (often hundreds)
        folded away under a count, with a filter by kind and lead."""
        page = QWidget()
        layout = QVBoxLayout(page)
        self.own_title = _title("Your annotations")
        layout.addWidget(self.own_title)
        self.annotations = _table(["Time", "Lead", "Label", "By"], stretch=2)
        self.annotations.cellClicked.connect(self._annotation_clicked)
        layout.addWidget(self.annotations, 1)
        self.own_hint = _wrapped(
            "Double-click a trace on the paper to add an annotation at that moment."
        )
        self.own_hint.setObjectName("hint")
        layout.addWidget(self.own_hint)
        self.file_toggle = QToolButton()
        self.file_toggle.setCheckable(True)
        self.file_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.file_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.file_toggle.toggled.connect(self._show_file_group)
        layout.addWidget(self.file_toggle)
        self.file_group = QWidget()
        group = QVBoxLayout(self.file_group)
        group.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.kind_filter, self.lead_filter = QComboBox(), QComboBox()
        for label, box in (("Kind", self.kind_filter), ("Lead", self.lead_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(box, 1)
            box.currentIndexChanged.connect(self._fill_file_annotations)
        group.addLayout(filters)
        self.file_annotations = _table(["Time", "Lead", "Kind", "Duration"], stretch=2)
        self.file_annotations.cellClicked.connect(self._file_annotation_clicked)
        group.addWidget(self.file_annotations)
        self.file_group.setVisible(False)
        layout.addWidget(self.file_group, 3)
        return page

    def _explanations_tab(self) -> QScrollArea:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.score_heading = _wrapped("")
        layout.addWidget(self.score_heading)
        self.contributions_intro = _wrapped("")
        layout.addWidget(self.contributions_intro)
        self.contributions = _table(["Feature", "This ECG", "Reference", "Contribution"], 0)
        self.contributions.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contributions.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.contributions.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.contributions.horizontalHeader()
        for column in (1, 2):  # wrapped at a share of the width by _fit_contributions
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        # Refitted when the table's width changes (not on each section resize: setting a
        # column's width resizes the stretched one, and the nested calls fought each other).
        self.contributions.viewport().installEventFilter(self)
        layout.addWidget(self.contributions)
        self.sum_line = _wrapped("")
        self.sum_line.setObjectName("scoreSum")
        layout.addWidget(self.sum_line)
        self.calibration_line = _wrapped("")
        layout.addWidget(self.calibration_line)
        layout.addWidget(_wrapped(f"{MASK_LEGEND}<br><br>{ATTRIBUTION_LEGEND}"))
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Always shown: a scroll bar that came and went as rows wrapped changed the width the
        # value columns are fitted to, and they settled at whichever width came last.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        scroll.setWidget(page)
        return scroll

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
        self._result = result
        self._show_measurements()
        score = result.score if result else None
        self.score_label.setText(self._score_text(score))
        self.review = review
        self._file_annotations = file_annotations
        self.statements.show_review(review)
        review.subscribe(self._review_changed)
        self._file_kinds_and_leads()
        self._show_review()
        self._show_explanation(score, score_arithmetic(result.stored) if result else None)

    @Slot()
    def _show_measurements(self) -> None:
        """The measurements, again when Preferences change the ST unit."""
        try:
            units, problem = load_report_settings().st_units, None
        except WorkstationError as error:
            units, problem = StUnits.MM, f"shown in mm: {error}"
        rows = measurement_rows(self._result, units)
        if problem is not None:
            rows.append(("ST unit", problem))
        self.measurements.setRowCount(len(rows))
        for i, (name, value) in enumerate(rows):
            self.measurements.setItem(i, 0, _read_only(name))
            item = _read_only(value)
            item.setToolTip(value)
            self.measurements.setItem(i, 1, item)
        self._fit_measurement_rows()

    def _fit_measurement_rows(self) -> None:
        """Row heights for the values as wrapped at the column's present width (it is set
        only once the tab is laid out, after the rows were filled)."""
        self.measurements.resizeRowsToContents()

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

    def _show_explanation(self, score: Score | None, arithmetic: ScoreArithmetic | None) -> None:
        """The score as a sum the clinician can check: reference ECG, each measurement's
        contribution, the total; then how the raw model output became that probability."""
        self.score_heading.setText(
            "No abnormality score for this analysis." if score is None else self._score_text(score)
        )
        table = self.contributions
        self.contributions_intro.setVisible(arithmetic is not None)
        if arithmetic is None:
            table.setRowCount(0)
            table.hide()
            missing = "The feature contributions were not stored with this analysis."
            self.sum_line.setText("" if score is None else missing)
            self.calibration_line.setText("")
            return
        table.show()
        self.contributions_intro.setText(
            CONTRIBUTIONS_INTRO.format(reference=arithmetic.reference_description)
        )
        rows: list[tuple[str, str, str, str]] = []
        if arithmetic.reference_probability is not None:
            reference = f"{arithmetic.reference_probability:.{DIGITS}f}"
            rows.append(("Reference ECG", "", "", reference))
        rows += [
            (c.label, c.value, c.reference, f"{round(c.contribution, DIGITS) + 0.0:+.{DIGITS}f}")
            for c in arithmetic.contributions
        ]
        if arithmetic.shown_total is not None:
            rows.append(("= Score", "", "", f"{arithmetic.probability:.{DIGITS}f}"))
        table.setRowCount(len(rows))
        bold = QFont(table.font())
        bold.setBold(True)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = _read_only(text)
                if c > 0:
                    item.setTextAlignment(right)
                if arithmetic.shown_total is not None and r in (0, len(rows) - 1):
                    item.setFont(bold)
                table.setItem(r, c, item)
        self._fit_contributions()
        self.sum_line.setText(arithmetic.sum_line())
        self.calibration_line.setText(arithmetic.calibration_line())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            if watched is self.contributions.viewport():
                self._fit_contributions()
            elif watched is self.measurements.viewport():
                self._fit_measurement_rows()
        return super().eventFilter(watched, event)

    def _fit_contributions(self) -> None:
        """Wrap the measurement names and values at the panel's width and show every row: the
        table is one sum, read top to bottom, so it never scrolls on its own (the tab does).
        The values take at most a share of the width each (their headings stay whole), so the
        contributions stay in view in the narrow default panel ("not measured (median used)"
        wraps instead)."""
        table = self.contributions
        header = table.horizontalHeader()
        cap = max(int(VALUE_COLUMN_SHARE * table.viewport().width()), MIN_VALUE_COLUMN_PX)
        for column in (1, 2):
            wanted = max(min(table.sizeHintForColumn(column), cap), header.sectionSizeHint(column))
            if table.columnWidth(column) != wanted:
                table.setColumnWidth(column, wanted)
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        table.setFixedHeight(height + sum(table.rowHeight(r) for r in range(table.rowCount())))

    def _file_kinds_and_leads(self) -> None:
        """The filter choices: the kinds and leads this file's fiducials have."""
        kinds = sorted({a.label for a in self._file_annotations})
        leads = sorted({a.channel or "" for a in self._file_annotations}, key=_lead_order)
        for box, values, name in (
            (self.kind_filter, kinds, _kind_name),
            (self.lead_filter, leads, _lead_name),
        ):
            box.blockSignals(True)
            box.clear()
            box.addItem(ALL, None)
            for value in values:
                box.addItem(name(value), value)
            box.blockSignals(False)

    def _fill_annotations(self) -> None:
        own = sorted(self.review.annotations, key=lambda a: float(a["onset"]))
        self.own_title.setText(f"Your annotations ({len(own)})")
        self.own_hint.setVisible(not own)
        self.annotations.setRowCount(len(own))
        self._annotation_rows = []
        for i, a in enumerate(own):
            lead = a.get("lead", "")
            when = a.get("at")
            row = (
                f"{float(a['onset']):.3f} s",
                _lead_name(lead),
                a["label"],
                f"{a['author']}, {when}" if when else a["author"],
            )
            for c, text in enumerate(row):
                self.annotations.setItem(i, c, _read_only(text))
            self._annotation_rows.append((float(a["onset"]), lead))
        self._fill_file_annotations()

    @Slot()
    def _fill_file_annotations(self) -> None:
        kind, lead = self.kind_filter.currentData(), self.lead_filter.currentData()
        shown = [
            a
            for a in sorted(self._file_annotations, key=lambda a: (a.onset, _lead_order(a.channel)))
            if (kind is None or a.label == kind) and (lead is None or (a.channel or "") == lead)
        ]
        total = len(self._file_annotations)
        count = f"{total}" if len(shown) == total else f"{len(shown)} of {total} shown"
        self.file_toggle.setText(f"Fiducials from the file ({count})")
        self.file_toggle.setEnabled(total > 0)
        table = self.file_annotations
        table.setRowCount(len(shown))
        self._file_rows = []
        for i, a in enumerate(shown):
            row = (
                f"{a.onset:.3f} s",
                _lead_name(a.channel or ""),
                _kind_name(a.label),
                f"{a.duration * 1000:.0f} ms" if a.duration else "",
            )
            for c, text in enumerate(row):
                table.setItem(i, c, _read_only(text))
            self._file_rows.append((a.onset, a.channel or ""))

    @Slot(bool)
    def _show_file_group(self, shown: bool) -> None:
        self.file_group.setVisible(shown)
        self.file_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    @Slot(int, int)
    def _file_annotation_clicked(self, row: int, _column: int) -> None:
        onset, lead = self._file_rows[row]
        self.annotationChosen.emit(onset, lead)

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
