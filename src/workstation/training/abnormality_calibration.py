"""Calibration and screening threshold of the abnormality score, and their honest evaluation.

Why: the raw gradient-boosting output is not a probability (fitted on 200 records of which
177 are abnormal, it sits above 0.9 for most normal ECGs), so its Youden threshold came out
at 0.97 and a 0.95 was printed as "normal". Here:

1. Out-of-fold outputs (5x repeated stratified 5-fold over the records) stand for the shipped
   model's outputs on ECGs it never saw.
2. Platt scaling (a logistic regression on their log-odds) maps an output to P(abnormal). Two
   parameters, because 23 normal ECGs cannot support an isotonic step function.
3. The screening threshold is the highest calibrated probability at which the out-of-fold
   sensitivity is still at least ``TARGET_SENSITIVITY``: a screening aid that orders ECGs
   for reading should miss few abnormal ones, and pays with specificity.
4. Everything in 1-3 is repeated inside each fold of an outer cross-validation
   (``nested_evaluation``), so the Brier score, the reliability curve and the sensitivity and
   specificity at the threshold are measured on records that neither the model, nor the
   calibration, nor the threshold choice saw. CIs bootstrap over records.

Why not the committed LUDB split's test set: its 50 records hold 3 normal ECGs, which cannot
measure a specificity or the low end of a reliability curve; nested cross-validation uses all
23 normals while keeping every evaluated record out of everything that was fitted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from workstation.training.abnormality import (
    REPEATS,
    SEED,
    cross_validated,
    export_classifier,
    ludb_features,
    make_classifier,
    out_of_fold,
)

TARGET_SENSITIVITY = 0.90
OUTER_REPEATS = 3
RELIABILITY_BINS = 5
BOOTSTRAP = 2000
_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1.0 - _EPS)
    return np.log(p / (1.0 - p))


def fit_platt(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) of p = sigmoid(a * logit(raw) + b), fitted by maximum likelihood."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(raw)[:, None], y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def apply_platt(raw: np.ndarray, a: float, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(a * _logit(raw) + b)))


def screening_threshold(prob: np.ndarray, y: np.ndarray, target: float) -> float:
    """The highest threshold whose sensitivity (prob >= threshold) is at least ``target``."""
    positives = np.sort(prob[y == 1])[::-1]
    needed = int(np.ceil(target * positives.size))
    return float(positives[needed - 1])


def calibration_fit(x: np.ndarray, y: np.ndarray, seed: int, repeats: int) -> dict[str, float]:
    """Platt parameters and screening threshold from out-of-fold outputs on (x, y)."""
    raw = out_of_fold(x, y, seed, repeats)
    a, b = fit_platt(raw, y)
    threshold = screening_threshold(apply_platt(raw, a, b), y, TARGET_SENSITIVITY)
    return {"a": a, "b": b, "threshold": threshold}


def _fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    medians = np.nanmedian(x_train, axis=0)
    clf = make_classifier().fit(np.where(np.isnan(x_train), medians, x_train), y_train)
    return clf.predict_proba(np.where(np.isnan(x_test), medians, x_test))[:, 1]


def nested_evaluation(x: np.ndarray, y: np.ndarray, seed: int = SEED) -> dict[str, np.ndarray]:
    """Calibrated probability and screening decision of every record from models,
    calibrations and thresholds fitted without it; arrays (OUTER_REPEATS, records)."""
    from sklearn.model_selection import StratifiedKFold

    prob = np.zeros((OUTER_REPEATS, len(y)))
    flagged = np.zeros((OUTER_REPEATS, len(y)), dtype=bool)
    for r in range(OUTER_REPEATS):
        outer = StratifiedKFold(5, shuffle=True, random_state=seed + 100 + r)
        for train, test in outer.split(x, y):
            fit = calibration_fit(x[train], y[train], seed, repeats=1)
            raw = _fit_predict(x[train], y[train], x[test])
            prob[r, test] = apply_platt(raw, fit["a"], fit["b"])
            flagged[r, test] = prob[r, test] >= fit["threshold"]
    return {"probability": prob, "flagged": flagged}


def _ci(values: np.ndarray) -> list[float]:
    return [round(float(np.percentile(values, q)), 3) for q in (2.5, 97.5)]


def reliability_curve(prob: np.ndarray, y: np.ndarray, bins: int) -> list[dict[str, float]]:
    """Equal-count bins: mean predicted probability against the observed abnormal fraction."""
    order = np.argsort(prob, kind="stable")
    return [
        {
            "predicted": round(float(prob[part].mean()), 3),
            "observed": round(float(y[part].mean()), 3),
            "n": int(part.size),
        }
        for part in np.array_split(order, bins)
    ]


def nested_metrics(nested: dict[str, np.ndarray], y: np.ndarray, seed: int = SEED) -> dict:
    """Brier score, reliability curve, sensitivity and specificity at the screening
    threshold, with bootstrap 95% CIs over records (repeats averaged per record)."""
    prob, flagged = nested["probability"], nested["flagged"]
    brier_rec = ((prob - y[None, :]) ** 2).mean(axis=0)
    flag_rec = flagged.mean(axis=0)
    rng = np.random.default_rng(seed)
    boot = {"brier": [], "sens": [], "spec": []}
    for _ in range(BOOTSTRAP):
        idx = rng.integers(0, len(y), len(y))
        yy, ff = y[idx], flag_rec[idx]
        if yy.min() == yy.max():
            continue
        boot["brier"].append(brier_rec[idx].mean())
        boot["sens"].append(ff[yy == 1].mean())
        boot["spec"].append(1.0 - ff[yy == 0].mean())
    prevalence = float(y.mean())
    return {
        "protocol": f"nested: outer {OUTER_REPEATS}x stratified 5-fold; inside each outer "
        "training fold, out-of-fold outputs -> Platt calibration and screening threshold; "
        f"bootstrap ({BOOTSTRAP}) over records",
        "brier": round(float(brier_rec.mean()), 3),
        "brier_ci95": _ci(np.asarray(boot["brier"])),
        "brier_of_prevalence_only": round(prevalence * (1 - prevalence), 3),
        "sensitivity_at_threshold": round(float(flag_rec[y == 1].mean()), 3),
        "sensitivity_at_threshold_ci95": _ci(np.asarray(boot["sens"])),
        "specificity_at_threshold": round(float(1.0 - flag_rec[y == 0].mean()), 3),
        "specificity_at_threshold_ci95": _ci(np.asarray(boot["spec"])),
        "reliability_curve": reliability_curve(prob.mean(axis=0), y, RELIABILITY_BINS),
    }


def calibration_card_section(fit: dict[str, float], metrics: dict[str, Any]) -> dict[str, Any]:
    """What the card says about calibration, threshold and their evaluation."""
    return {
        "threshold": round(fit["threshold"], 3),
        "calibration": {
            "method": "platt",
            "a": round(fit["a"], 4),
            "b": round(fit["b"], 4),
            "fitted_on": f"out-of-fold outputs, {REPEATS}x repeated stratified 5-fold CV over "
            "all 200 LUDB records",
            "reliability_curve": metrics["reliability_curve"],
            "reliability_curve_from": "nested cross-validation (each record's probability from "
            "a model, calibration and threshold fitted without it, averaged over "
            f"{OUTER_REPEATS} repeats); {RELIABILITY_BINS} equal-count bins of records",
            "brier": metrics["brier"],
            "brier_ci95": metrics["brier_ci95"],
            "case_mix": "probabilities are calibrated to LUDB's case mix (177 of 200 ECGs "
            "abnormal); where abnormal ECGs are rarer the same score overstates the "
            "probability",
        },
        "threshold_rule": f"screening aid: the highest calibrated probability at which "
        f"out-of-fold sensitivity is at least {TARGET_SENSITIVITY:.2f}; below it the score "
        "does not exclude disease",
    }


def train_abnormality(ludb_dir: Path, out_dir: Path) -> tuple[Path, Path, dict[str, Any]]:
    """Features of every LUDB record, then ``train_from_features``."""
    x, y, _ = ludb_features(ludb_dir)
    return train_from_features(x, y, out_dir)


def train_from_features(
    x: np.ndarray, y: np.ndarray, out_dir: Path
) -> tuple[Path, Path, dict[str, Any]]:
    """Cross-validated AUC, nested calibration metrics, final model on all records with its
    calibration; writes the ONNX file and its card."""
    from workstation.training.card import abnormality_card, write_card

    metrics = cross_validated(x, y)
    nested = nested_metrics(nested_evaluation(x, y), y)
    fit = calibration_fit(x, y, SEED, REPEATS)
    medians = np.nanmedian(x, axis=0)
    clf = make_classifier().fit(np.where(np.isnan(x), medians, x), y)
    onnx_path = export_classifier(clf, out_dir / "ecg-abnormality.onnx")
    threshold = round(fit["threshold"], 3)
    card = abnormality_card(onnx_path, {**metrics, "threshold": threshold}, medians.tolist())
    card["normal_feature_medians"] = [round(float(m), 4) for m in np.nanmedian(x[y == 0], axis=0)]
    card.update(calibration_card_section(fit, nested))
    card["version"] = "1.4.2"
    card["metrics"]["nested_calibrated"] = {
        k: v for k, v in nested.items() if k != "reliability_curve"
    }
    card["limitations"] += (
        " Calibrated on LUDB only (one centre); the threshold targets sensitivity "
        f"{TARGET_SENSITIVITY:.2f}, so about one abnormal ECG in ten scores below it."
    )
    return onnx_path, write_card(onnx_path, card), {"auc": metrics["auc"], **nested}
