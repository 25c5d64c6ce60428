"""Global QRS duration, QT and PR of the full analysis against LUDB's cardiologists.

``ecg_segmentation.py`` scores the delineator lead by lead; this scores what the clinician
reads: the intervals ``analyze_ecg`` reports, after the quality gate chose the leads and the
leads were fused. The reference is built from LUDB's per-lead annotations of all 12 leads:
QRS complexes whose onsets lie within 100 ms are one beat; per beat the QRS runs from the
earliest onset to the latest offset in any lead, the QT to the latest T offset within 700 ms,
the PR from the earliest P onset within 350 ms before; the record's value is the median
over beats. Mean and median absolute error per committed split, with a bootstrap 95% CI of
the mean over records, and the mean signed error (engine minus reference). Records the
engine does not measure are counted and left out.

The reference's extremes over 12 independently annotated leads are themselves biased long
(the earliest of 12 onsets and the latest of 12 offsets), and the engine fuses the leads'
boundaries at their 20th and 80th percentiles, not their extremes (delineation.
ONSET_PERCENTILE, chosen for robustness to one lead's outlier). So a second reference takes
LUDB's boundaries at those same percentiles: against it the error is the delineation's own,
against the first it is the delineation's plus the difference of definition.
Run: .venv/bin/python benchmarks/ecg_intervals.py [--data ../shared/data/ludb] [--out F]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from bench_common import emit, ludb_parser, machine

from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.delineation import ONSET_PERCENTILE
from workstation.ecg.reference import lead_references
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.recording import Recording
from workstation.training.ludb import record_path
from workstation.training.split import load_split

INTERVALS = ("qrs_ms", "qt_ms", "pr_ms")
SAME_BEAT_S = 0.1
T_AFTER_S = 0.7
P_BEFORE_S = 0.35


def reference_intervals(rec: Recording, percentile: float) -> dict[str, float | None]:
    """Median global QRS, QT and PR (ms) over the beats LUDB annotated: per beat, onsets at
    the ``percentile`` of the leads' onsets and offsets at 100 - ``percentile`` of their
    offsets (0: the earliest and the latest in any lead)."""
    refs = lead_references(rec)
    fs = rec.fs
    beats: list[list[tuple[int, int]]] = []
    for on, off in sorted(span for r in refs.values() for span in r.waves["qrs"]):
        if beats and on - beats[-1][0][0] < SAME_BEAT_S * fs:
            beats[-1].append((on, off))
        else:
            beats.append([(on, off)])
    t_offs = [off for r in refs.values() for _, off in r.waves["t"]]
    p_ons = [on for r in refs.values() for on, _ in r.waves["p"]]
    qrs, qt, pr = [], [], []
    for spans in beats:
        on = float(np.percentile([a for a, _ in spans], percentile))
        off = float(np.percentile([b for _, b in spans], 100 - percentile))
        qrs.append(off - on)
        ends = [t for t in t_offs if on < t < on + T_AFTER_S * fs]
        if ends:
            qt.append(float(np.percentile(ends, 100 - percentile)) - on)
        starts = [p for p in p_ons if on - P_BEFORE_S * fs < p < on]
        if starts:
            pr.append(on - float(np.percentile(starts, percentile)))

    def ms(values: list[float]) -> float | None:
        return float(np.median(values)) * 1000.0 / fs if values else None

    return {"qrs_ms": ms(qrs), "qt_ms": ms(qt), "pr_ms": ms(pr)}


def error_summary(errors: list[float], seed: int = 0) -> dict[str, Any]:
    """Errors are engine minus reference (ms): their mean is the bias, their absolute values
    the accuracy."""
    if not errors:
        return {"n": 0}
    signed = np.asarray(errors)
    values = np.abs(signed)
    rng = np.random.default_rng(seed)
    means = [float(rng.choice(values, values.size).mean()) for _ in range(2000)]
    return {
        "n": int(values.size),
        "mae_ms": round(float(values.mean()), 1),
        "mae_ci95_ms": [round(float(np.percentile(means, q)), 1) for q in (2.5, 97.5)],
        "median_abs_error_ms": round(float(np.median(values)), 1),
        "mean_error_ms": round(float(signed.mean()), 1),
    }


def main() -> None:
    args = ludb_parser(__doc__).parse_args()
    split = load_split()
    parts = {"development": split["train"] + split["validation"], "test": split["test"]}
    out: dict[str, Any] = {"benchmark": "ecg_intervals", "machine": machine()}
    references = {"earliest_to_latest": 0.0, "engine_fusion_percentiles": ONSET_PERCENTILE}
    for part, ids in parts.items():
        errors = {name: {k: [] for k in INTERVALS} for name in references}
        not_measured = []
        for rid in sorted(ids):
            rec = read_recording(record_path(args.data, rid))
            try:
                stated = analyze_ecg(rec, score=False).to_json()
            except NotMeasurable:
                not_measured.append(rid)
                continue
            for name, percentile in references.items():
                ref = reference_intervals(rec, percentile)
                for key in INTERVALS:
                    if stated.get(key) is not None and ref[key] is not None:
                        errors[name][key].append(stated[key] - ref[key])
        out[part] = {
            name: {key: error_summary(v) for key, v in by_key.items()}
            for name, by_key in errors.items()
        }
        out[part]["records"] = len(ids)
        out[part]["not_measurable"] = not_measured
    emit(out, args.out)


if __name__ == "__main__":
    main()
