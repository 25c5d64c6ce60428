"""Beat-by-beat re-timing of training records: PR stretched, TP squeezed, labels kept exact."""

from __future__ import annotations

import numpy as np

from workstation.training.beat_warp import (
    NONE,
    QRS,
    P,
    T,
    majority_label,
    segment_scales,
    time_map,
    warp_record,
)

BEAT = [(P, 50), (NONE, 60), (QRS, 50), (NONE, 90), (T, 100), (NONE, 150)]  # 500 samples


def beats(n_beats: int = 4, n_leads: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Targets of identical leads made of repeated beats, and their loss weights."""
    row = np.concatenate([np.full(length, cls) for _ in range(n_beats) for cls, length in BEAT])
    targets = np.stack([row] * n_leads).astype(np.int64)
    return targets, np.ones(targets.shape, dtype=np.float32)


def run_lengths(row: np.ndarray) -> list[tuple[int, int]]:
    change = np.flatnonzero(np.diff(row)) + 1
    edges = np.concatenate([[0], change, [row.size]])
    return [(int(row[a]), int(b - a)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def test_pr_segments_stretch_tp_segments_shrink_and_waves_keep_their_length() -> None:
    targets, weights = beats()
    bounds, scales = segment_scales(majority_label(targets, weights), pr=2.0, tp=0.5)
    warped = targets[0, np.rint(time_map(bounds, scales)).astype(np.int64)]
    expected = [(P, 50), (NONE, 120), (QRS, 50), (NONE, 90), (T, 100), (NONE, 75)]
    interior = run_lengths(warped)[6:12]  # the second beat: stretches on both sides of it
    assert [c for c, _ in interior] == [c for c, _ in expected]
    for (_, got), (_, want) in zip(interior, expected, strict=True):
        assert abs(got - want) <= 1


def test_the_signal_moves_with_its_labels_in_every_lead() -> None:
    targets, weights = beats()
    x = np.stack([targets[0] * 10.0 + k for k in range(3)]).astype(np.float32)
    wx, wt, ww = warp_record(x, targets, weights, np.random.default_rng(3))
    assert wx.shape == wt.shape == ww.shape and wx.shape[0] == 3
    assert np.all(wt == wt[0]), "one time map for all leads"
    steady = np.concatenate([[False], wt[0, 1:-1] == wt[0, :-2], [False]])
    steady &= np.concatenate([wt[0, 1:] == wt[0, :-1], [False]])
    for k in range(3):
        assert np.allclose(wx[k, steady], wt[k, steady] * 10.0 + k)


def test_unannotated_samples_stay_unweighted() -> None:
    targets, weights = beats()
    weights[:, :300] = 0.0
    _, wt, ww = warp_record(targets.astype(np.float32), targets, weights, np.random.default_rng(1))
    assert ww[:, 0].max() == 0.0 and ww[:, -1].min() == 1.0
    assert set(np.unique(wt)) <= {NONE, P, QRS, T}


def test_a_record_without_p_waves_keeps_its_pr_free_timing() -> None:
    targets, weights = beats()
    targets[targets == P] = NONE
    bounds, scales = segment_scales(majority_label(targets, weights), pr=3.0, tp=1.0)
    assert np.all(scales == 1.0)
