"""The ECG on paper: traces, calibration pulses, P/QRS/T masks, fiducials, attribution strips.

Everything here is cheap drawing of data prepared in a worker (``EcgTraces``): building a
12-lead sheet creates a few dozen graphics items, so opening a session never stalls the GUI.
The colours are the Okabe-Ito palette, distinguishable with every common colour-vision
deficiency; the attribution strip is a lightness ramp (paper to dark purple), readable
without any colour vision at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QWidget

from workstation.app.ecg_traces import EcgTraces
from workstation.app.ecg_trend import clock
from workstation.channels import lead_label
from workstation.ui.ecg.calipers import CaliperItem, CaliperReading
from workstation.ui.ecg.paper import (
    CALIBRATION_S,
    Cell,
    Layout,
    PaperGrid,
    PaperScale,
    layout_cells,
    paper_rect,
    row_height_mm,
)

WAVE_COLORS = {  # Okabe-Ito
    "p": QColor(0, 114, 178),  # blue
    "qrs": QColor(213, 94, 0),  # vermillion
    "t": QColor(0, 158, 115),  # bluish green
}
WAVE_NAMES = {"p": "P", "qrs": "QRS", "t": "T"}
MASK_ALPHA = 70
TRACE_PEN = pg.mkPen(QColor(20, 20, 20), width=1.4)
STRIP_HEIGHT_MM = 2.0
HIGHLIGHT_COLOR = QColor(230, 159, 0, 90)  # Okabe-Ito orange
AF_BAND_COLOR = QColor(204, 121, 167, 45)  # Okabe-Ito reddish purple, as on the trend
EXCLUDED_BAND_COLOR = QColor(120, 120, 120, 70)  # grey: not interpreted
BEAT_MARK_COLORS = {"A": QColor(0, 158, 115), "V": QColor(213, 94, 0)}  # as on the trend
WHEEL_STEP = 1.0015


def attribution_lut() -> np.ndarray:
    """256 colours from the paper's white (no influence) to dark purple (most influence)."""
    low, high = np.array([255, 250, 247]), np.array([70, 20, 100])
    ramp = np.linspace(0.0, 1.0, 256)[:, None]
    return (low + (high - low) * ramp).astype(np.uint8)


