"""Training of the "normal ECG vs any abnormality" score on LUDB's diagnosis columns.

The features are the engine's own measurements (ecg.features) on all 200 records; the model
is a small gradient-boosted tree ensemble, exported with skl2onnx. Performance is the
cross-validated AUC (repeated stratified 5-fold, out-of-fold probabilities averaged over
repeats) with a bootstrap 95% CI over records. Caveat recorded in the card: 150 of the
records were seen by the segmentation model that produced the measurements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.features import FEATURES, feature_vector
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.ludb_labels import is_normal, read_labels

SEED = 6
REPEATS = 5


def ludb_features(ludb_dir: Path) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Feature rows and labels (1 = abnormal); a not-measurable record is all-NaN, abnormal."""
    labels = read_labels(ludb_dir)
    rows, y, ids = [], [], []
    for rid, row in sorted(labels.items()):
        try:
            analysis = analyze_ecg(read_recording(record_path(ludb_dir, rid)), score=False)
            rows.append(feature_vector(analysis.measurements))
        except NotMeasurable:
            rows.append(np.full(len(FEATURES), np.nan, dtype=np.float32))
        y.append(0 if is_normal(row) else 1)
        ids.append(rid)
    return np.stack(rows), np.asarray(y), ids


def make_classifier(seed: int = SEED):
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(
        n_estimators=150, max_depth=2, learning_rate=0.05, subsample=0.8, random_state=seed
    )


def out_of_fold(
    x: np.ndarray, y: np.ndarray, seed: int = SEED, repeats: int = REPEATS
) -> np.ndarray:
    """Each record's output from models that did not see it (stratified 5-fold, averaged over
    ``repeats`` shuffles): what the shipped model would output on an unseen ECG."""
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros((repeats, len(y)))
    for r in range(repeats):
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed + r).split(x, y):
            medians = np.nanmedian(x[train], axis=0)
            clf = make_classifier(seed).fit(
                np.where(np.isnan(x[train]), medians, x[train]), y[train]
            )
            oof[r, test] = clf.predict_proba(np.where(np.isnan(x[test]), medians, x[test]))[:, 1]
    return oof.mean(axis=0)


def cross_validated(x: np.ndarray, y: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Out-of-fold AUC with a bootstrap CI over records (the threshold and calibration are
    chosen and evaluated in ``training.abnormality_calibration``)."""
    from sklearn.metrics import roc_auc_score

    prob = out_of_fold(x, y, seed)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(2000):
        idx = rng.integers(0, len(y), len(y))
        if len(set(y[idx])) == 2:
            boots.append(roc_auc_score(y[idx], prob[idx]))
    return {
        "auc": round(float(roc_auc_score(y, prob)), 3),
        "auc_ci95": [round(float(np.percentile(boots, q)), 3) for q in (2.5, 97.5)],
        "n_records": int(len(y)),
        "n_normal": int((y == 0).sum()),
        "protocol": f"{REPEATS}x repeated stratified 5-fold CV, out-of-fold probabilities "
        "averaged; bootstrap (2000) over records",
    }


def export_classifier(clf, path: Path) -> Path:
    """One ONNX file: input 'features' (batch, n), outputs label and probabilities array."""
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType

    onnx_model = to_onnx(
        clf,
        initial_types=[("features", FloatTensorType([None, len(FEATURES)]))],
        options={id(clf): {"zipmap": False}},
        target_opset=17,
    )
    # skl2onnx lists the opsets in set order, which varies with Python's string hashing: sort
    # them so that the same classifier always gives the same bytes (and the same sha256).
    from onnx import OperatorSetIdProto

    opsets = sorted((o.domain, o.version) for o in onnx_model.opset_import)
    del onnx_model.opset_import[:]
    onnx_model.opset_import.extend(OperatorSetIdProto(domain=d, version=v) for d, v in opsets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(onnx_model.SerializeToString())
    return path
