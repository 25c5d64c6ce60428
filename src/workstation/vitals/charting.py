"""NEWS2 per observation set of a stay: the chart's parameters found among charted values.

An observation set is the values charted at one time. Bedside charting is staggered (the
temperature at 08:00, the blood pressure at 08:05), so each NEWS2 parameter takes its most
recent value from the past ``CARRY_HOURS`` (never a later one); a parameter with nothing in
that window is missing and the score says it is incomplete. The mapping from the PhysioNet
2012 variables is an approximation, stated in ``news2`` and on every screen showing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.vitals.news2 import News2Inputs, News2Score, news2
from workstation.vitals.observations import Vitals

#: How long a charted value stands for the patient's current state (NEWS2 is charted 4-hourly
#: at most on a low score; RCP 2017, chart 3).
CARRY_HOURS = 4.0
#: Charted parameters that take part in NEWS2 (SysABP before NISysABP: the arterial line).
NEWS2_SOURCES = ("RespRate", "SaO2", "FiO2", "MechVent", "SysABP", "NISysABP", "HR", "GCS",
                 "Temp")  # fmt: skip
MAPPING_NOTE = (
    "NEWS2 from charted values: SpO2 from arterial SaO2 (blood gas, not pulse oximetry), "
    "oxygen = FiO2 above 0.21 or mechanical ventilation, consciousness from GCS (15 = alert, "
    "below 15 = not alert), an approximation of the RCP chart; each parameter uses its latest "
    f"value from the past {CARRY_HOURS:g} hours."
)


@dataclass(frozen=True, slots=True)
class ChartedNews2:
    """NEWS2 of one observation set, at ``hours`` from the start of the record."""

    hours: float
    score: News2Score


def inputs_from(latest: dict[str, float]) -> News2Inputs:
    """Map the latest charted PhysioNet values onto the seven NEWS2 parameters."""
    sbp = latest.get("SysABP", latest.get("NISysABP"))
    if "MechVent" in latest or latest.get("FiO2", 0.0) > 0.21:
        oxygen: bool | None = True
    elif "FiO2" in latest:
        oxygen = False
    else:
        oxygen = None
    gcs = latest.get("GCS")
    return News2Inputs(
        respiration_rate=latest.get("RespRate"),
        spo2=latest.get("SaO2"),
        on_oxygen=oxygen,
        systolic_bp=sbp,
        pulse=latest.get("HR"),
        alert=None if gcs is None else gcs >= 15,
        temperature=latest.get("Temp"),
    )


def news2_series(vitals: Vitals, carry_hours: float = CARRY_HOURS) -> list[ChartedNews2]:
    """NEWS2 at every time a NEWS2 parameter was charted, from past values only."""
    out: list[ChartedNews2] = []
    last: dict[str, tuple[float, float]] = {}
    for obs in vitals.observation_sets():
        touched = False
        for name, value in obs.values.items():
            if name in NEWS2_SOURCES:
                last[name] = (obs.minutes, value)
                touched = True
        if not touched:
            continue
        window = obs.minutes - carry_hours * 60.0
        latest = {k: v for k, (t, v) in last.items() if t >= window}
        out.append(ChartedNews2(obs.minutes / 60.0, news2(inputs_from(latest))))
    return out


def worst(series: list[ChartedNews2]) -> ChartedNews2 | None:
    """The highest total (the first of equal ones)."""
    return max(series, key=lambda c: c.score.total, default=None)
