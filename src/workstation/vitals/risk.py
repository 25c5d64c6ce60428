"""The deterioration (in-hospital mortality) risk of a stay, from the shipped ``vitals-risk`` model.

The model is loaded through ``inference.registry`` (sha256 checked against its card), run on
the summary features of ``vitals.features`` and calibrated with the isotonic curve stored in
the card, so the probability shown is the observed death rate of similar stays in training,
not the trees' raw score. It refuses a stay with too few core vital signs to stand behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workstation.errors import VitalsNotAssessable
from workstation.inference.registry import LoadedModel, load_model
from workstation.vitals.features import HORIZON_HOURS, features_at
from workstation.vitals.observations import CORE_VITALS, Vitals

MODEL_NAME = "vitals-risk"
#: Fewer core vital-sign values than this in the window and no risk is given: the model
#: learnt from stays with ~100 such values in 48 h; a handful describes no trend.
MIN_CORE_VALUES = 12
DISCLAIMER = "For clinical review, not diagnosis."


def format_probability(p: float) -> str:
    """A risk as shown: whole percent, and "below 1%" rather than a falsely certain 0.0%."""
    return "below 1%" if p < 0.01 else f"{p:.0%}"


@dataclass(frozen=True)
class RiskPrediction:
    """A calibrated probability with the model that produced it and the hours it used."""

    probability: float
    raw_probability: float
    flagged: bool
    threshold: float
    at_hours: float
    model: dict[str, str]
    core_values: int

    def to_json(self) -> dict[str, Any]:
        return {
            "probability": round(self.probability, 4),
            "raw_probability": round(self.raw_probability, 4),
            "flagged_for_review": self.flagged,
            "threshold": self.threshold,
            "at_hours": self.at_hours,
            "model": self.model,
            "core_values": self.core_values,
            "outcome": "in-hospital death (PhysioNet 2012 set A)",
            "note": DISCLAIMER,
        }


class RiskModel:
    """The verified ONNX model and its card's calibration, threshold and reference."""

    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        card = loaded.card
        self.calibration_x = np.asarray(card["calibration"]["x"], dtype=float)
        self.calibration_y = np.asarray(card["calibration"]["y"], dtype=float)
        self.threshold = float(card["threshold"]["calibrated_probability"])
        ref = card["feature_reference"]
        self.reference = np.array([np.nan if r is None else r for r in ref], dtype=np.float32)
        self.input_name = loaded.session.get_inputs()[0].name

    @classmethod
    def load(cls) -> RiskModel:
        return cls(load_model(MODEL_NAME, prefer_gpu=False))

    def raw(self, features: np.ndarray) -> np.ndarray:
        """Uncalibrated probabilities of death for rows of features."""
        rows = np.atleast_2d(features).astype(np.float32)
        outputs = self.loaded.session.run(None, {self.input_name: rows})
        return np.asarray(outputs[1], dtype=float)[:, 1]

    def calibrated(self, features: np.ndarray) -> np.ndarray:
        return np.interp(self.raw(features), self.calibration_x, self.calibration_y)


def core_value_count(vitals: Vitals, at_hours: float) -> int:
    cutoff = at_hours * 60.0
    return sum(1 for m in vitals.measurements if m.minutes <= cutoff and m.parameter in CORE_VITALS)


def predict_risk(vitals: Vitals, model: RiskModel, at_hours: float | None = None) -> RiskPrediction:
    """Risk as known at ``at_hours`` (default: the end of the record, at most 48 h)."""
    if at_hours is None:
        at_hours = min(HORIZON_HOURS, max(vitals.end_minutes() / 60.0, 0.0))
    count = core_value_count(vitals, at_hours)
    if count < MIN_CORE_VALUES:
        raise VitalsNotAssessable(
            f"Only {count} values of the core vital signs ({', '.join(CORE_VITALS)}) were "
            f"charted by hour {at_hours:g}; the risk model needs at least {MIN_CORE_VALUES}.",
            "Chart more observations, then assess again; NEWS2 is still shown.",
        )
    row = features_at(vitals, at_hours)
    raw = float(model.raw(row)[0])
    calibrated = float(np.interp(raw, model.calibration_x, model.calibration_y))
    return RiskPrediction(
        probability=calibrated,
        raw_probability=raw,
        flagged=calibrated >= model.threshold,
        threshold=model.threshold,
        at_hours=round(float(at_hours), 2),
        model=model.loaded.describe(),
        core_values=count,
    )
