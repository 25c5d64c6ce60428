"""Training and evaluation of the seizure-like-activity detector on Bonn.

One run measures four things on the same grouped folds: the CNN and the feature baseline
(gradient boosting on band powers, line length, Hjorth), each on raw µV windows and on
windows standardised to unit variance. The standardised CNN is then retrained on every
segment and exported, because it is the one that cannot cheat on amplitude.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from torch import nn

from workstation.eeg.features import window_features
from workstation.eeg.resample import EEG_RATE_HZ
from workstation.eeg.windows import standardise
from workstation.training.eeg_bonn import BonnWindows
from workstation.training.eeg_cv import auc_with_ci, out_of_fold_scores
from workstation.training.eeg_seizure_model import SeizureCNN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 12
    batch_size: int = 64
    learning_rate: float = 3e-3
    seed: int = 0
    max_steps: int | None = None
    folds: int = 5


def train_cnn(
    windows: np.ndarray, labels: np.ndarray, standardised: bool, settings: TrainSettings
) -> SeizureCNN:
    """Adam with a one-cycle schedule and random time shifts (a rhythm has no fixed phase)."""
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    model = SeizureCNN(standardise=standardised)
    steps_per_epoch = max(1, int(np.ceil(len(labels) / settings.batch_size)))
    total = settings.epochs * steps_per_epoch
    if settings.max_steps is not None:
        total = min(total, settings.max_steps)
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, settings.learning_rate, total)
    loss_fn = nn.BCEWithLogitsLoss()
    x_all = torch.from_numpy(np.ascontiguousarray(windows, dtype=np.float32))
    y_all = torch.from_numpy(labels.astype(np.float32))
    model.train()
    step = 0
    while step < total:
        for batch in np.array_split(rng.permutation(len(labels)), steps_per_epoch):
            if step >= total:
                break
            shift = int(rng.integers(0, windows.shape[-1]))
            x = torch.roll(x_all[batch], shift, dims=-1).unsqueeze(1)
            if rng.random() < 0.5:
                x = -x
            optimiser.zero_grad()
            loss = loss_fn(model.logits(x), y_all[batch])
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
    model.eval()
    return model


def predict_cnn(model: SeizureCNN, windows: np.ndarray, batch: int = 512) -> np.ndarray:
    with torch.no_grad():
        parts = [
            model(torch.from_numpy(np.ascontiguousarray(windows[i : i + batch])).unsqueeze(1))
            for i in range(0, len(windows), batch)
        ]
    return torch.cat(parts).numpy()


def _cnn_fit_predict(data: BonnWindows, standardised: bool, settings: TrainSettings):
    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        model = train_cnn(data.windows[train], data.labels[train], standardised, settings)
        return predict_cnn(model, data.windows[test])

    return fit_predict


def _baseline_fit_predict(features: np.ndarray, labels: np.ndarray, seed: int):
    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, random_state=seed)
        model.fit(features[train], labels[train])
        return model.predict_proba(features[test])[:, 1]

    return fit_predict


def evaluate(data: BonnWindows, settings: TrainSettings) -> dict[str, dict]:
    """Grouped k-fold CV AUC (95% CI) of CNN and baseline, raw and standardised."""
    results = {}
    raw_features = window_features(data.windows, EEG_RATE_HZ)
    std_features = window_features(standardise(data.windows), EEG_RATE_HZ)
    plans = {
        "baseline_gbm_raw": _baseline_fit_predict(raw_features, data.labels, settings.seed),
        "baseline_gbm_standardised": _baseline_fit_predict(
            std_features, data.labels, settings.seed
        ),
        "cnn_raw": _cnn_fit_predict(data, False, settings),
        "cnn_standardised": _cnn_fit_predict(data, True, settings),
    }
    for name, fit_predict in plans.items():
        started = time.perf_counter()
        scores = out_of_fold_scores(
            data.labels, data.groups, fit_predict, n_folds=settings.folds, seed=settings.seed
        )
        results[name] = {
            **auc_with_ci(data.labels, scores, data.groups, seed=settings.seed),
            "seconds": round(time.perf_counter() - started, 1),
        }
        log.info("%s: %s", name, results[name])
    return results
