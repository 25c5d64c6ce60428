"""Masks to waves, fusion across leads, and the Moskalenko scoring, on constructed inputs."""

from __future__ import annotations

import numpy as np

from workstation.ecg.delineation import clean_runs, fuse_beats, lead_waves, runs
from workstation.ecg.scoring import boundaries, match_boundaries, score_lead, summarize


def labels_for(spans: dict[int, list[tuple[int, int]]], n: int = 2000) -> np.ndarray:
    out = np.zeros(n, dtype=np.int8)
    for cls, items in spans.items():
        for a, b in items:
            out[a : b + 1] = cls
    return out


def test_runs_and_cleaning_merge_gaps_and_drop_specks() -> None:
    mask = np.zeros(100, dtype=bool)
    mask[10:30] = True
    mask[33:50] = True  # 3-sample gap: one QRS with a notch
    mask[80:83] = True  # a speck
    assert runs(mask) == [(10, 29), (33, 49), (80, 82)]
    assert clean_runs(runs(mask), "qrs", 500.0) == [(10, 49)]


def test_lead_waves_reads_each_class() -> None:
    labels = labels_for({1: [(100, 150)], 2: [(230, 275)], 3: [(400, 500)]})
    assert lead_waves(labels) == {"p": [(100, 150)], "qrs": [(230, 275)], "t": [(400, 500)]}


def test_fuse_beats_needs_agreement_and_takes_robust_bounds() -> None:
    waves = {
        f"lead{k}": {
            "p": [(100 + k, 150)],
            "qrs": [(230 + k, 275 + k), (730 + k, 775 + k)],
            "t": [(400, 500 + k)],
        }
        for k in range(6)
    }
    waves["noisy"] = {"p": [], "qrs": [(1500, 1530)], "t": []}
    beats = fuse_beats(waves)
    assert len(beats) == 2
    first = beats[0]
    assert 230 <= first.qrs_on <= 232 and 278 <= first.qrs_off <= 280
    assert first.p_on is not None and first.t_off is not None
    assert beats[1].p_on is None  # no P before the second QRS in any lead


def test_matching_is_one_to_one_within_tolerance() -> None:
    counts = match_boundaries(
        np.array([100.0, 500.0, 900.0]), np.array([104.0, 108.0, 700.0]), (50, 1000), 500.0
    )
    assert (counts.tp, counts.fn, counts.fp) == (1, 2, 2)
    assert counts.errors_ms == [8.0]


def test_detections_outside_annotated_span_are_not_false_positives() -> None:
    ref = {"qrs": [(300, 340)], "p": [], "t": []}
    det = boundaries({"qrs": [(50, 90), (302, 338)], "p": [], "t": []})
    scored = score_lead(ref, det, (290, 600), 500.0)
    assert scored["qrs_on"].fp == 0 and scored["qrs_on"].tp == 1
    summary = summarize({1: scored}, n_boot=50)
    assert summary["qrs_on"]["f1_pct"] == 100.0
    assert summary["qrs_off"]["error_mean_ms"] == -4.0
