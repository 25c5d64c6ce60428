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


def cross_validated(x: np.ndarray, y: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Out-of-fold probabilities averaged over repeats; AUC with bootstrap CI over records."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros((REPEATS, len(y)))
    for r in range(REPEATS):
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed + r).split(x, y):
            medians = np.nanmedian(x[train], axis=0)
            clf = make_classifier(seed).fit(
                np.where(np.isnan(x[train]), medians, x[train]), y[train]
            )
            oof[r, test] = clf.predict_proba(np.where(np.isnan(x[test]), medians, x[test]))[:, 1]
    prob = oof.mean(axis=0)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(2000):
        idx = rng.integers(0, len(y), len(y))
        if len(set(y[idx])) == 2:
            boots.append(roc_auc_score(y[idx], prob[idx]))
    fpr_tpr = _youden_threshold(y, prob)
    return {
        "auc": round(float(roc_auc_score(y, prob)), 3),
        "auc_ci95": [round(float(np.percentile(boots, q)), 3) for q in (2.5, 97.5)],
        "threshold": fpr_tpr[0],
        "sensitivity_at_threshold": fpr_tpr[1],
        "specificity_at_threshold": fpr_tpr[2],
        "n_records": int(len(y)),
        "n_normal": int((y == 0).sum()),
        "protocol": f"{REPEATS}x repeated stratified 5-fold CV, out-of-fold probabilities "
        "averaged; bootstrap (2000) over records",
    }


def _youden_threshold(y: np.ndarray, prob: np.ndarray) -> tuple[float, float, float]:
    best = (0.5, 0.0, 0.0, -1.0)
    for t in np.unique(prob):
        se = float(((prob >= t) & (y == 1)).sum() / (y == 1).sum())
        sp = float(((prob < t) & (y == 0)).sum() / (y == 0).sum())
        if se + sp - 1 > best[3]:
            best = (round(float(t), 3), round(se, 3), round(sp, 3), se + sp - 1)
    return best[:3]


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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(onnx_model.SerializeToString())
    return path
