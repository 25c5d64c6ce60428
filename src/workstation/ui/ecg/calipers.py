"""Calipers: drag across the paper to measure an interval (ms, and the rate it implies) and
an amplitude (mV), the way a clinician measures with dividers on a paper ECG."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from workstation.ui.ecg.paper import PaperScale

CALIPER_COLOR = QColor(0, 0, 0)
LABEL_BACKGROUND = QColor(255, 255, 255, 225)


@dataclass(frozen=True, slots=True)
class CaliperReading:
    interval_ms: float
    rate_bpm: float | None
    amplitude_mv: float

    def text(self) -> str:
        rate = f" · {self.rate_bpm:.0f} bpm" if self.rate_bpm else ""
        return f"{self.interval_ms:.0f} ms{rate} · {self.amplitude_mv:+.2f} mV"


def read_caliper(start: QPointF, end: QPointF, scale: PaperScale) -> CaliperReading:
    """Interval, rate and amplitude between two points of the paper (millimetres)."""
    interval_ms = abs(end.x() - start.x()) / scale.speed_mm_s * 1000.0
    rate = 60_000.0 / interval_ms if interval_ms >= 1.0 else None
    amplitude = (end.y() - start.y()) / scale.gain_mm_mv
    return CaliperReading(interval_ms, rate, amplitude)


class CaliperItem(pg.GraphicsObject):
    """Two vertical legs at the interval's ends, two horizontal ticks at the amplitude's ends,
    and the reading beside them."""

    def __init__(self, start: QPointF, scale: PaperScale) -> None:
        super().__init__()
        self.start = start
        self.end = start
        self._scale = scale
        self.setZValue(50)

    def set_end(self, end: QPointF) -> None:
        self.prepareGeometryChange()
        self.end = end
        self.update()

    @property
    def reading(self) -> CaliperReading:
        return read_caliper(self.start, self.end, self._scale)

    def _box(self) -> QRectF:
        return QRectF(self.start, self.end).normalized()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._box().adjusted(-20, -20, 60, 20)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        box = self._box()
        pen = QPen(CALIPER_COLOR, 0)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        extra = 3.0
        for x in (box.left(), box.right()):
            painter.drawLine(QPointF(x, box.top() - extra), QPointF(x, box.bottom() + extra))
        for y in (self.start.y(), self.end.y()):
            painter.drawLine(QPointF(box.left() - extra, y), QPointF(box.right() + extra, y))
        self._paint_label(painter, QPointF(box.right() + 1.5, box.bottom()))

    def _paint_label(self, painter: QPainter, at: QPointF) -> None:
        """The reading in screen-sized type, whatever the zoom (the view is in mm, y up)."""
        painter.save()
        painter.translate(at)
        px = max(self.pixelWidth(), 1e-9)
        painter.scale(px, -px)
        font = QFont()
        font.setPointSize(10)
        font.setBold(True)
        painter.setFont(font)
        text = self.reading.text()
        rect = painter.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2)
        painter.fillRect(rect, LABEL_BACKGROUND)
        painter.setPen(QPen(CALIPER_COLOR))
        painter.drawText(0, 0, text)
        painter.restore()
