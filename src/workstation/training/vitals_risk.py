"""Training of the in-hospital mortality risk from the first 48 h of an ICU stay (set A).

Data: PhysioNet/CinC Challenge 2012 set A (4,000 adult ICU stays). A committed, stratified
5-fold split by RecordID (``splits/physionet2012a_folds.json``) fixes every reported figure.
Two models are compared out of fold on the same folds: gradient-boosted trees on the summary
features of ``vitals.features`` and a small GRU on hourly bins with masks and time since the
last value (``vitals_gru``). The better by out-of-fold AUROC ships, retrained on all 4,000
stays; it is calibrated by isotonic regression fitted on its out-of-fold probabilities (the
app applies the curve stored in the card). SAPS-I, SOFA and the worst NEWS2 of the 48 h are
scored on the same folds as references.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from workstation.inference.cards import sha256_of
from workstation.inference.sessions import create_session
from workstation.vitals.charting import MAPPING_NOTE, news2_series
from workstation.vitals.features import HORIZON_HOURS, feature_names, features_at
from workstation.vitals.observations import Vitals, read_vitals

FOLDS_PATH = Path(__file__).with_name("splits") / "physionet2012a_folds.json"
SEED = 2012
N_FOLDS = 5
BOOTSTRAP = 1000
MODEL_NAME = "vitals-risk"

PHYSIONET_2012 = {
    "name": "PhysioNet/CinC Challenge 2012, set A (Predicting Mortality of ICU Patients)",
    "license": "ODC-By 1.0 (PhysioNet open access)",
    "citation": "Silva I, Moody G, Scott DJ, Celi LA, Mark RG. Predicting in-hospital mortality "
    "of ICU patients: the PhysioNet/Computing in Cardiology Challenge 2012. Comput Cardiol "
    "2012;39:245-248",
}


@dataclass(frozen=True)
class SetA:
    """The stays of set A with their outcomes, in RecordID order."""

    ids: np.ndarray
    stays: list[Vitals]
    died: np.ndarray
    saps: np.ndarray  # NaN where the Outcomes file has -1
    sofa: np.ndarray


def load_set_a(data_dir: Path) -> SetA:
    """Read every stay and its outcome row."""
    outcomes: dict[int, list[str]] = {}
    for line in (data_dir / "Outcomes-a.txt").read_text().splitlines()[1:]:
        cells = line.split(",")
        outcomes[int(cells[0])] = cells
    ids = np.array(sorted(outcomes), dtype=np.int64)
    stays = [read_vitals(data_dir / "set-a" / f"{rid}.txt") for rid in ids]

    def column(i: int) -> np.ndarray:
        values = np.array([float(outcomes[int(r)][i]) for r in ids])
        return np.where(values < 0, np.nan, values)

    return SetA(ids, stays, column(5).astype(np.int64), column(1), column(2))


def make_folds(ids: np.ndarray, died: np.ndarray, seed: int = SEED) -> dict[str, Any]:
    """Stratified 5-fold split by RecordID (one stay per patient in set A)."""
    from sklearn.model_selection import StratifiedKFold

    folds = [[] for _ in range(N_FOLDS)]
    splitter = StratifiedKFold(N_FOLDS, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(splitter.split(ids, died)):
        folds[k] = sorted(int(i) for i in ids[test])
    return {
        "dataset": "PhysioNet/CinC 2012 set A",
        "unit": "RecordID (ICU stay)",
        "method": "sklearn StratifiedKFold(5, shuffle=True) on in-hospital death",
        "seed": seed,
        "folds": folds,
    }


def load_folds(ids: np.ndarray, path: Path = FOLDS_PATH) -> np.ndarray:
    """Fold number of each id (in ``ids`` order) from the committed split."""
    fold_of = {
        rid: k for k, fold in enumerate(json.loads(path.read_text())["folds"]) for rid in fold
    }
    return np.array([fold_of[int(r)] for r in ids], dtype=np.int64)


def feature_matrix(stays: list[Vitals]) -> np.ndarray:
    return np.stack([features_at(s, HORIZON_HOURS) for s in stays])


def make_gbm(seed: int = SEED):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=150,
        learning_rate=0.06,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


def out_of_fold_gbm(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    prob = np.zeros(len(y))
    for k in range(N_FOLDS):
        test = folds == k
        clf = make_gbm().fit(x[~test], y[~test])
        prob[test] = clf.predict_proba(x[test])[:, 1]
    return prob


def worst_news2(stays: list[Vitals]) -> np.ndarray:
    """Highest NEWS2 over the first 48 h (missing parameters add 0: a lower bound)."""
    out = []
    for s in stays:
        scores = [c.score.total for c in news2_series(s.until(HORIZON_HOURS * 60))]
        out.append(max(scores) if scores else np.nan)
    return np.asarray(out, dtype=float)


# --- metrics --------------------------------------------------------------------------------


def event1(y: np.ndarray, flagged: np.ndarray) -> float:
    """The challenge's event-1 score: min(sensitivity, positive predictive value)."""
    tp = float((flagged & (y == 1)).sum())
    se = tp / max(1.0, float((y == 1).sum()))
    ppv = tp / max(1.0, float(flagged.sum()))
    return min(se, ppv)


