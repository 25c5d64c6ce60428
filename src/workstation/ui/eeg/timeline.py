"""The navigation strips under the traces: the compressed spectral array (CDSA) and the
detector probability with a trend, over the whole recording.

Clicking anywhere jumps the traces to that moment; the shaded band shows the page on
screen, so the reader always knows where in the recording they are.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot

from workstation.app.eeg_review import StoredEeg

BACKGROUND, INK = "#fdfdf8", (60, 60, 60)
AXIS_WIDTH = 48  # the same left axis width keeps both strips' time axes aligned


class TimeStrip(pg.PlotWidget):
    """A strip over the whole recording under the traces: fixed axes in the page's ink, the
    same left axis width as its siblings (so their time axes line up), click to jump there."""

    jumpRequested = Signal(float)

    def __init__(self, duration_s: float, height: int, parent=None) -> None:
        super().__init__(parent, background=BACKGROUND)
        self.setMaximumHeight(height)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setXRange(0, duration_s, padding=0)
        for side in ("left", "bottom"):
            self.getPlotItem().getAxis(side).setPen(INK)
            self.getPlotItem().getAxis(side).setTextPen(INK)
        self.getPlotItem().getAxis("left").setWidth(AXIS_WIDTH)
        self.scene().sigMouseClicked.connect(self._on_clicked)

    def time_at(self, scene_x: float) -> float:
        return float(self.getPlotItem().vb.mapSceneToView(pg.Point(scene_x, 0)).x())

    @Slot(object)
    def _on_clicked(self, event) -> None:
        self.jumpRequested.emit(float(np.clip(self.time_at(event.scenePos().x()), 0, None)))


class EegTimeline(TimeStrip):
    """Probability (red, 0–1) and normalised rhythmicity (blue) against time."""

    def __init__(self, duration_s: float, parent=None) -> None:
        super().__init__(duration_s, 130, parent)
        self.setYRange(0, 1.05, padding=0)
        self.getPlotItem().setLabel("bottom", "time (s)")
        self.addLegend(offset=(5, 5), labelTextColor=INK)
        self.probability = self.plot(
            [], [], pen=pg.mkPen((200, 20, 20), width=1.5), name="seizure-like (p)"
        )
        self.trend = self.plot([], [], pen=pg.mkPen((20, 60, 200)), name="rhythmicity")
        self.page_band = pg.LinearRegionItem((0, 10), movable=False, brush=(60, 60, 60, 50))
        self.addItem(self.page_band)

    def show_stored(self, stored: StoredEeg) -> None:
        """The stored (or just computed) trend and detector probability over the recording."""
        arrays = stored.arrays
        if "trend_times" in arrays:
            self.trend.setData(arrays["trend_times"], arrays["rhythmicity"])
        if "detector_times" in arrays:
            self.probability.setData(arrays["detector_times"], arrays["detector_probability"])

    def show_page(self, start_s: float, duration_s: float) -> None:
        self.page_band.setRegion((start_s, start_s + duration_s))


class CdsaStrip(TimeStrip):
    """The compressed spectral array (log power, 0–25 Hz) of the review montage over the
    recording: hours in one image, where seizures stand out as bursts of power."""

    def __init__(self, duration_s: float, parent=None) -> None:
        super().__init__(duration_s, 110, parent)
        self.getPlotItem().setLabel("left", "Hz")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.addItem(self.image)
        self.setVisible(False)

    def show_stored(self, stored: StoredEeg) -> None:
        arrays = stored.arrays
        if "cdsa_log_power" not in arrays:
            return
        times, freqs = arrays["cdsa_times"], arrays["cdsa_freqs"]
        power = np.asarray(arrays["cdsa_log_power"], dtype=np.float32)
        low, high = np.percentile(power, [2, 98])
        self.image.setImage(power, levels=(float(low), float(high)))
        step = float(times[1] - times[0]) if len(times) > 1 else 1.0
        self.image.setRect(
            float(times[0] - step / 2),
            float(freqs[0]),
            step * len(times),
            float(freqs[-1] - freqs[0]),
        )
        self.setYRange(float(freqs[0]), float(freqs[-1]), padding=0)
        self.setVisible(True)
