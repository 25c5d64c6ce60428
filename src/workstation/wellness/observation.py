"""The typed result every wellness analyser returns: features with units, a quality verdict
and the indicators over time.

One shape for face, voice and motion so that the fusion, the vault and the screens treat
the three alike, and so that a modality whose quality fails is carried (with its reason)
rather than silently left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Shown on every wellness screen, CLI summary and stored observation.
DISCLAIMER = "Wellness observation for clinical review, not diagnosis."


@dataclass(frozen=True)
class Quality:
    """Whether a modality can be measured, the figures that decided it, and why not."""

    measurable: bool
    checks: dict[str, float]
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"measurable": self.measurable, "checks": _clean(self.checks), "reason": self.reason}


@dataclass(frozen=True)
class ModalityResult:
    """Session-level features (empty when not measurable) and per-window indicators.

    ``series`` values are NaN in windows that failed their own quality check.
    """

    modality: str
    quality: Quality
    features: dict[str, float]
    units: dict[str, str]
    times_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    series: dict[str, np.ndarray] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "modality": self.modality,
            "quality": self.quality.to_json(),
            "features": _clean(self.features),
            "units": dict(self.units),
            "times_s": _clean_list(self.times_s),
            "series": {k: _clean_list(v) for k, v in self.series.items()},
            "notes": list(self.notes),
        }


def not_measurable(
    modality: str, reason: str, checks: dict[str, float], units: dict[str, str]
) -> ModalityResult:
    """A modality that failed its quality check: no features, only the reason."""
    return ModalityResult(modality, Quality(False, checks, reason), {}, units)


def _value(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else round(float(x), 6)


def _clean(d: dict[str, float]) -> dict[str, float | None]:
    return {k: _value(v) for k, v in d.items()}


def _clean_list(a: np.ndarray) -> list[float | None]:
    return [_value(v) for v in np.asarray(a, dtype=float)]
