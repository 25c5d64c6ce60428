"""The navigation strip under the traces: detector probability and a trend over the hour.

Clicking anywhere jumps the traces to that moment; the shaded band shows the page on
screen, so the reader always knows where in the recording they are.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot

from workstation.app.eeg_review import EegAnalysis


class EegTimeline(pg.PlotWidget):
    """Probability (red, 0–1) and normalised rhythmicity (blue) against time."""

    jumpRequested = Signal(float)

    def __init__(self, duration_s: float, parent=None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(130)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setXRange(0, duration_s, padding=0)
        self.setYRange(0, 1.05, padding=0)
        self.getPlotItem().setLabel("bottom", "time (s)")
        self.addLegend(offset=(5, 5))
        self.probability = self.plot([], [], pen=pg.mkPen("r", width=1.5), name="seizure-like")
        self.trend = self.plot([], [], pen=pg.mkPen("b"), name="rhythmicity")
        self.page_band = pg.LinearRegionItem((0, 10), movable=False, brush=(100, 100, 100, 60))
        self.addItem(self.page_band)
        self.scene().sigMouseClicked.connect(self._on_clicked)

    def show_analysis(self, analysis: EegAnalysis) -> None:
        trends = analysis.trends
        rhythm = trends.rhythmicity.max(axis=0)
        self.trend.setData(trends.times + trends.epoch_s / 2, rhythm)
        if analysis.timeline is not None:
            t = analysis.timeline
            self.probability.setData(t.times + t.window_s / 2, t.probability)

    def show_page(self, start_s: float, duration_s: float) -> None:
        self.page_band.setRegion((start_s, start_s + duration_s))

    def time_at(self, scene_x: float) -> float:
        return float(self.getPlotItem().vb.mapSceneToView(pg.Point(scene_x, 0)).x())

    @Slot(object)
    def _on_clicked(self, event) -> None:
        x = self.time_at(event.scenePos().x())
        self.jumpRequested.emit(float(np.clip(x, 0, None)))
