"""Small vector plots for reports: a value over time on labelled axes, gaps, thresholds, a
spectral array as an image.

Trends are drawn as vector paths so they print sharply and a test can read the drawn
coordinates back from the PDF. A missing value (NaN) lifts the pen: a gap is never bridged
by a line that would look like a measurement. Spans to be shown as "no value here" are
filled grey *behind* the axes, each as its own rectangle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from workstation.reports.page_layout import BOLD, FONT, MUTED_COLOR, TEXT_COLOR, fit_text
from workstation.reports.waveform import Box

AXIS_COLOR = Color(0.3, 0.3, 0.3)
GRIDLINE_COLOR = Color(0.85, 0.85, 0.85)
LINE_COLOR = Color(0.05, 0.25, 0.55)
THRESHOLD_COLOR = Color(0.75, 0.05, 0.1)
GAP_COLOR = Color(0.82, 0.82, 0.82)
HIGHLIGHT_COLOR = Color(1.0, 0.88, 0.88)
MARKER_COLOR = Color(0.35, 0.2, 0.55)
LINE_WIDTH_MM = 0.3
TIME_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
#: Anchors of the colour map (viridis' ends and midpoints): dark blue (low) to yellow (high).
COLOR_MAP = np.array(
    [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=float
)


@dataclass(frozen=True, slots=True)
class Frame:
    """A plot area on the page and the data ranges its edges stand for."""

    box: Box
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def x_of(self, x: np.ndarray | float) -> np.ndarray | float:
        lo, hi = self.x_range
        return self.box.x + (np.asarray(x, dtype=float) - lo) / (hi - lo) * self.box.width

    def y_of(self, y: np.ndarray | float) -> np.ndarray | float:
        lo, hi = self.y_range
        return self.box.y + (np.asarray(y, dtype=float) - lo) / (hi - lo) * self.box.height


def time_step(span_s: float, max_ticks: int = 12) -> float:
    """The smallest round step (1 s … 6 h) that puts at most ``max_ticks`` ticks on the span."""
    for step in TIME_STEPS_S:
        if span_s / step <= max_ticks:
            return float(step)
    return float(TIME_STEPS_S[-1])


def time_label(seconds: float, span_s: float) -> str:
    """A tick label: seconds for short spans, m:ss under an hour, h:mm beyond."""
    if span_s <= 180:
        return f"{seconds:g} s"
    whole = int(round(seconds))
    if span_s < 3600:
        return f"{whole // 60}:{whole % 60:02d}"
    return f"{whole // 3600}:{whole % 3600 // 60:02d}"


def time_axis_title(span_s: float) -> str:
    if span_s <= 180:
        return "time from the start of the recording (s)"
    if span_s < 3600:
        return "time from the start of the recording (min:s)"
    return "time from the start of the recording (h:min)"


def draw_frame(
    canvas: Canvas,
    frame: Frame,
    title: str,
    y_ticks: Sequence[float],
    y_format: str = "{:g}",
    time_ticks: bool = True,
    gridlines: bool = True,
) -> None:
    """Gridlines (unless over an image), the border, y tick labels on the left, time ticks
    below, title above."""
    box = frame.box
    canvas.setStrokeColor(GRIDLINE_COLOR)
    canvas.setLineWidth(0.3)
    for value in y_ticks if gridlines else ():
        y = float(frame.y_of(value))
        canvas.line(box.x, y, box.right, y)
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(FONT, 6.5)
    for value in y_ticks:
        y = float(frame.y_of(value)) - 2.2
        canvas.drawRightString(box.x - 1.5 * mm, y, y_format.format(value))
    if time_ticks:
        lo, hi = frame.x_range
        step = time_step(hi - lo)
        for t in np.arange(np.ceil(lo / step) * step, hi + 1e-9, step):
            x = float(frame.x_of(t))
            canvas.setStrokeColor(AXIS_COLOR)
            canvas.line(x, box.y, x, box.y - 1.2 * mm)
            canvas.drawCentredString(x, box.y - 4 * mm, time_label(float(t), hi - lo))
    canvas.setStrokeColor(AXIS_COLOR)
    canvas.setLineWidth(0.5)
    canvas.rect(box.x, box.y, box.width, box.height, stroke=1, fill=0)
    canvas.setFont(BOLD, 7.5)
    canvas.drawString(box.x, box.top + 1.5 * mm, fit_text(title, box.width, BOLD, 7.5))


def draw_line(
    canvas: Canvas,
    frame: Frame,
    x: np.ndarray,
    y: np.ndarray,
    color: Color = LINE_COLOR,
    width_mm: float = LINE_WIDTH_MM,
) -> None:
    """One path through the points; NaN values lift the pen (never joined across)."""
    xs = np.asarray(frame.x_of(x), dtype=float)
    ys = np.asarray(frame.y_of(np.clip(y, *frame.y_range)), dtype=float)
    ys[~np.isfinite(np.asarray(y, dtype=float))] = np.nan
    path = canvas.beginPath()
    pen_down = False
    drawn = 0
    for px, py in zip(xs.tolist(), ys.tolist(), strict=True):
        if py != py:
            pen_down = False
            continue
        if pen_down:
            path.lineTo(px, py)
        else:
            path.moveTo(px, py)
            pen_down = True
        drawn += 1
    if not drawn:
        return
    canvas.setStrokeColor(color)
    canvas.setLineWidth(width_mm * mm)
    canvas.setLineJoin(1)
    canvas.drawPath(path, stroke=1, fill=0)


def draw_points(
    canvas: Canvas, frame: Frame, x: np.ndarray, y: np.ndarray, color: Color = LINE_COLOR
) -> None:
    """Small filled dots, one per finite value (a lone measurable window shows as a dot)."""
    canvas.setFillColor(color)
    for px, py in zip(np.asarray(x, float).tolist(), np.asarray(y, float).tolist(), strict=True):
        if py == py:
            yy = float(frame.y_of(min(max(py, frame.y_range[0]), frame.y_range[1])))
            canvas.circle(float(frame.x_of(px)), yy, 0.6 * mm, stroke=0, fill=1)


def draw_spans(
    canvas: Canvas,
    frame: Frame,
    spans: Sequence[tuple[float, float]],
    color: Color = GAP_COLOR,
) -> None:
    """Filled full-height rectangles over ``spans`` (x units), clipped to the frame."""
    lo, hi = frame.x_range
    canvas.setFillColor(color)
    for start, end in spans:
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        x0, x1 = float(frame.x_of(start)), float(frame.x_of(end))
        canvas.rect(x0, frame.box.y, x1 - x0, frame.box.height, stroke=0, fill=1)


def draw_threshold(canvas: Canvas, frame: Frame, value: float, label: str) -> None:
    """A dashed horizontal line at ``value`` with its label at the right end."""
    y = float(frame.y_of(value))
    canvas.setStrokeColor(THRESHOLD_COLOR)
    canvas.setLineWidth(0.6)
    canvas.setDash(3, 2)
    canvas.line(frame.box.x, y, frame.box.right, y)
    canvas.setDash()
    canvas.setFillColor(THRESHOLD_COLOR)
    canvas.setFont(FONT, 6.5)
    canvas.drawRightString(frame.box.right - 1 * mm, y + 1.2 * mm, label)


def draw_markers(
    canvas: Canvas, frame: Frame, times: Sequence[float], labels: Sequence[str]
) -> None:
    """Thin vertical lines at ``times`` with a label at the top (annotation numbers)."""
    lo, hi = frame.x_range
    canvas.setStrokeColor(MARKER_COLOR)
    canvas.setFillColor(MARKER_COLOR)
    canvas.setLineWidth(0.4)
    canvas.setDash(1, 1.5)
    for t in times:
        if lo <= t <= hi:
            x = float(frame.x_of(t))
            canvas.line(x, frame.box.y, x, frame.box.top)
    canvas.setDash()
    canvas.setFont(BOLD, 6)
    for t, label in zip(times, labels, strict=True):
        if lo <= t <= hi:
            canvas.drawCentredString(float(frame.x_of(t)), frame.box.top - 2.4 * mm, label)


def colorize(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """An RGB (…, 3) uint8 image of ``values`` scaled from ``low`` to ``high``."""
    scaled = np.clip((np.asarray(values, dtype=float) - low) / max(high - low, 1e-12), 0, 1)
    position = scaled * (len(COLOR_MAP) - 1)
    index = np.minimum(position.astype(int), len(COLOR_MAP) - 2)
    weight = (position - index)[..., None]
    rgb = COLOR_MAP[index] * (1 - weight) + COLOR_MAP[index + 1] * weight
    return np.round(rgb).astype(np.uint8)


def draw_image(canvas: Canvas, box: Box, rgb: np.ndarray) -> None:
    """An RGB array (rows top to bottom) stretched over ``box``, as one embedded image."""
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8))
    canvas.drawImage(ImageReader(image), box.x, box.y, box.width, box.height)


def draw_color_bar(
    canvas: Canvas, box: Box, low: float, high: float, title: str, steps: int = 64
) -> None:
    """A vertical colour scale with its two end values and a title to its right."""
    ramp = colorize(np.linspace(high, low, steps)[:, None], low, high)
    draw_image(canvas, box, ramp)
    canvas.setStrokeColor(AXIS_COLOR)
    canvas.setLineWidth(0.4)
    canvas.rect(box.x, box.y, box.width, box.height, stroke=1, fill=0)
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(FONT, 6)
    canvas.drawString(box.right + 1 * mm, box.top - 2, f"{high:.1f}")
    canvas.drawString(box.right + 1 * mm, box.y, f"{low:.1f}")
    canvas.saveState()
    canvas.translate(box.right + 4.5 * mm, box.y + box.height / 2)
    canvas.rotate(90)
    canvas.setFillColor(MUTED_COLOR)
    canvas.drawCentredString(0, 0, title)
    canvas.restoreState()
