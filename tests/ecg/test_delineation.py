"""Masks to waves, fusion across leads, and the Moskalenko scoring, on constructed inputs."""

from __future__ import annotations

import numpy as np

from workstation.ecg.delineation import clean_runs, fuse_beats, harmonise_p, lead_waves, runs
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


def twelve_leads(p_spans_per_lead: list[list[tuple[int, int]]], n: int = 2000) -> np.ndarray:
    """Twelve leads with QRS at 300 and 1100 and the given P spans in each lead."""
    return np.stack(
        [labels_for({1: spans, 2: [(300, 345), (1100, 1145)]}, n) for spans in p_spans_per_lead]
    )


def test_harmonise_p_places_a_majority_p_in_the_leads_that_missed_it() -> None:
    seen = [[(200 + k, 250 + k), (1000, 1050)] for k in range(8)]
    missed = [[(1000, 1050)]] * 4  # the first P is too small to see in four leads
    out = harmonise_p(twelve_leads(seen + missed))
    medians = (int(np.median([s[0][0] for s in seen])), int(np.median([s[0][1] for s in seen])))
    for lead in range(8, 12):
        assert lead_waves(out[lead])["p"] == [medians, (1000, 1050)]
    for lead in range(8):  # leads that saw it keep their own boundaries
        assert lead_waves(out[lead])["p"][0] == seen[lead][0]


def test_harmonise_p_drops_a_p_seen_in_a_minority_of_leads() -> None:
    spans = [[(200, 250), (1000, 1050)]] * 12
    spans = [[*s, (600, 640)] if k < 3 else s for k, s in enumerate(spans)]  # noise in 3 leads
    out = harmonise_p(twelve_leads(spans))
    assert all(lead_waves(row)["p"] == [(200, 250), (1000, 1050)] for row in out)


def test_harmonise_p_never_overwrites_another_wave() -> None:
    spans = [[(200, 250), (1000, 1050)]] * 7 + [[(1000, 1050)]] * 5
    labels = twelve_leads(spans)
    labels[11, 190:240] = 3  # this lead calls part of that stretch T
    out = harmonise_p(labels)
    assert (out[11, 190:240] == 3).all()
    assert lead_waves(out[11])["p"] == [(1000, 1050)]  # 11 free samples: too short for a P
    assert lead_waves(out[10])["p"] == [(200, 250), (1000, 1050)]


def test_harmonise_p_drops_sporadic_atrial_waves() -> None:
    """Fibrillatory waves labelled P before one QRS in ten are not a P-wave rhythm."""
    n = 8000
    qrs = [(start, start + 45) for start in range(300, n - 100, 700)]
    row = labels_for({2: qrs, 1: [(150, 200)]}, n)
    out = harmonise_p(np.stack([row] * 12))
    assert not (out == 1).any()
    assert (out == 2).sum() == (np.stack([row] * 12) == 2).sum()


def test_harmonise_p_leaves_one_or_two_leads_alone() -> None:
    labels = twelve_leads([[(200, 250)], [(600, 640)]])
    assert np.array_equal(harmonise_p(labels), labels)


def test_agreement_across_leads_recovers_p_waves_on_a_ludb_validation_record(
    ludb, model_available
) -> None:
    """LUDB record 17 (validation split): the model alone misses P waves in single leads
    of a 12-lead beat; reading the leads together and agreeing across them finds them,
    adding at most a few false ones (PPV stays at least 95 %)."""
    from pathlib import Path

    from workstation.ecg.model_delineator import lead_alone_boundaries, model_boundaries
    from workstation.ecg.scoring import score_records
    from workstation.ecg.segmentation import segmentation_model
    from workstation.io import read_recording

    recording = read_recording(Path(ludb) / "data" / "17.hea")
    model = segmentation_model()
    agreed, _ = score_records([(17, recording)], lambda r: model_boundaries(model, r))
    alone, _ = score_records([(17, recording)], lambda r: lead_alone_boundaries(model, r))
    for boundary in ("p_on", "p_off"):
        together, single = agreed[17][boundary], alone[17][boundary]
        assert together.fn < single.fn
        assert together.fp <= 0.05 * together.tp
        assert together.tp - single.tp > 5 * (together.fp - single.fp)
    for boundary in ("qrs_on", "qrs_off", "t_on", "t_off"):  # only P waves are touched
        assert agreed[17][boundary].tp == alone[17][boundary].tp
