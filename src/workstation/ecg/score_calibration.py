"""The abnormality score as a calibrated probability, and the one sentence that shows it.

The model's raw output is not a probability a clinician can read: on LUDB it sat above 0.9 for
most normal ECGs too, so a raw 0.95 was once printed as "normal". The card stores a Platt
calibration fitted on out-of-fold outputs (``training.abnormality_calibration``) and a
screening threshold chosen for a target sensitivity; this module applies both. The sentence
never puts the word "normal" beside a score: below the threshold it says that disease is not
excluded, because a screening aid that misses one abnormal ECG in ten cannot say more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

ABOVE = "above_screening_threshold"
BELOW = "below_screening_threshold"
_EPS = 1e-6


def calibrate(raw: np.ndarray, card: Mapping[str, Any]) -> np.ndarray:
    """P(abnormal) from the model's raw outputs with the card's Platt parameters
    (p = 1 / (1 + exp(-(a * logit(raw) + b)))); the raw outputs when the card has none."""
    calibration = card.get("calibration") or {}
    raw = np.asarray(raw, dtype=np.float64)
    if calibration.get("method") != "platt":
        return raw
    clipped = np.clip(raw, _EPS, 1.0 - _EPS)
    z = float(calibration["a"]) * np.log(clipped / (1.0 - clipped)) + float(calibration["b"])
    return 1.0 / (1.0 + np.exp(-z))


def calibrated_probability(raw: float, card: Mapping[str, Any]) -> float:
    """``calibrate`` for one output."""
    return float(calibrate(np.asarray([raw]), card)[0])


def score_label(probability: float, threshold: float) -> str:
    """Which side of the screening threshold the score lies on (never 'normal')."""
    return ABOVE if probability >= threshold else BELOW


def score_sentence(probability: float, threshold: float) -> str:
    """The score as every screen and the report print it."""
    head = f"Abnormality score {probability:.2f}"
    if probability >= threshold:
        return f"{head}: above the screening threshold ({threshold:.2f}) — review this ECG"
    return f"{head}: below the screening threshold ({threshold:.2f}) — does not exclude disease"
