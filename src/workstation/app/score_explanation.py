"""The abnormality score's explanation as arithmetic a clinician can check line by line.

The stored analysis holds the patient's features, their exact Shapley contributions to the
calibrated score (``ecg.explain``), the score of the reference ECG (every feature at the
median of the normal training ECGs, ``abnormality.explanation_reference``) and the
calibration the card applied (``ecg.abnormality``). Shapley values add up: reference
score + every contribution = the score shown. This module puts those
numbers in the words and units of ``ecg.features.FEATURE_DISPLAY`` and in the order a
reader adds them, and says how the model's raw output became that calibrated probability.
An analysis stored before the reference score was recorded says so rather than showing a
sum that cannot be checked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workstation.ecg.abnormality import REFERENCES, reference_name
from workstation.ecg.features import feature_display

#: Digits every number of the arithmetic is shown with (the contributions are stored with 4).
DIGITS = 3


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feature's line: clinician words, the patient's and the reference value (with
    units), and how much it moved the calibrated score."""

    label: str
    value: str
    reference: str
    contribution: float


@dataclass(frozen=True, slots=True)
class ScoreArithmetic:
    probability: float
    threshold: float
    reference_probability: float | None
    contributions: tuple[Contribution, ...]  # largest effect first
    model_output: float | None
    calibration: Mapping[str, Any]
    reference_name: str  # ``abnormality.REFERENCES``: what the reference ECG is

    @property
    def reference_description(self) -> str:
        return f"{self.reference_name} ({REFERENCES.get(self.reference_name, '')})"

    @property
    def shown_total(self) -> float | None:
        """The sum of the numbers as displayed (rounded to DIGITS): what a reader adding up
        the table gets. None without a stored reference score."""
        if self.reference_probability is None:
            return None
        parts = [self.reference_probability, *(c.contribution for c in self.contributions)]
        return sum(round(p, DIGITS) for p in parts)

    def sum_line(self) -> str:
        """'0.724 (reference ECG) + 0.151 (sum of contributions) = 0.875 = abnormality score'."""
        if self.reference_probability is None:
            return (
                "This analysis was stored without the reference ECG's score, so the sum "
                "cannot be shown; analyse the recording again to see it."
            )
        total = sum(round(c.contribution, DIGITS) for c in self.contributions)
        return (
            f"{self.reference_probability:.{DIGITS}f} (reference ECG) "
            f"{'+' if total >= 0 else '−'} {abs(total):.{DIGITS}f} (sum of contributions) "
            f"= {self.shown_total:.{DIGITS}f} ≈ {self.probability:.{DIGITS}f} (abnormality "
            "score; the shown digits differ only by rounding)"
        )

    def calibration_line(self) -> str:
        """How the model's raw output becomes the calibrated probability the score shows."""
        if self.model_output is None:
            return "The model's raw output was not stored with this analysis."
        raw = self.model_output
        if self.calibration.get("method") != "platt":
            return (
                f"The model's raw output {raw:.{DIGITS}f} is the score itself: its card "
                "holds no calibration."
            )
        a, b = float(self.calibration["a"]), float(self.calibration["b"])
        clipped = min(max(raw, 1e-6), 1.0 - 1e-6)
        logit = math.log(clipped / (1.0 - clipped))
        z = a * logit + b
        return (
            f"The model's raw output is {raw:.{DIGITS}f}. Raw outputs overstate risk, so the "
            "card's Platt calibration (fitted on out-of-fold outputs) turns it into a "
            f"probability: logit({raw:.{DIGITS}f}) = {logit:.{DIGITS}f}; "
            f"{a:g} × {logit:.{DIGITS}f} + {b:g} = {z:.{DIGITS}f}; "
            f"1 / (1 + e^−{z:.{DIGITS}f}) = {1.0 / (1.0 + math.exp(-z)):.{DIGITS}f}. "
            "The contributions above explain this calibrated probability."
        )


def score_arithmetic(analysis: Mapping[str, Any]) -> ScoreArithmetic | None:
    """The stored analysis' score explanation as arithmetic; None when it has no score or no
    stored contributions (the screen says so)."""
    score = analysis.get("abnormality") or {}
    explanation = score.get("explanation") or {}
    if not explanation:
        return None
    features = score.get("features") or {}
    reference = score.get("reference_features") or {}
    ranked = sorted(explanation.items(), key=lambda kv: abs(kv[1]), reverse=True)
    rows = []
    for name, value in ranked:
        display = feature_display(name)
        rows.append(
            Contribution(
                display.label,
                display.value_text(features.get(name))
                if features.get(name) is not None
                else "not measured (median used)",
                display.value_text(reference[name]) if name in reference else "—",
                float(value),
            )
        )
    stored_reference = score.get("reference_probability")
    return ScoreArithmetic(
        probability=float(score["probability_abnormal"]),
        threshold=float(score["threshold"]),
        reference_probability=None if stored_reference is None else float(stored_reference),
        contributions=tuple(rows),
        model_output=None if score.get("model_output") is None else float(score["model_output"]),
        calibration=dict(score.get("calibration") or {}),
        reference_name=reference_name(score),
    )
