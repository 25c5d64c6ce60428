"""ECG paper: the scale (mm/s, mm/mV, screen DPI), the lead layouts and the grid item.

The view's coordinates are millimetres of paper (x to the right, y up), so the grid, the
calibration pulse and the calipers are all drawn in the unit a clinician measures in; the
screen's physical DPI turns millimetres into pixels, so 25 mm/s on the screen is 25 mm of
glass per second when the DPI is right (it can be calibrated in the preferences).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

MM_PER_INCH = 25.4
SPEEDS_MM_S = (12.5, 25.0, 50.0)
GAINS_MM_MV = (5.0, 10.0, 20.0)
PAPER_WIDTH_MM = 250.0  # trace area of a standard 12-lead sheet: 10 s at 25 mm/s
CALIBRATION_S = 0.2  # the 1 mV calibration pulse lasts 200 ms
MINOR_COLOR = QColor(244, 196, 196)
MAJOR_COLOR = QColor(226, 140, 140)
PAPER_COLOR = QColor(255, 250, 247)
MIN_MINOR_PX = 3.0  # below this the 1 mm lines would merge into a pink wash


@dataclass(frozen=True, slots=True)
class PaperScale:
    """Paper speed and gain, and the screen density that puts them on the glass."""

    speed_mm_s: float = 25.0
    gain_mm_mv: float = 10.0
    dpi: float = 96.0

    @property
    def px_per_mm(self) -> float:
        return self.dpi / MM_PER_INCH

    def x_mm(self, seconds: float) -> float:
        return seconds * self.speed_mm_s

    def y_mm(self, millivolts: float) -> float:
        return millivolts * self.gain_mm_mv


class Layout:
    """The names of the lead layouts the workspace offers."""

    STANDARD = "3 × 4 + II rhythm"
    SIX_BY_TWO = "6 × 2"
    SINGLE = "Single lead"
    MINUTE = "Minute, 10 s rows"
    ALL = (STANDARD, SIX_BY_TWO, SINGLE)
    #: A long (rhythm) recording pages one minute at a time; its strips come first.
    RHYTHM = (MINUTE, SINGLE, STANDARD, SIX_BY_TWO)


STANDARD_COLUMNS = (
    ("i", "ii", "iii"),
    ("avr", "avl", "avf"),
    ("v1", "v2", "v3"),
    ("v4", "v5", "v6"),
)
SIX_BY_TWO_COLUMNS = (("i", "ii", "iii", "avr", "avl", "avf"), ("v1", "v2", "v3", "v4", "v5", "v6"))
RHYTHM_LEAD = "ii"
STRIP_S = PAPER_WIDTH_MM / 25.0  # one row of the minute layout: 10 s
STRIP_LEADS = ("ii", "v1", "v5")  # a Holter's usual strip leads, where they were recorded
MAX_STRIP_LEADS = 3


@dataclass(frozen=True, slots=True)
class Cell:
    """One lead drawn over [t0, t1) seconds, its start at x_mm and its baseline at y_mm."""

    lead: str
    t0: float
    t1: float
    x_mm: float
    y_mm: float
    row: int

    def x_of(self, seconds: float, scale: PaperScale) -> float:
        return self.x_mm + scale.x_mm(seconds - self.t0)


def calibration_mm(scale: PaperScale) -> float:
    """Room left of each row for the calibration pulse and a margin."""
    return scale.x_mm(CALIBRATION_S) + 3.0


def row_height_mm(scale: PaperScale) -> float:
    """Room for about ±1.9 mV around each baseline, never less than 25 mm."""
    return max(25.0, 3.8 * scale.gain_mm_mv)


def _columns(
    columns: tuple[tuple[str, ...], ...], leads: list[str], duration: float, scale: PaperScale
) -> list[Cell]:
    per_column = min(duration / len(columns), PAPER_WIDTH_MM / scale.speed_mm_s / len(columns))
    height = row_height_mm(scale)
    left = calibration_mm(scale)
    cells = []
    for c, column in enumerate(columns):
        for r, lead in enumerate(column):
            if lead in leads:
                t0 = c * per_column
                cells.append(Cell(lead, t0, t0 + per_column, left + scale.x_mm(t0), -r * height, r))
    return cells


def strip_leads(leads: list[str]) -> list[str]:
    """The leads of the minute strips: all of up to three leads; of more, II, V1 and V5
    where recorded, else the first three."""
    if len(leads) <= MAX_STRIP_LEADS:
        return list(leads)
    chosen = [lead for lead in STRIP_LEADS if lead in leads]
    return chosen if chosen else leads[:MAX_STRIP_LEADS]


def minute_cells(leads: list[str], duration: float, scale: PaperScale) -> list[Cell]:
    """``duration`` seconds as rows of 10 s, each 10 s block showing every strip lead."""
    height = row_height_mm(scale)
    left = calibration_mm(scale)
    shown = strip_leads(leads)
    cells, row, t0 = [], 0, 0.0
    while t0 < duration - 1e-9:
        t1 = min(t0 + STRIP_S, duration)
        for lead in shown:
            cells.append(Cell(lead, t0, t1, left, -row * height, row))
            row += 1
        t0 = t1
    return cells


def layout_cells(
    layout: str,
    leads: list[str],
    duration: float,
    scale: PaperScale,
    single: str = "ii",
    start_s: float = 0.0,
) -> list[Cell]:
    """Where each lead goes on the paper for a layout (leads absent from the file are left out).

    The paper shows ``duration`` seconds from ``start_s`` (the whole of a resting ECG, one
    minute of a long recording). Rows run downwards from y = 0; the standard layout adds the
    lead II rhythm strip as a last row, as long as the paper is wide (10 s at 25 mm/s).
    """
    cells = _window_cells(layout, leads, duration, scale, single)
    if start_s:
        cells = [replace(c, t0=c.t0 + start_s, t1=c.t1 + start_s) for c in cells]
    return cells


def _window_cells(
    layout: str, leads: list[str], duration: float, scale: PaperScale, single: str
) -> list[Cell]:
    if layout == Layout.MINUTE:
        return minute_cells(leads, duration, scale)
    if layout == Layout.SINGLE:
        lead = single if single in leads else leads[0]
        return [Cell(lead, 0.0, duration, calibration_mm(scale), 0.0, 0)]
    if layout == Layout.SIX_BY_TWO:
        return _columns(SIX_BY_TWO_COLUMNS, leads, duration, scale)
    cells = _columns(STANDARD_COLUMNS, leads, duration, scale)
    rhythm = RHYTHM_LEAD if RHYTHM_LEAD in leads else leads[0]
    strip = min(duration, PAPER_WIDTH_MM / scale.speed_mm_s)
    cells.append(Cell(rhythm, 0.0, strip, calibration_mm(scale), -3 * row_height_mm(scale), 3))
    return cells


def paper_rect(cells: list[Cell], scale: PaperScale) -> QRectF:
    """The sheet behind the cells, on whole 5 mm squares."""
    height = row_height_mm(scale)
    right = max(c.x_mm + scale.x_mm(c.t1 - c.t0) for c in cells) + 5.0
    top = height / 2
    bottom = min(c.y_mm for c in cells) - height / 2
    left = -5.0
    width = 5.0 * round((right - left) / 5.0 + 0.5)
    tall = 5.0 * round((top - bottom) / 5.0 + 0.5)
    return QRectF(left, top - tall, width, tall)


class PaperGrid(pg.GraphicsObject):
    """1 mm and 5 mm lines over a rectangle of paper, drawn with hairline (cosmetic) pens."""

    def __init__(self, rect: QRectF) -> None:
        super().__init__()
        self._rect = rect
        self.setZValue(-100)

    def set_rect(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._rect

    def _lines(self, step: int) -> list[QLineF]:
        r = self._rect
        lines = []
        x0, y0 = int(r.left()), int(r.top())
        for x in range(x0, int(r.right()) + 1):
            if x % step == 0:
                lines.append(QLineF(x, r.top(), x, r.bottom()))
        for y in range(y0, int(r.bottom()) + 1):
            if y % step == 0:
                lines.append(QLineF(r.left(), y, r.right(), y))
        return lines

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.fillRect(self._rect, PAPER_COLOR)
        px_per_mm = 1.0 / max(self.pixelWidth(), 1e-9)
        if px_per_mm >= MIN_MINOR_PX:
            pen = QPen(MINOR_COLOR, 0)
            painter.setPen(pen)
            painter.drawLines(self._lines(1))
        pen = QPen(MAJOR_COLOR, 0)
        painter.setPen(pen)
        painter.drawLines(self._lines(5))
