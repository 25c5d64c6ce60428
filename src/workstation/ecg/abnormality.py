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


#: The explanation's reference ECG by the name stored with each score, and what it is.
NORMAL_REFERENCE = "a typical normal ECG"
TRAINING_REFERENCE = "the training-median ECG"  # cards before 1.4.2: no normal medians
REFERENCES = {
    NORMAL_REFERENCE: "every measurement at the median of the normal ECGs the model learnt from",
    TRAINING_REFERENCE: "every measurement at the median of the training ECGs",
}


def reference_name(score: dict[str, Any]) -> str:
    """The reference a stored score was explained against (analyses stored before the
    name was recorded used the training-median ECG)."""
    return str(score.get("reference") or TRAINING_REFERENCE)


def explanation_reference(card: dict[str, Any]) -> tuple[np.ndarray, str]:
    """The reference ECG the score's explanation starts from, and its name: every
    measurement at the median of the normal training ECGs, so contributions say why this
    ECG scores above or below a typical normal one (the median of all training ECGs, mostly
    abnormal in LUDB, itself scored 0.98 and left an abnormal ECG nothing to explain). A
    measurement this ECG lacks enters at its imputed value (the all-training median), so
    its line shows what not measuring it did: in AF, no PR. A card without normal medians
    (before 1.4.2) keeps its training medians, and the name says so."""
    if "normal_feature_medians" in card:
        return np.asarray(card["normal_feature_medians"], dtype=np.float32), NORMAL_REFERENCE
    return np.asarray(card["feature_medians"], dtype=np.float32), TRAINING_REFERENCE


def abnormality_score(model: LoadedModel, m: Measurements) -> dict[str, Any]:
    """Calibrated probability that the ECG is not normal, which side of the screening
    threshold it lies on, and the inputs it was computed from (``ecg.score_calibration``)."""
    raw = feature_vector(m)
    x = impute(raw, model.card["feature_medians"])
    reference, reference_name = explanation_reference(model.card)
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
        "reference": reference_name,
        "reference_features": {
            f: round(float(v), 4) for f, v in zip(FEATURES, reference, strict=True)
        },
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
