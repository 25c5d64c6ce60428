"""Serial ECG comparison tab: two ECGs of one patient on one sheet, and what changed.

View › Compare with previous ECG… compares the ECG in front with the patient's previous ECG
(``app.serial_comparison`` finds it, reads both stored analyses and prepares the traces in a
worker). The sheet draws every lead twice on the same millimetre grid, the older ECG (blue,
labelled "older") above the newer (black, "newer"), both starting where their first QRS
complexes line up; beside it, the measurement changes with the rule that flagged each, the
ST level per lead and the statements added, removed or reworded. A combo picks another ECG
of the patient; Export PDF stores the comparison report with the newer session and writes
it out (audited, as every report export).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.ecg_traces import EcgTraces
from workstation.app.serial_comparison import (
    SerialView,
    export_serial_report,
    load_serial_view,
)
from workstation.channels import lead_label
from workstation.ui.ecg.paper import (
    PAPER_WIDTH_MM,
    RHYTHM_LEAD,
    STANDARD_COLUMNS,
    Cell,
    PaperGrid,
    PaperScale,
    calibration_mm,
    paper_rect,
)
from workstation.ui.ecg.view import TRACE_PEN
from workstation.ui.jobs import JobRunner, TaskWorker
from workstation.ui.workspace import Workspace
from workstation.vault import Vault

OLDER_COLOR = QColor(0, 114, 178)  # Okabe-Ito blue; the label says "older" as well
NEWER_COLOR = QColor(20, 20, 20)
OLDER_PEN = pg.mkPen(OLDER_COLOR, width=1.3)
NOTABLE_FILL = QColor(255, 236, 200)  # light Okabe-Ito orange, with the rule in words
ROW_MM = 25.0  # each trace's row: a lead's pair of traces stays close, as on the report
DELTA_HEADINGS = ("Measurement", "Older", "Newer", "Change", "Flag")
ST_HEADINGS = ("Lead", "Older", "Newer", "Change", "Flag")
NOTABLE = "notable"  # the flag column's word; the rule is its tooltip and in the box above


def add_compare_action(window: Any, menu: QMenu) -> None:
    """View › Compare with previous ECG… on the main window (its ``_action`` helper)."""
    window.compare_action = window._action(
        menu, "Compare with &previous ECG…", lambda: compare_with_previous(window)
    )


def compare_with_previous(window: Any) -> TaskWorker | None:
    """Compare the ECG in front with the patient's previous one, in a new tab."""
    workspace = window.current_workspace()
    if workspace is None:
        QMessageBox.information(
            window,
            "Compare ECGs",
            "Open an ECG session first: it is compared with the same patient's previous ECG.",
        )
        return None
    front, vault = workspace.opened.session.id, window.vault

    def show(view: SerialView) -> None:
        tab = SerialComparisonTab(view, vault, window.jobs)
        patient = view.comparison.patient
        index = window.tabs.addTab(tab, tab.title())
        window.tabs.tabBar().setTabData(index, patient)
        window.tabs.setCurrentIndex(index)
        tab.retitled.connect(lambda title: window.tabs.setTabText(window.tabs.indexOf(tab), title))
        window.statusBar().showMessage(f"Comparing {tab.title()}.")

    return window.jobs.start(
        lambda progress: load_serial_view(vault, front, None, progress),
        show,
        "Comparing with the previous ECG…",
    )


