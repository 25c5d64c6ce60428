"""The "any abnormality" score: a gradient-boosted model over the measurement vector.

Runs with onnxruntime from a verified model file; its card holds the feature order and
the training medians used to fill missing measurements. Explanations (SHAP) are in
``ecg.explain`` and computed only when asked.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from workstation.ecg.features import FEATURES, feature_vector
from workstation.ecg.measurements import Measurements
from workstation.ecg.score_calibration import calibrated_probability, score_label, score_sentence
from workstation.inference.registry import LoadedModel, load_model

MODEL_NAME = "ecg-abnormality"


@lru_cache(maxsize=1)
def abnormality_model() -> LoadedModel:
    return load_model(MODEL_NAME)


def impute(x: np.ndarray, medians: list[float]) -> np.ndarray:
    """Fill missing measurements with the training medians from the card."""
    return np.where(np.isnan(x), np.asarray(medians, dtype=np.float32), x).astype(np.float32)


def explanation_reference(card: dict[str, Any], raw: np.ndarray) -> np.ndarray:
    """The reference ECG the score's explanation starts from: every measurement at the
    median of the normal training ECGs ('normal_feature_medians'), so contributions say
    why this ECG scores above or below a typical normal one. The median of all training
    ECGs, mostly abnormal in LUDB, itself scored 0.98 and left an abnormal ECG nothing to
    explain. A measurement this ECG lacks takes the value it was imputed with, so it
    contributes nothing."""
    normal = np.asarray(card["normal_feature_medians"], dtype=np.float32)
    return np.where(np.isnan(raw), np.asarray(card["feature_medians"], np.float32), normal)


def abnormality_score(model: LoadedModel, m: Measurements) -> dict[str, Any]:
    """Calibrated probability that the ECG is not normal, which side of the screening
    threshold it lies on, and the inputs it was computed from (``ecg.score_calibration``)."""
    raw = feature_vector(m)
    x = impute(raw, model.card["feature_medians"])
    reference = explanation_reference(model.card, raw)
    rows = np.stack([x, reference])
    outputs = np.asarray(model.session.run(None, {"features": rows})[1])[:, 1]
    model_output = float(outputs[0])
    probability = round(calibrated_probability(model_output, model.card), 3)
    threshold = float(model.card.get("threshold", 0.5))
    calibration = model.card.get("calibration") or {}
    return {
        "probability_abnormal": probability,
        "model_output": round(model_output, 6),  # six digits: calibration re-computable
        # The score of the reference ECG (``explanation_reference``): where the Shapley
        # contributions of ``ecg.explain`` start from, so a screen can show the sum.
        "reference_probability": round(calibrated_probability(float(outputs[1]), model.card), 4),
        "reference_features": dict(zip(FEATURES, map(float, reference), strict=True)),
        "calibration": {k: calibration[k] for k in ("method", "a", "b") if k in calibration},
        "threshold": threshold,
        "label": score_label(probability, threshold),
        "sentence": score_sentence(probability, threshold),
        "features": {
            f: (None if np.isnan(v) else round(float(v), 3))
            for f, v in zip(FEATURES, raw, strict=True)
        },
        "model": model.describe(),
    }
