"""Per-sample P / QRS / T labelling of every lead with the segmentation model."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from workstation.ecg.delineation import harmonise_p
from workstation.inference.registry import LoadedModel, load_model

MODEL_NAME = "ecg-segmentation"
MULTIPLE = 32


@lru_cache(maxsize=1)
def segmentation_model() -> LoadedModel:
    """Load and verify once per process; later analyses reuse the session."""
    return load_model(MODEL_NAME)


def segment_probabilities(model: LoadedModel, leads: np.ndarray) -> np.ndarray:
    """Class probabilities (leads, 4, samples) for standardised 500 Hz leads."""
    n = leads.shape[-1]
    padded = np.pad(leads, [(0, 0), (0, (-n) % MULTIPLE)], mode="edge").astype(np.float32)
    logits = model.session.run(None, {"ecg": padded[:, None, :]})[0][..., :n]
    logits = logits - logits.max(axis=1, keepdims=True)
    prob = np.exp(logits)
    return prob / prob.sum(axis=1, keepdims=True)


def segment_labels(model: LoadedModel, leads: np.ndarray) -> np.ndarray:
    """Class index per sample (leads, samples): 0 none, 1 P, 2 QRS, 3 T.

    The most likely class per sample, with P waves then agreed across the simultaneous
    leads (``harmonise_p``); the leads must be one recording's, sampled at the same times.
    """
    labels = segment_probabilities(model, leads).argmax(axis=1).astype(np.int8)
    return harmonise_p(labels)
