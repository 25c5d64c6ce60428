"""Summary features of a stay up to a prediction time, for the deterioration risk model.

Per variable: first, last, min, max, mean, count, slope (per hour) and hours since the last
value, plus the total urine output,
computed only from measurements charted at or before the prediction time, so a prediction made
at hour t can never see hour t+1 (tests/vitals/test_features.py alters the future and checks).
A variable never charted gives NaN statistics and ``count`` 0: gradient-boosted trees route
missing values learnt in training, and nothing is imputed, from the future or otherwise.
The same function builds the training matrix and the features of a patient in the app.
"""

from __future__ import annotations

import numpy as np

from workstation.vitals.observations import DESCRIPTORS, PARAMETERS, Vitals

#: Time-series variables the model sees (every variable of the 2012 challenge except the
#: descriptors; MechVent is charted only as 1, so its count and last time are what it tells).
VARIABLES = tuple(PARAMETERS)
STATS = ("first", "last", "min", "max", "mean", "count", "slope", "since_last")
#: Hours from admission the model was trained on.
HORIZON_HOURS = 48.0
ICU_TYPES = (1, 2, 3, 4)  # coronary care, cardiac surgery recovery, medical, surgical


def feature_names() -> list[str]:
    names = [f"{v}_{s}" for v in VARIABLES for s in STATS] + ["Urine_total"]
    return names + ["Age", "Gender", "Height"] + [f"ICUType_{t}" for t in ICU_TYPES]


def variable_columns() -> dict[str, list[int]]:
    """Column indices of each variable (and of each descriptor) in the feature vector."""
    names = feature_names()
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        key = name.split("_")[0] if not name.startswith("ICUType") else "ICUType"
        groups.setdefault(key, []).append(i)
    return groups


def _stats(hours: np.ndarray, values: np.ndarray, at_hours: float) -> list[float]:
    if len(values) == 0:
        return [np.nan, np.nan, np.nan, np.nan, np.nan, 0.0, np.nan, np.nan]
    if len(values) >= 2 and np.ptp(hours) > 0:
        slope = float(np.polyfit(hours, values, 1)[0])
    else:
        slope = np.nan
    return [
        float(values[0]),
        float(values[-1]),
        float(values.min()),
        float(values.max()),
        float(values.mean()),
        float(len(values)),
        slope,
        float(at_hours - hours[-1]),
    ]


def features_at(vitals: Vitals, at_hours: float = HORIZON_HOURS) -> np.ndarray:
    """The feature vector (float32) of a stay as known at ``at_hours`` from its start."""
    known = vitals.until(at_hours * 60.0)
    by_var: dict[str, tuple[list[float], list[float]]] = {v: ([], []) for v in VARIABLES}
    for m in known.measurements:
        if m.parameter in by_var:
            by_var[m.parameter][0].append(m.minutes / 60.0)
            by_var[m.parameter][1].append(m.value)
    row: list[float] = []
    for v in VARIABLES:
        h, x = by_var[v]
        row += _stats(np.asarray(h), np.asarray(x), at_hours)
    row.append(float(sum(by_var["Urine"][1])))  # output over the window, not per charting
    d = vitals.descriptors
    row += [float(d.get(k, np.nan)) for k in DESCRIPTORS if k != "ICUType"]
    icu = d.get("ICUType")
    row += [np.nan if icu is None else float(icu == t) for t in ICU_TYPES]
    return np.asarray(row, dtype=np.float32)
