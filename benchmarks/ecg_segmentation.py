"""ECG delineation accuracy on the LUDB test split: our segmentation model vs NeuroKit2.

Protocol of Moskalenko et al. (2019): P, QRS and T onsets and offsets, ±150 ms tolerance,
only the annotated span of each lead scored. ``unet`` is the delineator the app uses (P waves
agreed across leads); ``unet_lead_alone`` is the same model read one lead at a time, to show
what the cross-lead agreement adds. Prints JSON; ``--out FILE`` also writes it.
Run: .venv/bin/python benchmarks/ecg_segmentation.py [--data ../shared/data/ludb]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
from bench_common import emit

from workstation.ecg.model_delineator import lead_alone_boundaries, model_boundaries
from workstation.ecg.reference import lead_references
from workstation.ecg.scoring import merge_leads, score_lead, summarize
from workstation.ecg.segmentation import segmentation_model
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.split import load_split

NK_KEYS = {
    "p_on": "ECG_P_Onsets",
    "p_off": "ECG_P_Offsets",
    "qrs_on": "ECG_R_Onsets",
    "qrs_off": "ECG_R_Offsets",
    "t_on": "ECG_T_Onsets",
    "t_off": "ECG_T_Offsets",
}


def neurokit_boundaries(recording, method: str) -> dict[str, dict[str, np.ndarray]]:
    """NeuroKit2's clean + R peaks + delineate per lead; a lead where it raises scores empty."""
    import neurokit2 as nk

    out = {}
    for i, lead in enumerate(recording.channel_names):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clean = nk.ecg_clean(recording.signals[i], sampling_rate=int(recording.fs))
                _, peaks = nk.ecg_peaks(clean, sampling_rate=int(recording.fs))
                _, waves = nk.ecg_delineate(
                    clean, peaks, sampling_rate=int(recording.fs), method=method
                )
        except Exception as exc:  # noqa: BLE001 - a NeuroKit2 failure is a miss, recorded
            out[lead] = {"failed": repr(exc)}
            continue
        out[lead] = {
            b: np.asarray([v for v in waves.get(key, []) if v == v], dtype=float)
            for b, key in NK_KEYS.items()
        }
    return out


def evaluate(ludb: Path, ids: list[int], methods: list[str]) -> dict:
    per_method: dict[str, dict[int, dict]] = {m: {} for m in methods}
    failures = {m: 0 for m in methods}
    seconds = {m: 0.0 for m in methods}
    for rid in ids:
        recording = read_recording(record_path(ludb, rid))
        refs = lead_references(recording)
        for method in methods:
            start = time.perf_counter()
            if method == "unet":
                detected = model_boundaries(segmentation_model(), recording)
            elif method == "unet_lead_alone":
                detected = lead_alone_boundaries(segmentation_model(), recording)
            else:
                detected = neurokit_boundaries(recording, method)
            seconds[method] += time.perf_counter() - start
            leads = []
            for lead, ref in refs.items():
                det = detected.get(lead, {})
                failures[method] += "failed" in det
                leads.append(score_lead(ref.waves, det, ref.span, recording.fs))
            per_method[method][rid] = merge_leads(leads)
    return {
        m: {
            "boundaries": summarize(per_method[m]),
            "failed_leads": failures[m],
            "seconds_total": round(seconds[m], 1),
        }
        for m in methods
    }


def main() -> None:
    default = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "ludb"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--split", default="test", choices=["test", "validation", "train"])
    parser.add_argument("--no-neurokit", action="store_true")
    args = parser.parse_args()
    ids = load_split()[args.split]
    methods = ["unet", "unet_lead_alone"] + ([] if args.no_neurokit else ["dwt", "prominence"])
    result = {
        "benchmark": "ecg_segmentation",
        "dataset": "LUDB v1.0.1",
        "split": args.split,
        "records": len(ids),
        "tolerance_ms": 150,
        "model": segmentation_model().describe(),
        "methods": evaluate(args.data, ids, methods),
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
