"""The vitals trend tab: one plot per variable across all of a patient's sessions.

Every series is drawn on one time axis (hours from the patient's first session). Under the
plots a strip shows each NEWS2 observation set in its band's colour (grey where the set was
incomplete, so it is never read as "low"); beside them, the latest stored risk with its model
version, its drivers and the card's "for clinical review, not diagnosis", and the changes the
trend search flagged for review. Everything shown comes from ``app.vitals.patient_trends``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from workstation.app.vitals import DISCLAIMER, MAPPING_NOTE, PatientTrends, format_probability
from workstation.ui.workspace import Workspace

#: RCP chart colours for the bands, grey for an incomplete set.
BAND_COLOURS = {
    "low": "#4caf50",
    "low-medium": "#ffc107",
    "medium": "#ff9800",
    "high": "#d32f2f",
    "incomplete": "#b0b7bf",
}
#: Drawn first, in this order; other charted variables follow.
FIRST = ("HR", "NEWS2", "RespRate", "SysABP", "NISysABP", "Temp", "SaO2", "GCS", "HRV_RMSSD")
LINE = "#0072B2"
CHANGE = "#d55e00"


def _plot(name: str, unit: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setLabel("left", f"{name} ({unit})" if unit else name)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=True, y=False)
    plot.setMinimumHeight(130)
    return plot


def ordered_series(trends: PatientTrends) -> list[str]:
    names = list(trends.series)
    return [n for n in FIRST if n in names] + sorted(n for n in names if n not in FIRST)


class VitalsTrendView(QWidget, Workspace):
    """A patient's trends (not one session: ``session_id`` is None)."""

    def __init__(self, trends: PatientTrends) -> None:
        super().__init__()
        self.trends = trends
        self.plots: dict[str, pg.PlotWidget] = {}
        layout = QHBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.band_strip = self._band_strip()
        column.addWidget(self.band_strip)
        first: pg.PlotWidget | None = None
        for name in ordered_series(trends):
            plot = self._series_plot(name)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            column.addWidget(plot)
        if first is not None:
            self.band_strip.setXLink(first)
            first.setLabel("bottom", "hours from the first session")
        scroll.setWidget(inner)
        layout.addWidget(scroll, stretch=3)
        self.side = QLabel(self.side_text())
        self.side.setWordWrap(True)
        self.side.setTextFormat(Qt.TextFormat.PlainText)
        self.side.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.side.setMinimumWidth(260)
        layout.addWidget(self.side, stretch=1)

    def _series_plot(self, name: str) -> pg.PlotWidget:
        s = self.trends.series[name]
        plot = _plot(name, s.unit)
        plot.plot(s.hours, s.values, pen=pg.mkPen(LINE, width=1.5), symbol="o", symbolSize=4,
                  symbolBrush=LINE)  # fmt: skip
        for change in self.trends.changes:
            if change.parameter == name:
                plot.addItem(pg.InfiniteLine(change.hours, pen=pg.mkPen(CHANGE, width=2)))
        self.plots[name] = plot
        return plot

    def _band_strip(self) -> pg.PlotWidget:
        strip = pg.PlotWidget(background="w")
        strip.setLabel("left", "NEWS2 band")
        strip.getAxis("left").setStyle(showValues=False)
        strip.setMaximumHeight(70)
        strip.setMouseEnabled(x=True, y=False)
        strip.setMenuEnabled(False)
        if self.trends.bands:
            hours = np.array([h for h, _ in self.trends.bands])
            for band, colour in BAND_COLOURS.items():
                x = hours[[b == band for _, b in self.trends.bands]]
                if len(x):
                    strip.addItem(
                        pg.BarGraphItem(
                            x=x,
                            height=1,
                            width=0.25,
                            brush=QColor(colour),
                            pen=pg.mkPen(None),
                            name=band,
                        )  # fmt: skip
                    )
        return strip

    def side_text(self) -> str:
        t = self.trends
        lines = [f"{t.patient.name} ({t.patient.identifier})", ""]
        if t.risks:
            r = t.risks[-1]
            model = r["model"]
            lines.append(
                f"Risk of in-hospital death: {format_probability(r['probability'])} "
                f"(calibrated, at {r['at_hours']:g} h of the record)"
            )
            if r.get("flagged_for_review"):
                lines.append("Flagged for review (above the model's threshold).")
            lines.append(f"Model {model['name']} {model['version']} ({model['sha256'][:12]}…)")
            drivers = r.get("drivers") or {}
            if drivers.get("variables"):
                lines += ["", "What drove it (change in risk if typical):"]
                lines += [f"  {d['name']}: {d['change']:+.1%}" for d in drivers["variables"][:6]]
            if drivers.get("hours"):
                lines += ["", "Hours (change in risk if not charted):"]
                lines += [f"  {d['name']}: {d['change']:+.1%}" for d in drivers["hours"]]
        else:
            lines.append("No risk stored for this patient (no vitals session with enough data).")
        lines += ["", "Changes flagged for review:"]
        lines += [f"  {c.describe()}" for c in t.changes] or ["  none found"]
        lines += ["", MAPPING_NOTE, "", DISCLAIMER]
        return "\n".join(lines)
