"""NEWS2, the National Early Warning Score 2 (Royal College of Physicians, London, 2017).

Pure functions: the seven parameters of one observation set give per-parameter sub-scores, the
total and the clinical-response band (chart 1 and table 2 of the RCP report, "National Early
Warning Score (NEWS) 2: Standardising the assessment of acute-illness severity in the NHS",
2017). Only SpO2 scale 1 is implemented: scale 2 (hypercapnic respiratory failure) must be
prescribed by a clinician, which a file of observations does not record.

Charted values are compared as the chart does, on whole numbers (temperature to 0.1 °C).
A set with a parameter missing is scored on what is present and marked incomplete: its total
is a lower bound, never shown as a complete score.

Mapping from the PhysioNet 2012 variables (an approximation, stated on every screen that
shows it): SpO2 ← SaO2 (arterial blood-gas saturation, not pulse oximetry); supplemental
oxygen ← FiO2 > 0.21 or mechanical ventilation; systolic BP ← SysABP (arterial line), else
NISysABP; consciousness ← GCS (15 = Alert, below 15 = new confusion or worse, "CVPU").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

PARAMETERS = ("respiration", "spo2", "air_or_oxygen", "systolic_bp", "pulse", "consciousness",
              "temperature")  # fmt: skip


class Band(StrEnum):
    """The RCP clinical-risk bands (table 2), which set the response and monitoring."""

    LOW = "low"
    LOW_MEDIUM = "low-medium"  # a 3 in any single parameter: urgent ward-based response
    MEDIUM = "medium"  # 5-6: key threshold for urgent response
    HIGH = "high"  # 7 or more: emergency response


@dataclass(frozen=True, slots=True)
class News2Inputs:
    """One observation set in NEWS2 terms; ``None`` where a parameter was not charted."""

    respiration_rate: float | None = None
    spo2: float | None = None
    on_oxygen: bool | None = None
    systolic_bp: float | None = None
    pulse: float | None = None
    alert: bool | None = None
    temperature: float | None = None


@dataclass(frozen=True, slots=True)
class News2Score:
    """Total, sub-scores of the parameters present, the band, and what was missing."""

    total: int
    subscores: Mapping[str, int]
    band: Band
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    def describe(self) -> str:
        """The score as a clinician reads it; an incomplete one says it is a lower bound."""
        if self.complete:
            return f"NEWS2 {self.total} ({self.band})"
        return f"NEWS2 at least {self.total} (incomplete: {', '.join(self.missing)} not charted)"

    def to_json(self) -> dict:
        return {
            "total": self.total,
            "subscores": dict(self.subscores),
            "band": str(self.band),
            "missing": list(self.missing),
            "complete": self.complete,
        }


def _whole(value: float) -> int:
    """Round half up, as a value between two chart rows is charted."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def respiration_score(rate: float) -> int:
    r = _whole(rate)
    return 3 if r <= 8 else 1 if r <= 11 else 0 if r <= 20 else 2 if r <= 24 else 3


def spo2_scale1_score(spo2: float) -> int:
    s = _whole(spo2)
    return 3 if s <= 91 else 2 if s <= 93 else 1 if s <= 95 else 0


def systolic_score(sbp: float) -> int:
    s = _whole(sbp)
    return 3 if s <= 90 else 2 if s <= 100 else 1 if s <= 110 else 0 if s <= 219 else 3


def pulse_score(pulse: float) -> int:
    p = _whole(pulse)
    return (
        3
        if p <= 40
        else 1
        if p <= 50
        else 0
        if p <= 90
        else 1
        if p <= 110
        else (2 if p <= 130 else 3)
    )


def temperature_score(temp_c: float) -> int:
    t = round(temp_c * 10)  # tenths of a degree, as charted
    return 3 if t <= 350 else 1 if t <= 360 else 0 if t <= 380 else 1 if t <= 390 else 2


def band_of(total: int, subscores: Mapping[str, int]) -> Band:
    """Table 2: high ≥ 7, medium 5-6, low-medium for a red 3 in one parameter, else low."""
    if total >= 7:
        return Band.HIGH
    if total >= 5:
        return Band.MEDIUM
    if any(s == 3 for s in subscores.values()):
        return Band.LOW_MEDIUM
    return Band.LOW


def news2(obs: News2Inputs) -> News2Score:
    """Score one observation set (SpO2 scale 1)."""
    scorers = {
        "respiration": (obs.respiration_rate, respiration_score),
        "spo2": (obs.spo2, spo2_scale1_score),
        "air_or_oxygen": (obs.on_oxygen, lambda o: 2 if o else 0),
        "systolic_bp": (obs.systolic_bp, systolic_score),
        "pulse": (obs.pulse, pulse_score),
        "consciousness": (obs.alert, lambda a: 0 if a else 3),
        "temperature": (obs.temperature, temperature_score),
    }
    subscores = {k: int(f(v)) for k, (v, f) in scorers.items() if v is not None}
    missing = tuple(k for k, (v, _) in scorers.items() if v is None)
    total = sum(subscores.values())
    return News2Score(total, subscores, band_of(total, subscores), missing)