class SerialPaper(pg.GraphicsView):
    """Both ECGs on one sheet of paper: per lead, the older trace above the newer one,
    4 columns of 2.5 s and a 10 s lead II strip pair, on the workstation's paper grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=QColor(236, 236, 236))
        self.box = pg.ViewBox(enableMenu=False)
        self.box.setAspectLocked(True)  # millimetres stay square: 25 mm/s against 10 mm/mV
        self.setCentralItem(self.box)
        self.scale = PaperScale()
        self.cells: list[tuple[Cell, str]] = []  # (cell, 'older' | 'newer')
        self._grid = PaperGrid(QRectF(0, 0, 1, 1))

    def show_pair(
        self, older: EcgTraces, older_start: float, newer: EcgTraces, newer_start: float
    ) -> None:
        self.box.clear()
        left = calibration_mm(self.scale)
        strip_s = PAPER_WIDTH_MM / self.scale.speed_mm_s  # the sheet's 10 s
        column_s = strip_s / len(STANDARD_COLUMNS)
        sides = (("older", older, older_start), ("newer", newer, newer_start))
        self.cells = []
        for c, column in enumerate(STANDARD_COLUMNS):
            t0 = c * column_s
            for r, lead in enumerate(column):
                for k, (which, _, _) in enumerate(sides):
                    y = -(2 * r + k) * ROW_MM
                    cell = Cell(lead, t0, t0 + column_s, left + self.scale.x_mm(t0), y, r)
                    self.cells.append((cell, which))
        strip_row = 2 * max(len(column) for column in STANDARD_COLUMNS)
        for k, (which, _, _) in enumerate(sides):
            y = -(strip_row + k) * ROW_MM
            self.cells.append((Cell(RHYTHM_LEAD, 0.0, strip_s, left, y, strip_row + k), which))
        sheet = paper_rect([c for c, _ in self.cells], self.scale)
        self._grid.set_rect(sheet)
        self.box.addItem(self._grid)
        by_side = {which: (traces, start) for which, traces, start in sides}
        for cell, which in self.cells:
            self._draw(cell, which, *by_side[which])
        self.fit()

    def fit(self) -> None:
        """The whole sheet in the window (zoom and pan with the wheel and the mouse)."""
        self.box.setRange(rect=self._grid.boundingRect(), padding=0.01)

    def _draw(self, cell: Cell, which: str, traces: EcgTraces, start_s: float) -> None:
        color = OLDER_COLOR if which == "older" else NEWER_COLOR
        label = pg.TextItem(f"{lead_label(cell.lead)} {which}", color=color, anchor=(0, 0))
        label.setPos(cell.x_mm + 1.0, cell.y_mm + ROW_MM / 2 - 1.0)
        label.setZValue(20)
        self.box.addItem(label)
        if cell.lead not in traces.leads:
            return
        row = traces.signals_mv[traces.leads.index(cell.lead)]
        i0 = max(int(round((start_s + cell.t0) * traces.fs)), 0)
        i1 = min(int(round((start_s + cell.t1) * traces.fs)), row.size)
        if i1 <= i0:
            return
        y = row[i0:i1]
        x = cell.x_mm + (np.arange(i0, i1) / traces.fs - start_s - cell.t0) * self.scale.speed_mm_s
        pen = OLDER_PEN if which == "older" else TRACE_PEN
        curve = pg.PlotCurveItem(x, cell.y_mm + (y - np.median(y)) * self.scale.gain_mm_mv, pen=pen)
        curve.setZValue(10)
        self.box.addItem(curve)


class SerialComparisonTab(QWidget, Workspace):
    """The comparison of the session the clinician had in front with another ECG."""

    retitled = Signal(str)  # another ECG was chosen: the tab's title changes

    def __init__(
        self, view: SerialView, vault: Vault, jobs: JobRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serialComparison")
        self.vault, self.jobs = vault, jobs
        self.view = view
        self.header = QLabel()
        self.header.setObjectName("serialHeader")
        self.header.setWordWrap(True)
        self.partner = QComboBox()
        self.partner.setObjectName("comparePartner")
        self.partner.setMinimumContentsLength(28)
        self.export_button = QPushButton("Export PDF…")
        self.export_button.clicked.connect(self.choose_export)
        self.fit_button = QPushButton("Fit sheet")
        self.status = QLabel()
        self.status.setObjectName("serialStatus")
        self.notable = QLabel()
        self.notable.setObjectName("notableChanges")
        self.notable.setWordWrap(True)
        self.measurements = FittedTable(DELTA_HEADINGS)
        self.st_table = FittedTable(ST_HEADINGS)
        self.st_note = QLabel()
        self.st_note.setWordWrap(True)
        self.statements = FittedTable(("Change", "Statement"))
        self.paper = SerialPaper()
        self.fit_button.clicked.connect(self.paper.fit)
        self._build()
        self.show_view(view)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Compare with:"))
        bar.addWidget(self.partner, 1)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.export_button)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 4, 0)
        column.addWidget(self.notable)
        column.addWidget(_heading("Measurements (newer − older)"))
        column.addWidget(self.measurements)
        column.addWidget(_heading("ST level at J+60, mm at 10 mm/mV"))
        column.addWidget(self.st_note)
        column.addWidget(self.st_table)
        column.addWidget(_heading("Statements"))
        column.addWidget(self.statements)
        column.addStretch(1)
        scroll = QScrollArea()  # on a small screen the tables scroll, never get cut
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(side)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.paper)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([540, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.partner.activated.connect(self._partner_chosen)

    def title(self) -> str:
        c = self.view.comparison
        return f"{c.patient.name} · ECG {c.older.session.id} vs {c.newer.session.id}"

    # Showing -------------------------------------------------------------------------------

    def show_view(self, view: SerialView) -> None:
        self.view = view
        c = view.comparison
        self.header.setText(
            f"<b>{c.patient.name}</b> ({c.patient.identifier}) — "
            f"<span style='color:{OLDER_COLOR.name()}'><b>older</b> (upper trace): "
            f"{c.older.label}</span> &nbsp;·&nbsp; <b>newer</b> (lower trace): {c.newer.label}"
            " &nbsp;·&nbsp; 25 mm/s, 10 mm/mV, aligned on the first QRS"
        )
        self.partner.blockSignals(True)
        self.partner.clear()
        front_is_newer = c.newer.session.id == view.front_session
        other_id = c.older.session.id if front_is_newer else c.newer.session.id
        for session_id, label in view.choices:
            self.partner.addItem(label, session_id)
        self.partner.setCurrentIndex(max(self.partner.findData(other_id), 0))
        self.partner.blockSignals(False)
        notable = c.notable
        self.notable.setText(
            "<b>Notable changes:</b><br>" + "<br>".join(notable)
            if notable
            else "No change met a flagging rule."
        )
        self.notable.setStyleSheet(
            f"background:{NOTABLE_FILL.name()}; padding:4px;" if notable else "padding:4px;"
        )
        _fill(self.measurements, c.measurement_rows())
        _fill(self.st_table, c.st_rows())
        self.st_table.setVisible(not c.st_not_measured)
        self.st_note.setVisible(bool(c.st_not_measured))
        self.st_note.setText(f"Not compared: {c.st_not_measured}" if c.st_not_measured else "")
        _fill(self.statements, c.statements.rows(), flagged_by_last=False)
        self.paper.show_pair(view.older_traces, c.older.start_s, view.newer_traces, c.newer.start_s)

    # Choosing another ECG, exporting ---------------------------------------------------------

    @Slot(int)
    def _partner_chosen(self, index: int) -> None:
        self.compare_with(self.partner.itemData(index))

    def compare_with(self, session_id: int) -> TaskWorker:
        vault, front = self.vault, self.view.front_session
        return self.jobs.start(
            lambda progress: load_serial_view(vault, front, session_id, progress),
            self._compared,
            f"Comparing with ECG {session_id}…",
        )

    def _compared(self, view: SerialView) -> None:
        self.show_view(view)
        self.retitled.emit(self.title())

    @Slot()
    def choose_export(self) -> None:
        c = self.view.comparison
        name = f"ecg-serial-{c.patient.identifier}-{c.older.session.id}-{c.newer.session.id}.pdf"
        caption = "Export comparison: the file leaves the vault's encryption (saved owner-only)"
        path, _ = QFileDialog.getSaveFileName(self, caption, name, "PDF (*.pdf)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> TaskWorker:
        vault, c = self.vault, self.view.comparison
        older, newer = c.older.session.id, c.newer.session.id
        return self.jobs.start(
            lambda progress: export_serial_report(vault, older, newer, path, progress)[1],
            lambda written: self.status.setText(f"Exported to {written}."),
            "Exporting the comparison…",
        )


def _heading(text: str) -> QLabel:
    return QLabel(f"<b>{text}</b>")


class FittedTable(QTableWidget):
    """A table as tall as its rows, its text wrapped to the width it is given: the panel
    beside the sheet scrolls as a whole instead of each table scrolling inside it."""

    def __init__(self, headings: tuple[str, ...]) -> None:
        super().__init__(0, len(headings))
        self.setHorizontalHeaderLabels(list(headings))
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrapped, never cut with '…'
        header = self.horizontalHeader()
        header.sectionResized.connect(lambda *_: QTimer.singleShot(0, self.fit))
        for k in range(len(headings)):  # the values share the room; name and flag fit theirs
            fixed = k == 0 or (k == len(headings) - 1 and len(headings) > 2)
            mode = (
                QHeaderView.ResizeMode.ResizeToContents if fixed else QHeaderView.ResizeMode.Stretch
            )
            header.setSectionResizeMode(k, mode)

    def fit(self) -> None:
        self.resizeRowsToContents()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(self.horizontalHeader().height() + rows + 2 * self.frameWidth())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit()


def _fill(table: FittedTable, rows: list[tuple[str, ...]], flagged_by_last: bool = True) -> None:
    """Rows of text. With ``flagged_by_last`` the last cell is the rule a change met: the
    row is bold on the notable colour, says 'notable', and shows the rule as its tooltip."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        rule = row[-1] if flagged_by_last else ""
        for k, text in enumerate(row):
            flag_cell = flagged_by_last and k == len(row) - 1
            item = QTableWidgetItem((NOTABLE if rule else "") if flag_cell else text)
            if rule:
                item.setToolTip(rule)
                item.setBackground(QBrush(NOTABLE_FILL))
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, k, item)
    table.fit()
