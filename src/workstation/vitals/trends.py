"""Trend change detection on a patient's series across sessions, flagged for review.

A vital sign drifting over days (heart rate creeping up over three sessions) is what the
replaced system looked for. Each series is standardised by its own median and robust spread
and searched for shifts in mean with PELT (ruptures, least-squares cost) at a BIC-like penalty
of 3·log(n). Bedside series are autocorrelated, so a statistically clear shift can still be
clinically trivial (a heart rate moving from 84 to 90); a change is therefore kept only when
the levels either side differ by at least a clinically meaningful amount for that variable
(``MIN_SHIFT``), merging smaller ones away. The flag asks a clinician to look; it diagnoses
nothing. Series too short to tell a shift from noise are not searched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ruptures

#: Fewer points than this and no change is searched for.
MIN_POINTS = 8
#: Each side of a change holds at least this many points.
MIN_SEGMENT = 3
PENALTY_PER_LOG_N = 3.0
#: The smallest difference in level worth a clinician's look (units of each series).
MIN_SHIFT = {
    "HR": 15.0,
    "RespRate": 5.0,
    "SysABP": 20.0,
    "NISysABP": 20.0,
    "MAP": 15.0,
    "Temp": 1.0,
    "SaO2": 4.0,
    "GCS": 3.0,
    "NEWS2": 2.0,
    "HRV_RMSSD": 20.0,
}


@dataclass(frozen=True, slots=True)
class TrendChange:
    """A shift in a series' level at ``hours``, flagged for review."""

    parameter: str
    hours: float
    before: float
    after: float

    def describe(self) -> str:
        direction = "rose" if self.after > self.before else "fell"
        return (
            f"{self.parameter} {direction} from about {self.before:.3g} to {self.after:.3g} at "
            f"{self.hours:.1f} h: flagged for review"
        )

    def to_json(self) -> dict:
        return {
            "parameter": self.parameter,
            "hours": round(self.hours, 2),
            "before": round(self.before, 3),
            "after": round(self.after, 3),
            "flag": "for review",
        }


def detect_changes(parameter: str, hours: np.ndarray, values: np.ndarray) -> list[TrendChange]:
    """Shifts in level of one series (sorted by time; NaN values are left out)."""
    keep = ~np.isnan(values)
    order = np.argsort(hours[keep], kind="stable")
    t, x = hours[keep][order], values[keep][order]
    if len(x) < MIN_POINTS:
        return []
    spread = 1.4826 * float(np.median(np.abs(x - np.median(x))))
    if spread == 0:
        spread = float(np.std(x))
    if spread == 0:
        return []
    z = ((x - np.median(x)) / spread).reshape(-1, 1)
    algo = ruptures.Pelt(model="l2", min_size=MIN_SEGMENT, jump=1).fit(z)
    ends = _merge_small(x, algo.predict(pen=PENALTY_PER_LOG_N * np.log(len(x))), parameter)
    bounds = [0, *ends]
    return [
        TrendChange(
            parameter,
            float(t[bounds[i + 1]]),
            float(np.mean(x[bounds[i] : bounds[i + 1]])),
            float(np.mean(x[bounds[i + 1] : bounds[i + 2]])),
        )
        for i in range(len(bounds) - 2)
    ]


def _merge_small(x: np.ndarray, ends: list[int], parameter: str) -> list[int]:
    """Remove, smallest first, breakpoints whose two sides differ by less than MIN_SHIFT."""
    minimum = MIN_SHIFT.get(parameter, 0.0)
    ends = list(ends)
    while len(ends) > 1:
        bounds = [0, *ends]
        means = [float(np.mean(x[a:b])) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        shifts = np.abs(np.diff(means))
        smallest = int(np.argmin(shifts))
        if shifts[smallest] >= minimum:
            break
        del ends[smallest]
    return ends
