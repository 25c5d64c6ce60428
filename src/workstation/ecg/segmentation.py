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


def _softmax_over_classes(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    prob = np.exp(logits)
    return prob / prob.sum(axis=1, keepdims=True)


def _padded(leads: np.ndarray) -> np.ndarray:
    n = leads.shape[-1]
    return np.pad(leads, [(0, 0), (0, (-n) % MULTIPLE)], mode="edge").astype(np.float32)


def segment_probabilities(model: LoadedModel, leads: np.ndarray) -> np.ndarray:
    """Class probabilities (leads, 4, samples) for one recording's standardised 500 Hz leads,
    read together: the model sees every lead when it labels each one."""
    logits = model.session.run(None, {"ecg": _padded(leads)[None]})[0][0]
    return _softmax_over_classes(logits[..., : leads.shape[-1]])


def segment_leads_alone(model: LoadedModel, leads: np.ndarray) -> np.ndarray:
    """As ``segment_probabilities`` but each row read as a recording of its own (leads, 4,
    samples): for rows that are not simultaneous leads, or to see what one lead alone says."""
    logits = model.session.run(None, {"ecg": _padded(leads)[:, None]})[0][:, 0]
    return _softmax_over_classes(logits[..., : leads.shape[-1]])


def segment_labels(model: LoadedModel, leads: np.ndarray) -> np.ndarray:
    """Class index per sample (leads, samples): 0 none, 1 P, 2 QRS, 3 T.

    The most likely class per sample, with P waves then agreed across the simultaneous
    leads (``harmonise_p``); the leads must be one recording's, sampled at the same times.
    """
    labels = segment_probabilities(model, leads).argmax(axis=1).astype(np.int8)
    return harmonise_p(labels)
