"""Page furniture every report shares: paper, margins, text blocks, tables, banner, footer.

The ECG report is the first user; EEG and video-vitals reports compose the same pieces with
their own waveform panels (``waveform.py``), so every printout from the workstation looks
alike and carries the same footer. All drawing is direct on a reportlab canvas, in points,
with y growing upwards as in PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from workstation.reports.paper import Paper
from workstation.reports.waveform import Box

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
MONO = "Courier"
TEXT_COLOR = Color(0, 0, 0)
MUTED_COLOR = Color(0.35, 0.35, 0.35)
RULE_COLOR = Color(0.6, 0.6, 0.6)
ALERT_COLOR = Color(0.75, 0.05, 0.1)
ALERT_FILL = Color(1.0, 0.92, 0.92)
MARGIN_MM = 8.0


def content_box(paper: Paper, margin_mm: float = MARGIN_MM) -> Box:
    width, height = paper.size
    margin = margin_mm * mm
    return Box(margin, margin, width - 2 * margin, height - 2 * margin)


@dataclass(frozen=True, slots=True)
class Footer:
    """Who generated the report and when; drawn on every page with "page n of m"."""

    left: str
    right: str

    def draw(self, canvas: Canvas, paper: Paper, page: int, total: int) -> None:
        box = content_box(paper)
        y = box.y - 4.5 * mm
        canvas.setFillColor(MUTED_COLOR)
        canvas.setFont(FONT, 6.5)
        canvas.drawString(box.x, y, self.left)
        canvas.drawRightString(box.right, y, f"{self.right}    Page {page} of {total}")


def fit_text(text: str, width: float, font: str, size: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points (never silently clipped)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def wrap_text(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy word wrap to ``width`` points; a word longer than a line is cut with '…'."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = fit_text(word, width, font, size)
    if current:
        lines.append(current)
    return lines


#: Height kept free at the foot of a page for ``draw_foot_line``.
FOOT_LINE_SPACE = 4 * mm + 14


def draw_foot_line(canvas: Canvas, box: Box, text: str) -> None:
    """A bold line at the foot of the content box (the reports' disclaimer); keep
    FOOT_LINE_SPACE free above ``box.y`` for it."""
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 9)
    canvas.drawString(box.x, box.y + 4 * mm, text)


def draw_section_title(canvas: Canvas, x: float, y: float, width: float, title: str) -> float:
    """A bold title with a thin rule under it; returns the y below it."""
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 8.5)
    canvas.drawString(x, y - 8.5, title)
    canvas.setStrokeColor(RULE_COLOR)
    canvas.setLineWidth(0.4)
    canvas.line(x, y - 11, x + width, y - 11)
    return y - 14


def draw_label_values(
    canvas: Canvas,
    x: float,
    y: float,
    rows: Sequence[tuple[str, str]],
    label_width: float,
    width: float,
    size: float = 7.5,
    wrap: bool = False,
) -> float:
    """Label: value lines, labels muted; returns the y below the block. A value too long for
    its column is cut with an ellipsis, or with ``wrap`` continued on further lines."""
    leading = size * 1.28
    value_width = width - label_width
    for label, value in rows:
        if wrap:
            lines = wrap_text(value, value_width, BOLD, size) or ["-"]
        else:
            lines = [fit_text(value, value_width, BOLD, size)]
        y -= leading
        canvas.setFillColor(MUTED_COLOR)
        canvas.setFont(FONT, size)
        canvas.drawString(x, y, label)
        canvas.setFillColor(TEXT_COLOR)
        canvas.setFont(BOLD, size)
        for k, line in enumerate(lines):
            canvas.drawString(x + label_width, y - k * leading, line)
        y -= (len(lines) - 1) * leading
    return y - leading * 0.3


def label_rows_that_fit(
    rows: Sequence[tuple[str, str]],
    height: float,
    label_width: float,
    width: float,
    size: float = 7.5,
) -> int:
    """How many rows ``draw_label_values(..., wrap=True)`` draws within ``height`` points."""
    leading = size * 1.28
    used = leading * 0.3
    for k, (_, value) in enumerate(rows):
        used += leading * max(1, len(wrap_text(value, width - label_width, BOLD, size)))
        if used > height:
            return k
    return len(rows)


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: heading, width in points, and the font of its cells."""

    heading: str
    width: float
    font: str = FONT


def _row_lines(columns: Sequence[Column], row: Sequence[str], size: float) -> int:
    return max(
        len(wrap_text(cell, col.width - 4, col.font, size)) or 1
        for col, cell in zip(columns, row, strict=True)
    )


def table_rows_that_fit(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], height: float, size: float = 7.5
) -> int:
    """How many rows of a ``draw_table`` table, its header included, fit in ``height``."""
    leading = size * 1.25
    used = leading + 2 + 2
    for k, row in enumerate(rows):
        used += _row_lines(columns, row, size) * leading + 2
        if used > height:
            return k
    return len(rows)


def draw_table(
    canvas: Canvas,
    x: float,
    y: float,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    size: float = 7.5,
) -> float:
    """A ruled table with wrapped cells, header in bold; returns the y below it."""
    leading = size * 1.25
    width = sum(c.width for c in columns)
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, size)
    cx = x
    for col in columns:
        canvas.drawString(cx + 2, y - size, col.heading)
        cx += col.width
    y -= leading + 2
    canvas.setStrokeColor(RULE_COLOR)
    canvas.setLineWidth(0.5)
    canvas.line(x, y + 1, x + width, y + 1)
    canvas.setLineWidth(0.25)
    for row in rows:
        wrapped = [
            (col, wrap_text(cell, col.width - 4, col.font, size))
            for col, cell in zip(columns, row, strict=True)
        ]
        cx = x
        for col, lines in wrapped:
            canvas.setFont(col.font, size)
            for k, line in enumerate(lines):
                canvas.drawString(cx + 2, y - size - k * leading, line)
            cx += col.width
        y -= _row_lines(columns, row, size) * leading + 2
        canvas.line(x, y + 1, x + width, y + 1)
    return y - 2


def draw_banner(canvas: Canvas, box: Box, text: str, size: float = 8.5) -> None:
    """A red-framed notice the reader cannot miss (unconfirmed findings, unsigned report)."""
    canvas.setFillColor(ALERT_FILL)
    canvas.setStrokeColor(ALERT_COLOR)
    canvas.setLineWidth(1.2)
    canvas.rect(box.x, box.y, box.width, box.height, stroke=1, fill=1)
    canvas.setFillColor(ALERT_COLOR)
    canvas.setFont(BOLD, size)
    lines = wrap_text(text, box.width - 8, BOLD, size)
    leading = size * 1.2
    top = box.y + box.height / 2 + (len(lines) * leading) / 2 - size * 0.85
    for k, line in enumerate(lines):
        canvas.drawString(box.x + 4, top - k * leading, line)