class PaperViewBox(pg.ViewBox):
    """Pans by dragging, zooms with the wheel about the pointer, and measures with calipers
    when they are switched on (then a left drag draws a caliper instead of panning)."""

    caliperMeasured = Signal(object)  # CaliperReading

    def __init__(self, view: EcgPaperView) -> None:
        super().__init__(enableMenu=False)
        self._view = view
        self.calipers_on = False
        self.caliper: CaliperItem | None = None

    def wheelEvent(self, ev, axis=None) -> None:  # noqa: N802 (Qt's name)
        self._view.zoom_by(WHEEL_STEP ** ev.delta(), self.mapSceneToView(ev.scenePos()))
        ev.accept()

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (Qt's name)
        if not self.calipers_on or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():
            self.clear_caliper()
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self.caliper = CaliperItem(start, self._view.scale)
            self.addItem(self.caliper)
        if self.caliper is None:
            return
        self.caliper.set_end(self.mapSceneToView(ev.scenePos()))
        if ev.isFinish():
            self.caliperMeasured.emit(self.caliper.reading)

    def measure(self, start: QPointF, end: QPointF) -> CaliperReading:
        """Place a caliper programmatically (keyboard users, tests)."""
        self.clear_caliper()
        self.caliper = CaliperItem(start, self._view.scale)
        self.addItem(self.caliper)
        self.caliper.set_end(end)
        self.caliperMeasured.emit(self.caliper.reading)
        return self.caliper.reading

    def clear_caliper(self) -> None:
        if self.caliper is not None:
            self.removeItem(self.caliper)
            self.caliper = None


class EcgPaperView(pg.GraphicsView):
    """One sheet of ECG paper showing a recording in a layout, at a speed and a gain.

    The sheet is built in small steps, one per turn of the event loop (``redraw``), so that
    opening a session or changing the layout never holds the GUI thread for long; ``drawn``
    is emitted when the sheet is complete.
    """

    drawn = Signal()
    zoomChanged = Signal(float)  # × true size

    def __init__(
        self,
        traces: EcgTraces,
        dpi: float,
        parent: QWidget | None = None,
        layout: str = Layout.STANDARD,
        page_s: float | None = None,
    ) -> None:
        super().__init__(parent, background=QColor(236, 236, 236))
        self.box = PaperViewBox(self)
        self.setCentralItem(self.box)
        self.traces = traces
        self.scale = PaperScale(dpi=dpi)
        self.layout_name = layout
        self.single_lead = "ii"
        #: The stretch on the paper: the whole recording, or one page of a long one.
        self.page_s = page_s
        self.page_start_s = 0.0
        self._bands: list[tuple[float, float, QColor]] = []
        self._beat_marks: list[tuple[float, str]] = []
        self._shown_marks: list[tuple[float, str]] = []
        self._keep_zoom = False
        self.cells: list[Cell] = []
        self._zoom = 1.0
        self._masks: list[QGraphicsPathItem] = []
        self._fiducials: pg.ScatterPlotItem | None = None
        self._strips: list[pg.ImageItem] = []
        self._highlight: QGraphicsPathItem | None = None
        self.masks_visible = True
        self.fiducials_visible = True
        self.attribution_visible = True
        self.box.sigResized.connect(self._keep_scale)
        self._grid = PaperGrid(QRectF(0, 0, 1, 1))
        self._steps: Iterator[None] | None = None
        self._step_timer = QTimer(self)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._next_step)
        self._first_drawing = True
        self.redraw()

    # Scale and zoom ------------------------------------------------------------------------

    def set_dpi(self, dpi: float) -> None:
        self.scale = PaperScale(self.scale.speed_mm_s, self.scale.gain_mm_mv, dpi)
        self.reset_zoom()

    def set_speed(self, speed_mm_s: float) -> None:
        self.scale = PaperScale(speed_mm_s, self.scale.gain_mm_mv, self.scale.dpi)
        self.redraw()

    def set_gain(self, gain_mm_mv: float) -> None:
        self.scale = PaperScale(self.scale.speed_mm_s, gain_mm_mv, self.scale.dpi)
        self.redraw()

    def set_layout(self, layout: str, single_lead: str | None = None) -> None:
        self.layout_name = layout
        if single_lead is not None:
            self.single_lead = single_lead
        self.redraw()

    def show_page(self, start_s: float) -> None:
        """Page a long recording: draw ``page_s`` seconds from ``start_s``, at the same zoom."""
        self.page_start_s = start_s
        self._keep_zoom = True
        self.redraw()

    def set_bands(
        self, af_s: list[tuple[float, float]], excluded_s: list[tuple[float, float]]
    ) -> None:
        """AF episodes and stretches not interpreted, shaded behind the traces they cover."""
        self._bands = [(a, b, AF_BAND_COLOR) for a, b in af_s] + [
            (a, b, EXCLUDED_BAND_COLOR) for a, b in excluded_s
        ]

    def set_beat_marks(self, marks: list[tuple[float, str]]) -> None:
        """Premature beats to label above the strips: (seconds, 'A' or 'V'), the letters a
        Holter strip uses for atrial and ventricular premature complexes."""
        self._beat_marks = sorted(marks)

    @property
    def beat_labels(self) -> list[tuple[float, str]]:
        """The beat letters on the paper now (for checks and tests)."""
        return self._shown_marks

    @property
    def shown_span_s(self) -> tuple[float, float]:
        """(first, last) second on the paper."""
        return min(c.t0 for c in self.cells), max(c.t1 for c in self.cells)

    def _apply_view(self, zoom: float, left: float, top: float) -> None:
        """Show the paper from (left, top) at ``zoom`` × true size (1 = real millimetres)."""
        self._zoom = zoom
        self.zoomChanged.emit(zoom)
        px_per_mm = self.scale.px_per_mm * zoom
        width = max(self.box.width(), 1.0) / px_per_mm
        height = max(self.box.height(), 1.0) / px_per_mm
        self.box.setRange(
            xRange=(left, left + width), yRange=(top - height, top), padding=0, update=True
        )

    def _keep_scale(self) -> None:
        rect = self.box.viewRect()
        self._apply_view(self._zoom, rect.left(), rect.bottom())

    def reset_zoom(self) -> None:
        """True size, the sheet's top-left corner in the window's top-left corner."""
        sheet = self._grid.boundingRect()
        self._apply_view(1.0, sheet.left(), sheet.bottom())

    def fit_to_window(self) -> None:
        """The whole sheet in the window, its top-left corner in the window's, never larger
        than true size: on a small screen the V4-V6 column and the rhythm strip stay in view."""
        sheet = self._grid.boundingRect()
        px_per_mm = self.scale.px_per_mm
        zoom = min(
            1.0,
            max(self.box.width(), 1.0) / (sheet.width() * px_per_mm),
            max(self.box.height(), 1.0) / (sheet.height() * px_per_mm),
        )
        self._apply_view(max(zoom, 0.2), sheet.left(), sheet.bottom())

    def fit_width(self) -> None:
        """The sheet's width in the window (never above true size), from its top: the minute
        strips are read top-down, row by row, so only the width has to fit."""
        sheet = self._grid.boundingRect()
        zoom = min(1.0, max(self.box.width(), 1.0) / (sheet.width() * self.scale.px_per_mm))
        self._apply_view(max(zoom, 0.2), sheet.left(), sheet.bottom())

    def sheet_fits(self) -> bool:
        """Whether the whole sheet is in view at the current zoom."""
        tolerance_mm = 0.5
        view = self.box.viewRect().adjusted(
            -tolerance_mm, -tolerance_mm, tolerance_mm, tolerance_mm
        )
        return view.contains(self._grid.boundingRect())

    def zoom_step(self, factor: float) -> None:
        """Keyboard zoom (Ctrl+plus/minus): about the window's top-left corner, so the part
        of the sheet being read stays where it is instead of drifting with the pointer."""
        rect = self.box.viewRect()
        self.zoom_by(factor, QPointF(rect.left(), rect.bottom()))

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        rect = self.box.viewRect()
        anchor = anchor or rect.center()
        left = anchor.x() - (anchor.x() - rect.left()) / factor
        top = anchor.y() + (rect.bottom() - anchor.y()) / factor
        self._apply_view(min(max(self._zoom * factor, 0.2), 12.0), left, top)

    @property
    def zoom(self) -> float:
        return self._zoom

    def screen_mm_per_second(self) -> float:
        """Millimetres of screen one second of signal spans, from the view's own transform."""
        a = self.box.mapViewToDevice(QPointF(0.0, 0.0))
        b = self.box.mapViewToDevice(QPointF(self.scale.x_mm(1.0), 0.0))
        return (b.x() - a.x()) / self.scale.px_per_mm

    def screen_mm_per_millivolt(self) -> float:
        a = self.box.mapViewToDevice(QPointF(0.0, 0.0))
        b = self.box.mapViewToDevice(QPointF(0.0, self.scale.y_mm(1.0)))
        return (a.y() - b.y()) / self.scale.px_per_mm

    # Drawing -------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Rebuild the sheet for the current layout, speed and gain, step by step."""
        self._steps = self._drawing_steps()
        self._step_timer.start()

    @Slot()
    def _next_step(self) -> None:
        if self._steps is None or next(self._steps, StopIteration) is StopIteration:
            self._step_timer.stop()
            self._steps = None
            if self._first_drawing:  # opened on a screen too small for the true-size sheet
                self._first_drawing = False
                if self.layout_name == Layout.MINUTE:
                    self.fit_width()
                elif not self.sheet_fits():
                    self.fit_to_window()
            self.drawn.emit()

    def finish_drawing(self) -> None:
        """Complete a pending redraw at once (for code that must read the finished sheet)."""
        while self._steps is not None:
            self._next_step()

    @property
    def is_drawing(self) -> bool:
        return self._steps is not None

    def _drawing_steps(self) -> Iterator[None]:
        """Each yield hands the event loop back: a few milliseconds of work per step."""
        self.box.clear_caliper()
        self.box.clear()
        self._masks, self._strips, self._fiducials, self._highlight = [], [], None, None
        t = self.traces
        span = (
            t.duration if self.page_s is None else min(self.page_s, t.duration - self.page_start_s)
        )
        self.cells = layout_cells(
            self.layout_name, t.leads, span, self.scale, self.single_lead, self.page_start_s
        )
        self._grid.set_rect(paper_rect(self.cells, self.scale))
        self.box.addItem(self._grid)
        sheet = self._grid.boundingRect()
        self._apply_view(self._zoom if self._keep_zoom else 1.0, sheet.left(), sheet.bottom())
        self._keep_zoom = False
        self._draw_bands()
        self._draw_beat_marks()
        yield
        for cell in self.cells:
            self._draw_trace(cell)
            yield
        self._draw_calibration()
        self._draw_masks()
        yield
        self._draw_fiducials()
        yield
        self._draw_strips()

    def _samples(self, cell: Cell, fs: float, n: int) -> tuple[int, int]:
        return max(int(round(cell.t0 * fs)), 0), min(int(round(cell.t1 * fs)), n)

    def _draw_trace(self, cell: Cell) -> None:
        t = self.traces
        row = t.signals_mv[t.leads.index(cell.lead)]
        i0, i1 = self._samples(cell, t.fs, row.size)
        y = row[i0:i1]
        baseline = float(np.median(y)) if y.size else 0.0
        x = cell.x_mm + (np.arange(i0, i1) / t.fs - cell.t0) * self.scale.speed_mm_s
        item = pg.PlotCurveItem(
            x, cell.y_mm + (y - baseline) * self.scale.gain_mm_mv, pen=TRACE_PEN
        )
        item.setZValue(10)
        self.box.addItem(item)
        text = lead_label(cell.lead)
        if self.page_s is not None:  # a page of a long recording: each row says its time
            text = f"{text}  {clock(cell.t0)}"
        label = pg.TextItem(text, color=(30, 30, 30), anchor=(0, 0))
        label.setPos(cell.x_mm + 1.0, cell.y_mm + row_height_mm(self.scale) / 2 - 1.0)
        label.setZValue(20)
        self.box.addItem(label)

    def _draw_calibration(self) -> None:
        """A 1 mV, 200 ms rectangular pulse at the start of every row: the reference the eye
        checks the gain and the speed against."""
        path = QPainterPath()
        width = self.scale.x_mm(CALIBRATION_S)
        height = self.scale.y_mm(1.0)
        for y in sorted({c.y_mm for c in self.cells}):
            path.moveTo(0.0, y)
            path.lineTo(1.0, y)
            path.lineTo(1.0, y + height)
            path.lineTo(1.0 + width, y + height)
            path.lineTo(1.0 + width, y)
            path.lineTo(2.0 + width, y)
        item = QGraphicsPathItem(path)
        item.setPen(QPen(QColor(20, 20, 20), 0))
        item.setZValue(10)
        self.box.addItem(item)

    def _draw_bands(self) -> None:
        half = row_height_mm(self.scale) / 2
        path_by_color: dict[int, tuple[QColor, QPainterPath]] = {}
        for a, b, color in self._bands:
            for cell in self.cells:
                t0, t1 = max(a, cell.t0), min(b, cell.t1)
                if t1 > t0:
                    x0, x1 = cell.x_of(t0, self.scale), cell.x_of(t1, self.scale)
                    _, path = path_by_color.setdefault(color.rgba(), (color, QPainterPath()))
                    path.addRect(QRectF(x0, cell.y_mm - half, x1 - x0, 2 * half))
        for color, path in path_by_color.values():
            item = QGraphicsPathItem(path)
            item.setBrush(color)
            item.setPen(QPen(Qt.PenStyle.NoPen))
            item.setZValue(0)
            self.box.addItem(item)

    def _draw_beat_marks(self) -> None:
        """Each premature beat's letter above the top trace of the strip that shows it."""
        self._shown_marks = []
        if not self._beat_marks or not self.cells:
            return
        top_lead = self.cells[0].lead
        lift = row_height_mm(self.scale) * 0.3
        for cell in (c for c in self.cells if c.lead == top_lead):
            for seconds, letter in self._beat_marks:
                if cell.t0 <= seconds < cell.t1:
                    mark = pg.TextItem(letter, color=BEAT_MARK_COLORS[letter], anchor=(0.5, 1.0))
                    mark.setPos(cell.x_of(seconds, self.scale), cell.y_mm + lift)
                    mark.setZValue(20)
                    self.box.addItem(mark)
                    self._shown_marks.append((seconds, letter))

    def _spans(self, cell: Cell, wave: str) -> list[tuple[float, float]]:
        """The cell's spans of one wave as paper x ranges (clipped to the cell)."""
        spans = self.traces.waves.get(cell.lead, {}).get(wave, [])
        out = []
        for a, b in spans:
            t0, t1 = max(a / self.traces.fs, cell.t0), min(b / self.traces.fs, cell.t1)
            if t1 > t0:
                out.append((cell.x_of(t0, self.scale), cell.x_of(t1, self.scale)))
        return out

    def _draw_masks(self) -> None:
        self._masks = []
        half = row_height_mm(self.scale) * 0.42
        for wave, color in WAVE_COLORS.items():
            path = QPainterPath()
            for cell in self.cells:
                for x0, x1 in self._spans(cell, wave):
                    path.addRect(QRectF(x0, cell.y_mm - half, x1 - x0, 2 * half))
            fill = QColor(color)
            fill.setAlpha(MASK_ALPHA)
            item = QGraphicsPathItem(path)
            item.setBrush(fill)
            item.setPen(QPen(Qt.PenStyle.NoPen))
            item.setZValue(1)
            item.setVisible(self.masks_visible)
            item.setData(0, wave)
            self.box.addItem(item)
            self._masks.append(item)

    def mask_rects(self, wave: str) -> list[QRectF]:
        """The drawn bands of one wave, in paper millimetres (for checks and tests)."""
        item = next(m for m in self._masks if m.data(0) == wave)
        return [poly.boundingRect() for poly in item.path().toSubpathPolygons()]

    def _draw_fiducials(self) -> None:
        """Onset and offset of every wave, as small ticks on the baseline."""
        spots = []
        drop = row_height_mm(self.scale) * 0.42
        for cell in self.cells:
            for wave, color in WAVE_COLORS.items():
                for x0, x1 in self._spans(cell, wave):
                    for x in (x0, x1):
                        spots.append({"pos": (x, cell.y_mm - drop), "brush": color})
        self._fiducials = pg.ScatterPlotItem(spots=spots, symbol="t1", size=7, pen=None)
        self._fiducials.setZValue(15)
        self._fiducials.setVisible(self.fiducials_visible)
        self.box.addItem(self._fiducials)

    def _draw_strips(self) -> None:
        """Under each trace, the model attribution as a 2 mm strip (paper white = none)."""
        self._strips = []
        t = self.traces
        if t.attribution is None:
            return
        lut = attribution_lut()
        base = row_height_mm(self.scale) / 2
        for cell in self.cells:
            if cell.lead not in t.attribution_leads:
                continue
            row = t.attribution[t.attribution_leads.index(cell.lead)]
            i0, i1 = self._samples(cell, t.attribution_fs, row.size)
            if i1 <= i0:
                continue
            strip = pg.ImageItem(row[i0:i1][:, None], levels=(0.0, 1.0), lut=lut)
            x0, x1 = (
                cell.x_of(i0 / t.attribution_fs, self.scale),
                cell.x_of(i1 / t.attribution_fs, self.scale),
            )
            strip.setRect(QRectF(x0, cell.y_mm - base + 0.5, x1 - x0, STRIP_HEIGHT_MM))
            strip.setZValue(2)
            strip.setVisible(self.attribution_visible)
            self.box.addItem(strip)
            self._strips.append(strip)

    # Toggles -------------------------------------------------------------------------------

    def show_masks(self, visible: bool) -> None:
        self.masks_visible = visible
        for item in self._masks:
            item.setVisible(visible)

    def show_fiducials(self, visible: bool) -> None:
        self.fiducials_visible = visible
        if self._fiducials is not None:
            self._fiducials.setVisible(visible)

    def show_attribution(self, visible: bool) -> None:
        self.attribution_visible = visible
        for item in self._strips:
            item.setVisible(visible)

    @property
    def strip_count(self) -> int:
        return len(self._strips)

    def highlight(self, seconds: float, lead: str | None = None) -> None:
        """Mark a moment (an annotation) in every cell that shows it and bring it into view."""
        if self._highlight is not None:
            self.box.removeItem(self._highlight)
        path = QPainterPath()
        half = row_height_mm(self.scale) / 2
        shown = [c for c in self.cells if c.t0 <= seconds < c.t1]
        for cell in shown:
            if lead is None or cell.lead == lead or lead not in self.traces.leads:
                x = cell.x_of(seconds, self.scale)
                path.addRect(QRectF(x - 1.0, cell.y_mm - half, 2.0, 2 * half))
        self._highlight = QGraphicsPathItem(path)
        self._highlight.setBrush(HIGHLIGHT_COLOR)
        self._highlight.setPen(QPen(Qt.PenStyle.NoPen))
        self._highlight.setZValue(5)
        self.box.addItem(self._highlight)
        if not path.isEmpty():
            centre = path.boundingRect().center()
            rect = self.box.viewRect()
            if not rect.contains(centre):
                sheet = self._grid.boundingRect()  # y up: bottom() is the sheet's top edge
                left = min(centre.x() - rect.width() / 2, sheet.right() - rect.width())
                top = max(centre.y() + rect.height() / 2, sheet.top() + rect.height())
                self._apply_view(self._zoom, max(left, sheet.left()), min(top, sheet.bottom()))
