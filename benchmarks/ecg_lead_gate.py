"""Which leads the quality gate gives to the measurements, on LUDB by committed split.

1. ``beat_noise`` of the lead-windows the gate accepts, and of those it leaves out because
   the two QRS detectors disagree, measured at the rhythm's beats: where the limit for
   keeping a disagreeing lead (quality.BEAT_NOISE_MAX, 0.03) comes from (about the 90th
   percentile of accepted leads on development records).
2. Real noise in one lead: the beat-cancelled residual of CPSC 2019 recordings (motion,
   muscle, wander; even-numbered noise recordings for development records, odd for test)
   added to lead ``n mod 12`` of the n-th record at 12, 6, 0 and -6 dB; how often that
   lead is still given to the measurements (not in ``leads_unusable``). The fewer at low
   SNR, the safer.
Run: .venv/bin/python benchmarks/ecg_lead_gate.py [--sections gate,noise] [--out F]
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import emit, ludb_parser, machine
from ecg_rhythm import noise_bank

from workstation.ecg.analysis import analyze_ecg, lead_channels
from workstation.ecg.qrs import detection_signal
from workstation.ecg.stress import add_noise
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.split import load_split

SNRS_DB = (12.0, 6.0, 0.0, -6.0)


def _parts() -> dict[str, list[int]]:
    split = load_split()
    return {"development": sorted(split["train"] + split["validation"]), "test": split["test"]}


def _percentiles(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    points = np.percentile(values, [50, 75, 90, 95])
    return {"n": len(values)} | {
        f"p{q}": round(float(v), 4) for q, v in zip((50, 75, 90, 95), points, strict=True)
    }


def gate(data: Path) -> dict[str, Any]:
    """Section 1: beat_noise at the rhythm's beats, by how the gate first judged the lead."""
    from workstation.ecg.quality import BEAT_NOISE_MAX, beat_noise

    out: dict[str, Any] = {"limit": BEAT_NOISE_MAX}
    for part, ids in _parts().items():
        accepted, disagreeing = [], []
        for rid in ids:
            rec = read_recording(record_path(data, rid))
            result = analyze_ecg(rec, score=False)
            if result.rhythm is None:
                continue
            channels = lead_channels(rec)
            filtered = detection_signal(channels.read(rec, 0, rec.n_samples), rec.fs)
            beats = np.asarray(result.rhythm.beats)
            for k, q in enumerate(result.rhythm.quality.windows[0]):
                noise = beat_noise(filtered[k], beats, rec.fs)
                if noise is None:
                    continue
                if q.beat_noise is not None:  # judged again: its detectors disagreed
                    disagreeing.append(noise)
                elif q.usable:
                    accepted.append(noise)
        out[part] = {
            "accepted_by_the_gate": _percentiles(accepted),
            "detectors_disagree": _percentiles(disagreeing),
            "detectors_disagree_kept": int(np.sum(np.asarray(disagreeing) <= BEAT_NOISE_MAX)),
        }
    return out


def noise(data: Path) -> dict[str, Any]:
    """Section 2: a lead with real noise added, still given to the measurements?"""
    bank, _ = noise_bank()
    out: dict[str, Any] = {}
    for part, ids in _parts().items():
        residuals = bank[0::2] if part == "development" else bank[1::2]
        measured = {snr: 0 for snr in SNRS_DB}
        for n, rid in enumerate(ids):
            rec = read_recording(record_path(data, rid))
            x = np.asarray(rec.signals, dtype=float)
            k = n % x.shape[0]
            for snr in SNRS_DB:
                noisy = x.copy()
                residual = residuals[n % len(residuals)][: x.shape[1]]
                noisy[k] = add_noise(x[k], residual, snr, rec.fs)
                result = analyze_ecg(replace(rec, signals=noisy), score=False)
                measured[snr] += rec.channel_names[k].lower() not in result.leads_unusable
        out[part] = {
            "records": len(ids),
            "noisy_lead_measured": {f"{snr:g} dB": count for snr, count in measured.items()},
        }
    return out


def main() -> None:
    parser = ludb_parser(__doc__)
    parser.add_argument("--sections", default="gate,noise")
    args = parser.parse_args()
    sections = args.sections.split(",")
    result: dict[str, Any] = {"benchmark": "ecg_lead_gate", "machine": machine()}
    if "gate" in sections:
        result["gate"] = gate(args.data)
    if "noise" in sections:
        result["noise"] = noise(args.data)
    emit(result, args.out)


if __name__ == "__main__":
    main()
