"""The recurrent alternative to the summary-feature trees: a small GRU on hourly bins.

Each of the 48 hours holds, per variable, the hour's mean value (else the last earlier value,
else the training mean: never a later value), a mask (charted in this hour or not) and the
hours since the last value, as in GRU-D (Che et al., Sci Rep 2018;8:6085) without its
learnt decay. Compared out of fold on the same split as the trees; only the better ships.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from workstation.vitals.features import HORIZON_HOURS, ICU_TYPES, VARIABLES
from workstation.vitals.observations import Vitals

HOURS = int(HORIZON_HOURS)
EPOCHS = 12
HIDDEN = 32


def raw_bins(stay: Vitals) -> tuple[np.ndarray, np.ndarray]:
    """(hours, variables) hourly means (NaN where nothing was charted) and static inputs."""
    sums = np.zeros((HOURS, len(VARIABLES)))
    counts = np.zeros((HOURS, len(VARIABLES)))
    index = {v: i for i, v in enumerate(VARIABLES)}
    for m in stay.until(HORIZON_HOURS * 60).measurements:
        if m.parameter in index:
            h = min(HOURS - 1, int(m.minutes // 60))
            sums[h, index[m.parameter]] += m.value
            counts[h, index[m.parameter]] += 1
    with np.errstate(invalid="ignore"):
        means = sums / counts
    d = stay.descriptors
    static = [d.get("Age", 65.0) / 100.0, float(d.get("Gender", 0.5))]
    static += [float(d.get("ICUType") == t) for t in ICU_TYPES]
    return means, np.asarray(static)


def sequences(bins: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(stays, hours, 3 × variables): standardised value carried forward, mask, time since."""
    n, hours, nv = bins.shape
    mask = ~np.isnan(bins)
    z = np.clip((bins - mean) / std, -5, 5)
    value = np.zeros_like(z)
    since = np.ones_like(z)
    last = np.zeros((n, nv))
    last_time = np.full((n, nv), -np.inf)
    for h in range(hours):
        last = np.where(mask[:, h], z[:, h], last)
        last_time = np.where(mask[:, h], h, last_time)
        value[:, h] = last
        since[:, h] = np.minimum(1.0, (h - last_time) / HOURS)
    return np.concatenate([value, mask.astype(float), since], axis=2).astype(np.float32)


class HourlyGru(nn.Module):
    def __init__(self, n_inputs: int, n_static: int) -> None:
        super().__init__()
        self.gru = nn.GRU(n_inputs, HIDDEN, batch_first=True)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(HIDDEN + n_static, 1))

    def forward(self, seq: torch.Tensor, static: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(seq)
        return self.head(torch.cat([h[-1], static], dim=1)).squeeze(1)


def _fit_predict(
    seq: np.ndarray, static: np.ndarray, y: np.ndarray, train: np.ndarray, seed: int
) -> np.ndarray:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = HourlyGru(seq.shape[2], static.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    s, st, yt = (
        torch.from_numpy(a) for a in (seq, static.astype(np.float32), y.astype(np.float32))
    )
    idx_train = np.flatnonzero(train)
    for _ in range(EPOCHS):
        model.train()
        for batch in np.array_split(rng.permutation(idx_train), max(1, len(idx_train) // 128)):
            opt.zero_grad()
            loss = loss_fn(model(s[batch], st[batch]), yt[batch])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        test = np.flatnonzero(~train)
        return torch.sigmoid(model(s[test], st[test])).numpy().astype(float)


def out_of_fold_gru(stays: list[Vitals], y: np.ndarray, folds: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold probabilities on the committed folds (standardisation from each train part)."""
    torch.set_num_threads(1)
    binned = [raw_bins(s) for s in stays]
    bins = np.stack([b for b, _ in binned])
    static = np.stack([s for _, s in binned])
    prob = np.zeros(len(y))
    for k in range(int(folds.max()) + 1):
        train = folds != k
        flat = bins[train].reshape(-1, bins.shape[2])
        with np.errstate(all="ignore"):
            mean = np.nan_to_num(np.nanmean(flat, axis=0))
            std = np.nan_to_num(np.nanstd(flat, axis=0), nan=1.0)
        std[std == 0] = 1.0
        seq = sequences(bins, mean, std)
        prob[~train] = _fit_predict(seq, static, y, train, seed + k)
    return prob
