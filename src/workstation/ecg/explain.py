"""Explanations, computed only when a clinician asks for them.

- ``score_shapley``: exact Shapley values of the abnormality score's features, against the
  median normal training ECG as the reference (every one of the 2^16 feature coalitions evaluated in
  one batched onnxruntime call, so no SHAP library and no sampling error).
- ``waveform_attribution``: occlusion of the segmentation model. Each 80 ms window of each
  lead is replaced by a straight line between its ends; the drop in the model's confidence
  in its own labels nearby is the importance of those samples, a trace a UI can draw under
  each lead. Only a crop of ±0.5 s around each window is re-run, which holds most of the
  U-Net's effective receptive field. Each lead is read here as a recording of its own (the
  model reads 1 to 15 leads): the trace shows what in that lead its labels rest on, and
  occluding a window re-runs one lead, not twelve. The delineation the app shows also
  consults the other leads, so the two can differ where a lead is weak.
"""

from __future__ import annotations

from math import factorial

import numpy as np

from workstation.ecg.abnormality import explanation_reference, impute
from workstation.ecg.features import FEATURES, feature_vector
from workstation.ecg.measurements import Measurements
from workstation.ecg.score_calibration import calibrate
from workstation.ecg.segmentation import segment_leads_alone
from workstation.inference.registry import LoadedModel

WINDOW_S = 0.08
CONTEXT_S = 0.5
CHUNK = 48  # crops per onnxruntime call: large batches fall out of the CPU cache


def _coalition_values(model: LoadedModel, x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    n = x.size
    masks = ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    rows = np.where(masks, x[None, :], reference[None, :]).astype(np.float32)
    raw = np.asarray(model.session.run(None, {"features": rows})[1])[:, 1]
    return calibrate(raw, model.card)  # explain the calibrated score that is shown


def score_shapley(model: LoadedModel, m: Measurements) -> dict[str, float]:
    """Contribution of each feature to P(abnormal) relative to the reference ECG
    (``abnormality.explanation_reference``: a typical normal ECG)."""
    x = impute(feature_vector(m), model.card["feature_medians"])
    values = _coalition_values(model, x, explanation_reference(model.card)[0])
    n = x.size
    index = np.arange(2**n)
    size = np.array([bin(i).count("1") for i in range(2**n)])
    weight = np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])
    phi = {}
    for i, name in enumerate(FEATURES):
        without = index[(index >> i) & 1 == 0]
        phi[name] = round(
            float(np.sum(weight[size[without]] * (values[without | (1 << i)] - values[without]))), 4
        )
    return phi


def _occlude(lead: np.ndarray, start: int, stop: int) -> np.ndarray:
    out = lead.copy()
    out[start:stop] = np.linspace(lead[start], lead[min(stop, lead.size - 1)], stop - start)
    return out


def waveform_attribution(model: LoadedModel, leads: np.ndarray, fs: float = 500.0) -> np.ndarray:
    """Importance per sample (leads × samples, 0..1 per lead) for standardised 500 Hz leads."""
    n_leads, n = leads.shape
    base = segment_leads_alone(model, leads)
    labels = base.argmax(axis=1)
    confidence = np.take_along_axis(base, labels[:, None, :], axis=1)[:, 0, :]
    win, ctx = int(WINDOW_S * fs), int(CONTEXT_S * fs)
    crop = 2 * ctx + win
    crop += (-crop) % 32
    starts = np.arange(0, n, win)
    padded = np.pad(leads, [(0, 0), (ctx, crop)], mode="edge")
    batch = np.empty((n_leads * starts.size, crop), dtype=np.float32)
    for k, s in enumerate(starts):
        window = padded[:, s : s + crop]
        for lead in range(n_leads):
            batch[lead * starts.size + k] = _occlude(window[lead], ctx, ctx + win)
    prob = np.concatenate(
        [segment_leads_alone(model, batch[i : i + CHUNK]) for i in range(0, len(batch), CHUNK)]
    )
    attribution = np.zeros((n_leads, n), dtype=np.float32)
    for lead in range(n_leads):
        for k, s in enumerate(starts):
            lo, hi = max(s - ctx, 0), min(s + ctx + win, n)
            ref_labels = labels[lead, lo:hi]
            occluded = prob[lead * starts.size + k][:, lo - s + ctx : hi - s + ctx]
            kept = np.take_along_axis(occluded, ref_labels[None, :], axis=0)[0]
            attribution[lead, s : s + win] = float(np.mean(confidence[lead, lo:hi] - kept))
    attribution = np.clip(attribution, 0.0, None)
    return attribution / np.maximum(attribution.max(axis=1, keepdims=True), 1e-9)