def best_threshold(y: np.ndarray, score: np.ndarray) -> float:
    """The score threshold that maximises event-1 (flag when score >= threshold)."""
    candidates = np.unique(np.round(score, 4))
    values = [event1(y, score >= t) for t in candidates]
    return float(candidates[int(np.argmax(values))])


def fold_thresholded(y: np.ndarray, score: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Flags for each fold from a threshold chosen on the other folds only."""
    flagged = np.zeros(len(y), dtype=bool)
    for k in range(N_FOLDS):
        test = folds == k
        flagged[test] = score[test] >= best_threshold(y[~test], score[~test])
    return flagged


def scored(y: np.ndarray, score: np.ndarray, folds: np.ndarray, seed: int = SEED) -> dict:
    """AUROC and event-1 with bootstrap 95% CIs over stays (stays without a score left out)."""
    from sklearn.metrics import roc_auc_score

    keep = ~np.isnan(score)
    y, score, folds = y[keep], score[keep], folds[keep]
    flagged = fold_thresholded(y, score, folds)
    rng = np.random.default_rng(seed)
    aucs, e1s = [], []
    for _ in range(BOOTSTRAP):
        idx = rng.integers(0, len(y), len(y))
        if 0 < y[idx].sum() < len(idx):
            aucs.append(roc_auc_score(y[idx], score[idx]))
            e1s.append(event1(y[idx], flagged[idx]))

    def ci(values: list[float]) -> list[float]:
        return [round(float(np.percentile(values, q)), 3) for q in (2.5, 97.5)]

    return {
        "auroc": round(float(roc_auc_score(y, score)), 3),
        "auroc_ci95": ci(aucs),
        "event1": round(event1(y, flagged), 3),
        "event1_ci95": ci(e1s),
        "stays": int(len(y)),
        "deaths": int(y.sum()),
    }


def calibrate(y: np.ndarray, prob: np.ndarray) -> dict[str, Any]:
    """Isotonic regression on out-of-fold probabilities, as a piecewise-linear table."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(prob, y)
    return {
        "method": "isotonic regression on out-of-fold probabilities (piecewise linear)",
        "x": [round(float(v), 6) for v in iso.X_thresholds_],
        "y": [round(float(v), 6) for v in iso.y_thresholds_],
    }


def apply_calibration(calibration: dict[str, Any], prob: np.ndarray) -> np.ndarray:
    return np.interp(prob, calibration["x"], calibration["y"])


def reliability(y: np.ndarray, prob: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Observed death rate per decile of predicted risk (the calibration curve)."""
    edges = np.quantile(prob, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, prob, side="right") - 1, 0, bins - 1)
    return [
        {
            "predicted": round(float(prob[which == b].mean()), 3),
            "observed": round(float(y[which == b].mean()), 3),
            "stays": int((which == b).sum()),
        }
        for b in range(bins)
        if (which == b).any()
    ]


def cross_validated_calibration(y: np.ndarray, prob: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Calibrated probabilities for each fold from a curve fitted on the other folds."""
    out = np.zeros(len(y))
    for k in range(N_FOLDS):
        test = folds == k
        out[test] = apply_calibration(calibrate(y[~test], prob[~test]), prob[test])
    return out


# --- export and card -----------------------------------------------------------------------


def export_gbm(clf, path: Path, x: np.ndarray) -> Path:
    """One ONNX file: input 'features' (batch, n) with NaN for missing, output probabilities.

    skl2onnx 1.20 passes a Python bool for a leaf's missing-value direction, which onnx
    refuses in an integer list; the node writer is wrapped to pass 0/1 during this export.
    The exported graph is then checked against scikit-learn on the training matrix.
    """
    from skl2onnx import to_onnx
    from skl2onnx.common import tree_ensemble
    from skl2onnx.common.data_types import FloatTensorType

    original = tree_ensemble.add_node

    def add_node(*args, nodes_missing_value_tracks_true=0, **kwargs):
        return original(
            *args, nodes_missing_value_tracks_true=int(nodes_missing_value_tracks_true), **kwargs
        )

    tree_ensemble.add_node = add_node
    try:
        model = to_onnx(
            clf,
            initial_types=[("features", FloatTensorType([None, x.shape[1]]))],
            options={id(clf): {"zipmap": False}},
            target_opset=17,
        )
    finally:
        tree_ensemble.add_node = original
    data = model.SerializeToString()
    session = create_session(data, prefer_gpu=False)
    onnx_prob = session.run(None, {"features": x.astype(np.float32)})[1][:, 1]
    gap = float(np.max(np.abs(onnx_prob - clf.predict_proba(x)[:, 1])))
    if gap > 1e-4:
        raise RuntimeError(f"the ONNX export differs from scikit-learn by {gap}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def feature_reference(x: np.ndarray) -> list[float | None]:
    """Training-population median of each feature: the 'typical patient' the explanation
    replaces a variable with (None where no stay had the value)."""
    with np.errstate(all="ignore"):
        med = np.nanmedian(np.where(np.isnan(x), np.nan, x), axis=0)
    return [None if np.isnan(m) else round(float(m), 4) for m in med]


def risk_card(
    onnx_path: Path,
    metrics: dict[str, Any],
    calibration: dict[str, Any],
    threshold: float,
    reference: list[float | None],
    folds: dict[str, Any],
    training: dict[str, Any],
) -> dict[str, Any]:
    return {
        "name": MODEL_NAME,
        "version": "1.0.0",
        "created": date.today().isoformat(),
        "task": "In-hospital mortality risk of an adult ICU stay from its first 48 h of charted "
        "vital signs and laboratory values (deterioration risk for review)",
        "architecture": "scikit-learn HistGradientBoostingClassifier (150 trees, 15 leaves) on "
        "per-variable summary features, skl2onnx; isotonic calibration applied from this card",
        "inputs": {
            "features": f"float32 (batch, {len(feature_names())}): see 'features'; NaN where a "
            "variable was never charted (the trees route missing values as trained)"
        },
        "outputs": {
            "label": "int64 (batch,)",
            "probabilities": "float32 (batch, 2): survived, died (uncalibrated)",
        },
        "classes": ["survived", "died in hospital"],
        "features": feature_names(),
        "feature_reference": reference,
        "horizon_hours": HORIZON_HOURS,
        "calibration": calibration,
        "threshold": {
            "calibrated_probability": threshold,
            "chosen": "maximises the event-1 score min(Se, PPV) on all out-of-fold predictions",
        },
        "training_data": {
            **PHYSIONET_2012,
            "stays": metrics["shipped"]["stays"],
            "deaths": metrics["shipped"]["deaths"],
            "split": {
                "file": FOLDS_PATH.name,
                "method": folds["method"],
                "seed": folds["seed"],
                "note": "one stay per patient in set A; every metric below is out of fold on "
                "these folds; the shipped model is then refitted on all stays",
            },
        },
        "training": training,
        "metrics": metrics,
        "news2_reference": MAPPING_NOTE,
        "intended_use": "For clinical review, not diagnosis. Flags adult ICU stays whose first "
        "48 h resemble those of patients who died in hospital, so a clinician reviews them "
        "sooner. It does not decide treatment or predict the individual patient's outcome.",
        "limitations": "Adult ICU stays of 2012 data from one hospital system (MIMIC-II, Boston); "
        "trained on the first 48 h only (earlier predictions see less data than in training); "
        "SaO2 here is arterial blood-gas saturation, not pulse oximetry; no external validation "
        "set; outcome is in-hospital death, not deterioration as such.",
        "sha256": sha256_of(onnx_path.read_bytes()),
    }


def train_vitals_risk(data_dir: Path, out_dir: Path, with_gru: bool = True) -> dict[str, Any]:
    """Compare the models out of fold, export the better, write its card; returns the card."""
    from threadpoolctl import threadpool_limits

    started = time.process_time()
    with threadpool_limits(1):
        data = load_set_a(data_dir)
        if not FOLDS_PATH.is_file():
            FOLDS_PATH.write_text(json.dumps(make_folds(data.ids, data.died), indent=1) + "\n")
        folds = load_folds(data.ids)
        y = data.died
        x = feature_matrix(data.stays)
        gbm_prob = out_of_fold_gbm(x, y, folds)
        candidates = {"gbm_summary_features": gbm_prob}
        if with_gru:
            from workstation.training.vitals_gru import out_of_fold_gru

            candidates["gru_hourly"] = out_of_fold_gru(data.stays, y, folds, SEED)
        metrics: dict[str, Any] = {
            "protocol": "5-fold stratified cross-validation on the committed split; "
            f"bootstrap ({BOOTSTRAP}) 95% CIs over stays; event-1 threshold per fold chosen "
            "on the other folds' out-of-fold predictions",
        }
        for name, prob in candidates.items():
            metrics[name] = scored(y, prob, folds)
        shipped_name = max(candidates, key=lambda n: metrics[n]["auroc"])
        metrics["shipped_variant"] = shipped_name
        metrics["saps_i"] = scored(y, data.saps, folds)
        metrics["sofa"] = scored(y, data.sofa, folds)
        metrics["news2_worst_48h"] = {
            **scored(y, worst_news2(data.stays), folds),
            "how": "highest NEWS2 of any observation set in the first 48 h; " + MAPPING_NOTE,
        }
        prob = candidates[shipped_name]
        calibrated_oof = cross_validated_calibration(y, prob, folds)
        metrics["shipped"] = {
            **scored(y, calibrated_oof, folds),
            "brier_calibrated": round(float(np.mean((calibrated_oof - y) ** 2)), 4),
            "brier_uncalibrated": round(float(np.mean((prob - y) ** 2)), 4),
            "reliability_calibrated": reliability(y, calibrated_oof),
            "reliability_uncalibrated": reliability(y, prob),
        }
        if shipped_name != "gbm_summary_features":
            raise NotImplementedError("only the gradient-boosting model can be exported")
        calibration = calibrate(y, prob)
        threshold = best_threshold(y, apply_calibration(calibration, prob))
        clf = make_gbm().fit(x, y)
        onnx_path = export_gbm(clf, out_dir / f"{MODEL_NAME}.onnx", x)
    training = {
        "command": "workstation train vitals-risk --data ../shared/data/physionet2012-a",
        "seed": SEED,
        "threads": 1,
    }
    card = risk_card(
        onnx_path,
        metrics,
        calibration,
        round(threshold, 4),
        feature_reference(x),
        json.loads(FOLDS_PATH.read_text()),
        training,
    )
    onnx_path.with_suffix(".json").write_text(json.dumps(card, indent=1) + "\n")
    print(f"cross-validation and export took {time.process_time() - started:.0f} CPU seconds")
    return card
