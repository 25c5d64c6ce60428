"""Training augmentation for P waves at fast rates: rate warping and the P-weighted loss."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from workstation.ecg.delineation import runs  # noqa: E402
from workstation.training.ludb import LeadArrays  # noqa: E402
from workstation.training.segmentation import CROP, augment_batch  # noqa: E402

PERIOD = 400  # 0.8 s beats at 500 Hz
WAVES = {1: (60, 110), 2: (150, 195), 3: (260, 340)}  # P, QRS, T within each beat


def leads(n_leads: int = 4, n: int = 5000) -> LeadArrays:
    target = np.zeros(n, dtype=np.int64)
    for start in range(0, n - PERIOD + 1, PERIOD):
        for cls, (a, b) in WAVES.items():
            target[start + a : start + b] = cls
    x = np.sin(np.arange(n) / 25.0).astype(np.float32)
    weight = np.ones(n, dtype=np.float32)
    weight[:300] = 0.0  # unannotated start, as in LUDB
    return LeadArrays(
        np.tile(x, (n_leads, 1)),
        np.tile(target, (n_leads, 1)),
        np.tile(weight, (n_leads, 1)),
        np.arange(n_leads),
    )


def inner_runs(target: np.ndarray, cls: int) -> list[tuple[int, int]]:
    """Runs of one class not cut by the crop's edges."""
    return [(a, b) for a, b in runs(target == cls) if a > 0 and b < target.size - 1]


def test_warping_shortens_the_gaps_but_not_the_waves() -> None:
    data = leads()
    _, target, _ = augment_batch(data, np.arange(4), np.random.default_rng(3), rate_warp=1.0)
    target = target.numpy()
    assert target.shape == (4, CROP)
    for row in target:
        for cls, (a, b) in WAVES.items():
            lengths = [e - s + 1 for s, e in inner_runs(row, cls)]
            assert lengths and all(abs(n - (b - a)) <= 1 for n in lengths)
        qrs_starts = [s for s, _ in inner_runs(row, 2)]
        assert np.median(np.diff(qrs_starts)) < PERIOD  # faster rate: P closer behind T
    gaps = []
    for row in target:
        p_onsets = np.asarray([a for a, _ in inner_runs(row, 1)])
        for _, t_off in inner_runs(row, 3):
            later = p_onsets[p_onsets > t_off]
            if later.size:
                gaps.append(int(later[0] - t_off))
    plain_gap = PERIOD - WAVES[3][1] + WAVES[1][0]  # T end to the next P onset, unwarped
    assert gaps and max(gaps) <= plain_gap + 1 and min(gaps) < 0.8 * plain_gap


def test_without_options_the_crops_are_plain() -> None:
    data = leads()
    _, target, weight = augment_batch(data, np.arange(4), np.random.default_rng(3))
    target, weight = target.numpy(), weight.numpy()
    for row in target:
        qrs_starts = [s for s, _ in inner_runs(row, 2)]
        assert set(np.diff(qrs_starts).tolist()) == {PERIOD}
    assert set(np.unique(weight).tolist()) <= {0.0, 1.0}


def test_p_weight_weighs_annotated_p_samples_only() -> None:
    data = leads()
    _, target, weight = augment_batch(data, np.arange(4), np.random.default_rng(5), p_weight=2.0)
    target, weight = target.numpy(), weight.numpy()
    annotated = weight > 0
    assert np.all(weight[annotated & (target == 1)] == 2.0)
    assert np.all(weight[annotated & (target != 1)] == 1.0)
