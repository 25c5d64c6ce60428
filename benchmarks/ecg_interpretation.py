"""Agreement of the ECG statements with LUDB's cardiologist labels over all 200 records.

Sensitivity and specificity per statement with the counts behind them. Records the engine
declares not measurable count as "statement absent" and are listed. Prints JSON.
Note: 150 of the 200 records were seen by the segmentation model in training/validation;
the statements themselves are rule-based thresholds, not fitted to these labels.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bench_common import emit

from workstation.ecg.analysis import analyze_ecg
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.ludb_labels import read_labels, truth

STATEMENT_FOR = {
    "sinus": {"sinus_rhythm", "sinus_bradycardia", "sinus_tachycardia"},
    "sinus_bradycardia": {"sinus_bradycardia"},
    "sinus_tachycardia": {"sinus_tachycardia"},
    "atrial_fibrillation": {"af_suspected"},
    "left_axis_deviation": {"left_axis_deviation"},
    "right_axis_deviation": {"right_axis_deviation"},
    "first_degree_av_block": {"first_degree_av_block"},
    "complete_bbb": {"rbbb_pattern", "lbbb_pattern", "wide_qrs"},
    "lvh": {"lvh_sokolow_lyon", "lvh_cornell"},
}


def agreement(pairs: list[tuple[bool, bool]]) -> dict[str, float | int | None]:
    tp = sum(t and p for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    tn = sum(not t and not p for t, p in pairs)
    fp = sum(not t and p for t, p in pairs)
    return {
        "sensitivity_pct": round(100 * tp / (tp + fn), 1) if tp + fn else None,
        "specificity_pct": round(100 * tn / (tn + fp), 1) if tn + fp else None,
        "tp": tp,
        "fn": fn,
        "tn": tn,
        "fp": fp,
    }


def main() -> None:
    default = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "ludb"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    labels = read_labels(args.data)
    pairs: dict[str, list[tuple[bool, bool]]] = {k: [] for k in STATEMENT_FOR}
    not_measurable = {}
    for rid, row in sorted(labels.items()):
        try:
            codes = {
                s.code for s in analyze_ecg(read_recording(record_path(args.data, rid))).statements
            }
        except NotMeasurable as exc:
            not_measurable[rid] = str(exc)
            codes = set()
        ref = truth(row)
        for key, statement_codes in STATEMENT_FOR.items():
            pairs[key].append((ref[key], bool(codes & statement_codes)))
    result = {
        "benchmark": "ecg_interpretation",
        "dataset": "LUDB v1.0.1, all 200 records, labels from ludb.csv",
        "statements": {k: agreement(v) for k, v in pairs.items()},
        "not_measurable": not_measurable,
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
