"""Vector waveform panels at true paper scale: the millimetre grid and traces on it.

Clinicians measure intervals on a printed ECG with calipers against the grid, so a trace is
drawn as one vector path whose coordinates follow directly from the samples: x advances
``mm_per_s`` per second and y ``mm_per_unit`` per signal unit (mV for ECG, µV for EEG), with
nothing rasterised and nothing resampled. ``TraceScale`` is the whole transform, so a test can
check the drawn coordinates against it and the EEG and video-vitals reports can reuse it with
their own speeds and sensitivities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

#: Classic ECG paper: light pink 1 mm lines, stronger red 5 mm lines, black traces.
MINOR_GRID_COLOR = Color(0.98, 0.75, 0.78)
MAJOR_GRID_COLOR = Color(0.93, 0.42, 0.48)
TRACE_COLOR = Color(0, 0, 0)
MINOR_GRID_WIDTH_MM = 0.07
MAJOR_GRID_WIDTH_MM = 0.2
TRACE_WIDTH_MM = 0.22


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the page in points, (x, y) its lower-left corner as PDF measures it."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True, slots=True)
class TraceScale:
    """Where a trace starts on the page and how many millimetres a second and a unit span."""

    x0: float
    baseline: float
    mm_per_s: float
    mm_per_unit: float

    def x_of(self, seconds: np.ndarray | float) -> np.ndarray | float:
        return self.x0 + np.asarray(seconds) * self.mm_per_s * mm

    def y_of(self, values: np.ndarray | float) -> np.ndarray | float:
        return self.baseline + np.asarray(values) * self.mm_per_unit * mm


def draw_grid(canvas: Canvas, box: Box, minor_mm: float = 1.0, major_every: int = 5) -> None:
    """Minor then major lines from the box's lower-left corner, each set as one path.

    The box should be a whole number of major squares so the border lines are major lines.
    """
    step = minor_mm * mm
    n_x = int(round(box.width / step))
    n_y = int(round(box.height / step))
    for major, color, width in (
        (False, MINOR_GRID_COLOR, MINOR_GRID_WIDTH_MM),
        (True, MAJOR_GRID_COLOR, MAJOR_GRID_WIDTH_MM),
    ):
        path = canvas.beginPath()
        for i in range(n_x + 1):
            if (i % major_every == 0) == major:
                x = box.x + i * step
                path.moveTo(x, box.y)
                path.lineTo(x, box.y + n_y * step)
        for j in range(n_y + 1):
            if (j % major_every == 0) == major:
                y = box.y + j * step
                path.moveTo(box.x, y)
                path.lineTo(box.x + n_x * step, y)
        canvas.setStrokeColor(color)
        canvas.setLineWidth(width * mm)
        canvas.drawPath(path, stroke=1, fill=0)


def trace_points(values: np.ndarray, fs: float, scale: TraceScale) -> np.ndarray:
    """Page coordinates (n × 2, points) of every sample; NaN samples stay NaN (gaps)."""
    seconds = np.arange(values.size) / fs
    return np.column_stack([scale.x_of(seconds), scale.y_of(values)])


def draw_trace(
    canvas: Canvas, values: np.ndarray, fs: float, scale: TraceScale, within: Box | None = None
) -> None:
    """One path through every sample; a missing sample (NaN) lifts the pen instead of lying.

    With ``within``, the trace is cut at that box's edges, as a pen meets the paper's edge:
    a tall QRS or a noise burst would otherwise be drawn over the strip and the title
    below it."""
    if within is not None:
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(within.x, within.y, within.width, within.height)
        canvas.clipPath(clip, stroke=0, fill=0)
        draw_trace(canvas, values, fs, scale)
        canvas.restoreState()
        return
    points = trace_points(values, fs, scale)
    path = canvas.beginPath()
    pen_down = False
    for x, y in points.tolist():
        if y != y:
            pen_down = False
        elif pen_down:
            path.lineTo(x, y)
        else:
            path.moveTo(x, y)
            pen_down = True
    canvas.setStrokeColor(TRACE_COLOR)
    canvas.setLineWidth(TRACE_WIDTH_MM * mm)
    canvas.setLineJoin(1)
    canvas.drawPath(path, stroke=1, fill=0)


def draw_calibration_pulse(
    canvas: Canvas, scale: TraceScale, amplitude: float = 1.0, width_s: float = 0.2
) -> None:
    """The standardisation pulse: ``amplitude`` units tall, drawn at the trace's own scale.

    It starts at ``scale.x0``; place its scale before the trace it calibrates.
    """
    step = width_s / 4
    times = [0.0, step, step, 3 * step, 3 * step, width_s]
    levels = [0.0, 0.0, amplitude, amplitude, 0.0, 0.0]
    path = canvas.beginPath()
    path.moveTo(scale.x_of(times[0]), scale.y_of(levels[0]))
    for t, v in zip(times[1:], levels[1:], strict=True):
        path.lineTo(scale.x_of(t), scale.y_of(v))
    canvas.setStrokeColor(TRACE_COLOR)
    canvas.setLineWidth(TRACE_WIDTH_MM * mm)
    canvas.setLineJoin(0)
    canvas.drawPath(path, stroke=1, fill=0)
