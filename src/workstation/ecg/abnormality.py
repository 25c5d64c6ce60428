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
from workstation.inference.registry import LoadedModel, load_model

MODEL_NAME = "ecg-abnormality"


@lru_cache(maxsize=1)
def abnormality_model() -> LoadedModel:
    return load_model(MODEL_NAME)


def impute(x: np.ndarray, medians: list[float]) -> np.ndarray:
    """Fill missing measurements with the training medians from the card."""
    return np.where(np.isnan(x), np.asarray(medians, dtype=np.float32), x).astype(np.float32)


def abnormality_score(model: LoadedModel, m: Measurements) -> dict[str, Any]:
    """Probability that the ECG is not normal, with the inputs it was computed from."""
    raw = feature_vector(m)
    x = impute(raw, model.card["feature_medians"])
    outputs = model.session.run(None, {"features": x[None, :]})
    probability = float(np.asarray(outputs[1])[0, 1])
    threshold = float(model.card.get("threshold", 0.5))
    return {
        "probability_abnormal": round(probability, 3),
        "threshold": threshold,
        "label": "abnormal" if probability >= threshold else "normal",
        "features": {
            f: (None if np.isnan(v) else round(float(v), 3))
            for f, v in zip(FEATURES, raw, strict=True)
        },
        "model": model.describe(),
    }
