"""The two plots of the video-vitals panel: recent pulse and heart-rate trend.

The trend draws only measurable windows as values. A window the quality index rejected is a
grey band across the plot with no point in it: a gap the clinician sees, never a number.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from workstation.app.video_runs import PulseSnippet

MEASURED = "#0072B2"
PULSE = "#0b3d62"
GAP_BRUSH = QColor(160, 170, 180, 70)
#: Bands are as wide as the step between windows, so neighbouring gaps join.
WINDOW_STEP_S = 1.0


def _plot(title: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="#0b3d62", size="10pt")
    plot.setLabel("left", left)
    plot.setLabel("bottom", "time", units="s")
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=True, y=False)
    return plot


class PulsePlot:
    """Band-passed pulse (arbitrary units): the last seconds live, the whole trace reopened."""

    def __init__(self) -> None:
        self.widget = _plot("Pulse (band-passed, last 10 s)", "pulse")
        self.widget.getAxis("left").setStyle(showValues=False)
        self.widget.getAxis("left").enableAutoSIPrefix(False)  # arbitrary units: no "×0.001"
        self.curve = self.widget.plot(pen=pg.mkPen(PULSE, width=1.6))

    def show_snippet(self, snippet: PulseSnippet) -> None:
        self.curve.setData(snippet.times_s, snippet.values)

    def show_stored(self, values: np.ndarray, fps: float) -> None:
        self.widget.setTitle("Pulse (band-passed, whole recording)", color="#0b3d62", size="10pt")
        self.curve.setData(np.arange(len(values)) / fps, values)

    def clear(self) -> None:
        self.curve.setData([], [])


class TrendPlot:
    """Heart rate per window; non-measurable windows are grey bands without values."""

    def __init__(self) -> None:
        self.widget = _plot("Heart-rate trend (grey: window not measurable)", "bpm")
        self.widget.setYRange(40, 140)
        self.line = self.widget.plot(
            pen=pg.mkPen(MEASURED, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=MEASURED,
            symbolPen=None,
            connect="finite",
        )
        self.rows: list[tuple[float, float, bool]] = []
        self._bands: list[pg.LinearRegionItem] = []

    def clear(self) -> None:
        self.rows = []
        self._redraw()

    def add(self, time_s: float, bpm: float, measurable: bool) -> None:
        self.rows.append((time_s, bpm, measurable))
        self._redraw()

    def set_rows(self, rows: list[tuple[float, float, bool]]) -> None:
        self.rows = list(rows)
        self._redraw()

    def _redraw(self) -> None:
        times = np.array([r[0] for r in self.rows], dtype=float)
        rates = np.array([r[1] if r[2] else np.nan for r in self.rows], dtype=float)
        self.line.setData(times, rates)
        for band in self._bands:
            self.widget.removeItem(band)
        self._bands = [self._band(a, b) for a, b in gap_spans(self.rows)]
        measured = rates[np.isfinite(rates)]
        if measured.size:
            self.widget.setYRange(min(40, measured.min() - 10), max(140, measured.max() + 10))

    def _band(self, start: float, end: float) -> pg.LinearRegionItem:
        band = pg.LinearRegionItem((start, end), movable=False, brush=GAP_BRUSH, pen=pg.mkPen(None))
        band.setZValue(-10)
        self.widget.addItem(band)
        return band


def gap_spans(rows: list[tuple[float, float, bool]]) -> list[tuple[float, float]]:
    """Runs of consecutive non-measurable windows as (start, end) times, one band per run."""
    spans: list[tuple[float, float]] = []
    half = WINDOW_STEP_S / 2
    for time_s, _bpm, measurable in rows:
        if measurable:
            continue
        if spans and time_s - half <= spans[-1][1] + 1e-6:
            spans[-1] = (spans[-1][0], time_s + half)
        else:
            spans.append((time_s - half, time_s + half))
    return spans
