"""A patient's own baseline: mean and SD of each feature over their earlier sessions.

No voice-stress or attention model with population norms exists that we could ship, so a
number is only ever compared with the same person's earlier sessions (a z-score). Fewer
than MIN_SESSIONS earlier measurements of a feature give no baseline for it: the raw value
is shown and no z-score is made up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

MIN_SESSIONS = 3
NO_BASELINE = "no baseline yet: raw values shown, no z-scores"


@dataclass(frozen=True)
class FeatureBaseline:
    mean: float
    sd: float
    sessions: int


@dataclass(frozen=True)
class Baseline:
    """Per feature key (``modality.feature``): mean, SD and the sessions it rests on."""

    features: dict[str, FeatureBaseline]
    sessions: int

    def z(self, key: str, value: float) -> float | None:
        """The z-score, or None without a baseline for this feature (or a flat one)."""
        base = self.features.get(key)
        if base is None or not math.isfinite(value) or base.sd <= 0:
            return None
        return (value - base.mean) / base.sd


def build_baseline(sessions: Iterable[Mapping[str, float]]) -> Baseline:
    """From earlier sessions' features (one mapping per session, NaN where not measured).

    The SD has a floor of 5 % of the mean's magnitude (and 1e-6), so three near-identical
    sessions do not turn a tiny change into a huge z-score.
    """
    values: dict[str, list[float]] = {}
    count = 0
    for features in sessions:
        count += 1
        for key, value in features.items():
            if value is not None and math.isfinite(value):
                values.setdefault(key, []).append(float(value))
    out = {}
    for key, vals in values.items():
        if len(vals) < MIN_SESSIONS:
            continue
        mean = float(np.mean(vals))
        sd = max(float(np.std(vals, ddof=1)), 0.05 * abs(mean), 1e-6)
        out[key] = FeatureBaseline(mean, sd, len(vals))
    return Baseline(out, count)
