"""Which variables and which hours drove a stay's risk, by occlusion.

Variables: each charted variable's features are replaced by the training population's median
(the card's ``feature_reference``, a typical stay) and the change in calibrated risk is
reported: positive means this patient's values of that variable raised the risk. Hours: the
measurements of each 6-hour block are removed and the features recomputed, so the change says
what those hours' charting added. Occlusion answers "what if this were typical / not charted",
which a clinician can check against the chart; it is not a causal statement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.vitals.features import features_at, variable_columns
from workstation.vitals.observations import Vitals
from workstation.vitals.risk import RiskModel

BLOCK_HOURS = 6.0


@dataclass(frozen=True, slots=True)
class Driver:
    """One variable or block of hours and the change in risk it made (probability units)."""

    name: str
    change: float

    def to_json(self) -> dict:
        return {"name": self.name, "change": round(self.change, 4)}


@dataclass(frozen=True)
class Explanation:
    variables: tuple[Driver, ...]
    hours: tuple[Driver, ...]

    def to_json(self) -> dict:
        return {
            "method": "occlusion: a variable replaced by the training median, or a 6-hour "
            "block of charting removed; change in calibrated risk",
            "variables": [d.to_json() for d in self.variables],
            "hours": [d.to_json() for d in self.hours],
        }


def variable_drivers(vitals: Vitals, model: RiskModel, at_hours: float) -> list[Driver]:
    """Charted variables by the absolute change in risk when made typical, largest first."""
    row = features_at(vitals, at_hours)
    charted = set(vitals.until(at_hours * 60).parameters())
    groups = {k: v for k, v in variable_columns().items() if k in charted}
    names = list(groups)
    batch = np.repeat(row[None, :], len(names) + 1, axis=0)
    for i, name in enumerate(names, start=1):
        cols = groups[name]
        batch[i, cols] = model.reference[cols]
    risk = model.calibrated(batch)
    raw = model.raw(batch)
    order = sorted(
        range(len(names)),
        key=lambda i: (-abs(risk[0] - risk[i + 1]), -abs(raw[0] - raw[i + 1])),
    )
    return [Driver(names[i], float(risk[0] - risk[i + 1])) for i in order]


def hour_drivers(vitals: Vitals, model: RiskModel, at_hours: float) -> list[Driver]:
    """Each 6-hour block up to ``at_hours``, in time order, with what its charting added."""
    starts = np.arange(0.0, at_hours, BLOCK_HOURS)
    rows = [features_at(vitals, at_hours)]
    for start in starts:
        lo, hi = start * 60, (start + BLOCK_HOURS) * 60
        kept = tuple(m for m in vitals.measurements if not lo <= m.minutes < hi)
        rows.append(features_at(_with(vitals, kept), at_hours))
    risk = model.calibrated(np.stack(rows))
    return [
        Driver(f"{start:g}-{min(start + BLOCK_HOURS, at_hours):g} h", float(risk[0] - risk[i + 1]))
        for i, start in enumerate(starts)
    ]


def _with(vitals: Vitals, measurements: tuple) -> Vitals:
    return Vitals(vitals.source_name, measurements, vitals.descriptors)


def explain_risk(vitals: Vitals, model: RiskModel, at_hours: float, top: int = 8) -> Explanation:
    return Explanation(
        tuple(variable_drivers(vitals, model, at_hours)[:top]),
        tuple(hour_drivers(vitals, model, at_hours)),
    )
