"""The trend overview of a long ECG: the whole record at a glance, and the way into any minute.

A 24-hour recording cannot be read on 12-lead paper. A Holter reader starts from the heart
rate per minute over the whole record, with AF episodes shaded, stretches not interpreted
(poor signal quality) hatched, pauses and ectopic beats marked, and the list of events; a
click on the trend or on an event (or PageUp/PageDown, or the time box, Ctrl+G) pages the
paper below to that minute. Everything drawn here is per minute or per event, read from the
stored rhythm (``app.ecg_trend``), never the samples: a day's record draws as fast as a
minute's. Colours are Okabe-Ito; the excluded stretches are also hatched, and each mark
has its own shape, so nothing depends on colour vision alone.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.ecg_result import StoredRhythm
from workstation.app.ecg_trend import (
    AF,
    MEASURED,
    NOT_INTERPRETED,
    PAGE_S,
    TrendEvent,
    beat_times_s,
    clock,
    page_start,
    trend_events,
    trend_points,
)

AF_COLOR = QColor(204, 121, 167, 110)  # Okabe-Ito reddish purple
EXCLUDED_COLOR = QColor(110, 110, 110)
RATE_PEN = pg.mkPen(QColor(20, 20, 20), width=1.5)
PAGE_COLOR = QColor(230, 159, 0)  # Okabe-Ito orange
PAUSE_COLOR = QColor(0, 114, 178)  # blue
PAC_COLOR = QColor(0, 158, 115)  # bluish green
PVC_COLOR = QColor(213, 94, 0)  # vermillion
NO_QRS_COLOR = QColor(0, 0, 0)  # no QRS in any lead, not measured as a pause
MIN_TOP_BPM = 120.0


TICK_STEPS_S = (10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
MIN_TICK_PX = 90.0


class ClockAxis(pg.AxisItem):
    """Seconds from the start written as clock times, ticked on whole clock steps (10 s to
    6 h) rather than pyqtgraph's decimal ones (100 s would read 00:01:40)."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph's names)
        span = max(maxVal - minVal, 1e-9)
        fitting = [s for s in TICK_STEPS_S if size * s / span >= MIN_TICK_PX]
        major = fitting[0] if fitting else TICK_STEPS_S[-1]
        minor = max((s for s in TICK_STEPS_S if s < major and major % s == 0), default=major)
        return [(float(major), 0.0), (float(minor), 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        return [clock(max(v, 0.0))[:-3] if spacing >= 60 else clock(max(v, 0.0)) for v in values]


class MinuteBox(QSpinBox):
    """The minute on the paper, shown and typed as its clock time (hh:mm, or a minute)."""

    def textFromValue(self, value: int) -> str:  # noqa: N802 (Qt's name)
        return clock(value * PAGE_S)[:-3]

    def valueFromText(self, text: str) -> int:  # noqa: N802 (Qt's name)
        minutes = _minutes(text)
        return self.value() if minutes is None else minutes

    def validate(self, text: str, pos: int) -> object:
        minutes = _minutes(text)
        if minutes is None:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= minutes <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


def _minutes(text: str) -> int | None:
    """'01:30' (hours:minutes) or '01:30:20' (the minute holding it) as a minute number."""
    parts = text.strip().split(":")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        return None
    values = [int(p) for p in parts]
    if len(values) == 1:
        return values[0]
    return 60 * values[0] + values[1]


class TrendOverview(QWidget):
    """Rate trend, marks and event list of a long recording; asks for a moment to be shown."""

    timeChosen = Signal(float)  # seconds from the start: show the minute holding it

    def __init__(
        self,
        rhythm: StoredRhythm,
        duration_s: float,
        measured_s: tuple[float, float] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trendOverview")
        self.rhythm = rhythm
        self.duration_s = duration_s
        self.events: list[TrendEvent] = trend_events(rhythm, measured_s)
        self.page_start_s = 0.0
        self.plot = pg.PlotWidget(axisItems={"bottom": ClockAxis(orientation="bottom")})
        self.plot.setObjectName("trendPlot")
        self.plot.setBackground(QColor(255, 255, 255))
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLabel("left", "bpm")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setMinimumHeight(110)
        self._draw()
        self.plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.table = self._event_table()
        self.table.cellClicked.connect(self._event_clicked)
        self.summary = QLabel(self._summary_text())
        self.summary.setObjectName("trendSummary")
        self.summary.setWordWrap(True)
        legend = QLabel(self._legend_html())
        legend.setObjectName("hint")
        legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        legend.setToolTip(
            "Heart rate per minute; shaded: AF episodes; hatched: not interpreted (poor signal "
            "quality); ▼ pauses over 2 s (blue), stretches with no QRS in any lead that no "
            "pause measured (black); ticks: premature atrial (upper) and ventricular "
            "(lower) beats; orange: the minute on the paper. Click the trend or an event."
        )
        middle = QHBoxLayout()
        middle.addWidget(self.plot, 3)
        middle.addWidget(self.table, 1)
        self.table.setMinimumWidth(self._times_width())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(middle, 1)
        layout.addWidget(legend)
        layout.addLayout(self._navigation())
        self.set_page(0.0)

    # Drawing -------------------------------------------------------------------------------

    @property
    def top_bpm(self) -> float:
        finite = [v for v in self.rhythm.hr_trend_bpm if v is not None]
        return max(MIN_TOP_BPM, float(np.ceil(max(finite, default=0.0) / 20.0) * 20.0 + 20.0))

    def _draw(self) -> None:
        r, top = self.rhythm, self.top_bpm
        self._spans([(a, b) for a, b in r.af_episodes], QBrush(AF_COLOR), AF_COLOR, top)
        hatch = QBrush(EXCLUDED_COLOR, Qt.BrushStyle.BDiagPattern)
        self._spans([(a, b) for a, b in r.excluded_s], hatch, EXCLUDED_COLOR, top)
        minutes, trend, alone = trend_points(r.hr_trend_bpm, self.duration_s)
        self.rate_curve = pg.PlotDataItem(minutes, trend, pen=RATE_PEN, connect="finite")
        self.plot.addItem(self.rate_curve)
        self.rate_dots = pg.ScatterPlotItem(
            minutes[alone], trend[alone], symbol="o", size=6, pen=RATE_PEN, brush=RATE_PEN.color()
        )
        self.plot.addItem(self.rate_dots)
        fs = r.sample_rate_hz
        pauses = [p.start / fs for p in r.pauses] if fs > 0 else []
        self._marks(pauses, top * 0.95, "t", PAUSE_COLOR, 11)
        self._marks([a for a, _ in r.quiet_s], top * 0.87, "t", NO_QRS_COLOR, 11)
        self._marks(beat_times_s(r.premature_atrial, r), top * 0.09, "|", PAC_COLOR, 9)
        self._marks(beat_times_s(r.premature_ventricular, r), top * 0.03, "|", PVC_COLOR, 9)
        self.page_region = pg.LinearRegionItem(
            (0.0, PAGE_S), movable=False, brush=pg.mkBrush(230, 159, 0, 70), pen=PAGE_COLOR
        )
        self.page_region.setZValue(-5)
        self.page_line = pg.InfiniteLine(0.0, pen=pg.mkPen(PAGE_COLOR, width=2))
        self.plot.addItem(self.page_region)
        self.plot.addItem(self.page_line)
        self.plot.setLimits(xMin=0.0, xMax=self.duration_s, minXRange=min(PAGE_S, self.duration_s))
        self.plot.setXRange(0.0, self.duration_s, padding=0.0)
        self.plot.setYRange(0.0, top * 1.04, padding=0.0)  # room for the top tick label

    def _spans(
        self, spans: list[tuple[float, float]], brush: QBrush, edge: QColor, top: float
    ) -> None:
        """Full-height bands; a one-pixel edge keeps a 10 s span visible on a 24 h axis."""
        if not spans:
            return
        x0 = np.asarray([a for a, _ in spans], dtype=float)
        x1 = np.asarray([b for _, b in spans], dtype=float)
        pen = pg.mkPen(edge, width=1, cosmetic=True)
        bars = pg.BarGraphItem(x0=x0, x1=x1, y0=0.0, y1=top, brush=brush, pen=pen)
        bars.setZValue(-10)
        self.plot.addItem(bars)

    def _marks(self, times: list[float], y: float, symbol: str, color: QColor, size: int) -> None:
        if not times:
            return
        marks = pg.ScatterPlotItem(
            np.asarray(times), np.full(len(times), y), symbol=symbol, size=size,
            pen=pg.mkPen(color, width=1.5), brush=pg.mkBrush(color),
        )  # fmt: skip
        self.plot.addItem(marks)

    def _summary_text(self) -> str:
        r = self.rhythm
        excluded = sum(b - a for a, b in r.excluded_s)
        quiet = (
            f" · <b>no QRS in any lead: {len(r.quiet_s)} stretch(es), see the events</b>"
            if r.quiet_s
            else ""
        )
        if r.findings_withheld:
            return (
                f"<b>Whole recording, {clock(self.duration_s)}</b> · not interpretable: poor "
                f"signal quality, no rhythm read · not interpreted {excluded / 60:.1f} min"
            )
        # Where some time was not interpreted, "no pause" holds only for the rest: a sinus
        # arrest's window is usually refused as poor signal quality.
        none = "no pause over 2 s where interpreted" if excluded > 0 else "no pause over 2 s"
        pauses = f"{len(r.pauses)} pause(s) over 2 s" if r.pauses else none
        return (
            f"<b>Whole recording, {clock(self.duration_s)}</b> · AF burden "
            f"{r.af_burden_pct:.1f} % in {len(r.af_episodes)} episode(s) · premature atrial "
            f"{r.pac_count} · premature ventricular {r.pvc_count} · {pauses}{quiet} · not "
            f"interpreted {excluded / 60:.1f} min"
        )

    @staticmethod
    def _legend_html() -> str:
        def swatch(color: QColor, text: str) -> str:
            return f"<span style='color:{color.name()}'>■</span> {text}"

        return " &nbsp; ".join(
            (
                "— rate/min",
                swatch(AF_COLOR, "AF"),
                "▨ not interpreted",
                f"<span style='color:{PAUSE_COLOR.name()}'>▼</span> pause",
                f"<span style='color:{NO_QRS_COLOR.name()}'>▼</span> no QRS seen",
                f"<span style='color:{PAC_COLOR.name()}'>|</span> PAC (upper)",
                f"<span style='color:{PVC_COLOR.name()}'>|</span> PVC (lower)",
                swatch(PAGE_COLOR, "on the paper"),
            )
        )

    def _event_table(self) -> QTableWidget:
        table = QTableWidget(len(self.events), 4)
        table.setObjectName("trendEvents")
        table.setHorizontalHeaderLabels(("Event", "Start", "End", "Duration"))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        for row, event in enumerate(self.events):
            texts = (event.label, clock(event.start_s), clock(event.end_s), event.duration_text())
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if col == 0 and event.caution:
                    item.setToolTip(event.caution)
                if col == 0 and event.kind == NOT_INTERPRETED:
                    item.setToolTip("Not interpreted: no rhythm statement for this stretch")
                if col == 0 and event.kind == MEASURED:
                    item.setToolTip(
                        "The intervals, axes and wave masks come from this stretch, the "
                        "cleanest of the record: the masks are drawn only there"
                    )
                table.setItem(row, col, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.setToolTip("Click an event to show its start on the paper")
        if all(e.kind == MEASURED for e in self.events):  # the list says so, not only that
            table.setRowCount(len(self.events) + 1)
            none = QTableWidgetItem("No AF episode, pause or exclusion")
            none.setToolTip(
                "No AF episode, no pause over 2 s and no stretch left out for poor signal quality"
            )
            table.setItem(len(self.events), 0, none)
            table.setSpan(len(self.events), 0, 1, 4)  # across the row, not widening "Event"
        return table

    def _times_width(self) -> int:
        """Wide enough for each event's kind, start and end without scrolling (at most a
        third of a wide window's text): at 16 characters the times were scrolled out of view."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        needed = sum(header.sectionSize(c) for c in range(3)) + 2 * self.table.frameWidth() + 4
        return min(needed, self.table.fontMetrics().horizontalAdvance("M") * 34)

    def _navigation(self) -> QHBoxLayout:
        self.previous_button = QPushButton("◀ Minute")
        self.previous_button.setToolTip("The previous minute (PageUp)")
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button = QPushButton("Minute ▶")
        self.next_button.setToolTip("The next minute (PageDown)")
        self.next_button.clicked.connect(self.next_page)
        self.minute_box = MinuteBox()
        self.minute_box.setObjectName("minuteBox")
        self.minute_box.setRange(0, int(page_start(self.duration_s, self.duration_s) // PAGE_S))
        self.minute_box.setKeyboardTracking(False)
        self.minute_box.setToolTip("Go to a time: type hh:mm and press Enter (Ctrl+G)")
        self.minute_box.valueChanged.connect(self._minute_typed)
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.page_label.setMinimumWidth(0)
        self.page_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout()
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(QLabel("Go to:"))
        row.addWidget(self.minute_box)
        row.addWidget(self.page_label, 1)
        return row

    # Paging --------------------------------------------------------------------------------

    def set_page(self, start_s: float) -> None:
        """Mark the minute the paper shows (on the trend, in the time box and in words)."""
        self.page_start_s = start_s
        end = min(start_s + PAGE_S, self.duration_s)
        self.page_region.setRegion((start_s, end))
        self.page_line.setValue(start_s)
        self.minute_box.blockSignals(True)
        self.minute_box.setValue(int(start_s // PAGE_S))
        self.minute_box.blockSignals(False)
        self.page_label.setText(f"Paper: {clock(start_s)}–{clock(end)} of {clock(self.duration_s)}")
        self.previous_button.setEnabled(start_s > 0)
        self.next_button.setEnabled(end < self.duration_s)

    @Slot()
    def previous_page(self) -> None:
        if self.page_start_s > 0:
            self.timeChosen.emit(max(self.page_start_s - PAGE_S, 0.0))

    @Slot()
    def next_page(self) -> None:
        if self.page_start_s + PAGE_S < self.duration_s:
            self.timeChosen.emit(self.page_start_s + PAGE_S)

    def focus_time_box(self) -> None:
        """Ctrl+G: the time box, its text selected for typing."""
        self.minute_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.minute_box.selectAll()

    @Slot(int)
    def _minute_typed(self, minute: int) -> None:
        self.timeChosen.emit(minute * PAGE_S)

    @Slot(int, int)
    def _event_clicked(self, row: int, _column: int) -> None:
        if row < len(self.events):
            self.timeChosen.emit(self.events[row].start_s)

    @Slot(object)
    def _plot_clicked(self, event) -> None:
        box = self.plot.getPlotItem().vb
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        seconds = box.mapSceneToView(event.scenePos()).x()
        if 0.0 <= seconds < self.duration_s:
            self.timeChosen.emit(seconds)

    def af_rows(self) -> list[tuple[str, str]]:
        """(start, end) clock times of the AF rows of the list (for checks and tests)."""
        return [
            (self.table.item(r, 1).text(), self.table.item(r, 2).text())
            for r, e in enumerate(self.events)
            if e.kind == AF
        ]
