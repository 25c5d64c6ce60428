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
3. One noisy lead among clean ones, on real voltages: PTB s0010_re (wfdb-samples, 9.6-19.2 s,
   15 leads at 1 kHz), each lead in turn with six development noise residuals at 6, 0 and
   -6 dB; which statements appear or go compared with the clean record, and how far the
   noisy lead's ST at J+60 moves when it is measured.
Run: .venv/bin/python benchmarks/ecg_lead_gate.py [--sections gate,noise,ptb] [--out F]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import emit, ludb_parser, machine
from ecg_rhythm import noise_bank

from workstation.dsp.resample import resample
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


PTB_WINDOW_S = (9.6, 19.2)
PTB_RESIDUALS = 6


def one_noisy_lead(data: Path) -> dict[str, Any]:
    """Section 3: statements changed by real noise in one lead of a 15-lead record."""
    rec = read_recording(data.parent / "wfdb-samples" / "s0010_re.hea").slice_time(*PTB_WINDOW_S)
    clean = analyze_ecg(rec, score=False)
    clean_codes = {s.code for s in clean.statements}
    clean_st = {lead: st.st60_uv for lead, st in clean.st_segment.leads.items()}
    bank, _ = noise_bank()
    residuals = [resample(n[None, :], 500.0, rec.fs)[0] for n in bank[0::2][:PTB_RESIDUALS]]
    out: dict[str, Any] = {"record": "PTB s0010_re 9.6-19.2 s", "clean": sorted(clean_codes)}
    for snr in SNRS_DB[1:]:
        changed: Counter[str] = Counter()
        measured, st_errors = 0, []
        for k, name in enumerate(rec.channel_names):
            for residual in residuals:
                x = np.array(rec.signals, dtype=np.float64)
                x[k] = add_noise(x[k], residual[: x.shape[1]], snr, rec.fs)
                result = analyze_ecg(replace(rec, signals=x.astype(np.float32)), score=False)
                codes = {s.code for s in result.statements}
                changed.update(f"+{c}" for c in codes - clean_codes)
                changed.update(f"-{c}" for c in clean_codes - codes)
                lead = name.lower()
                if lead not in result.leads_unusable:
                    measured += 1
                    st = result.st_segment.leads.get(lead)
                    if st is not None and st.st60_uv is not None and lead in clean_st:
                        st_errors.append(abs(st.st60_uv - clean_st[lead]))
        out[f"{snr:g} dB"] = {
            "cases": len(rec.channel_names) * len(residuals),
            "noisy_lead_measured": measured,
            "st60_abs_change_uv_median_p90_max": [
                round(float(np.percentile(st_errors, q)), 0) for q in (50, 90, 100)
            ]
            if st_errors
            else None,
            "statements_gained_or_lost": dict(changed.most_common()),
        }
    return out


def main() -> None:
    parser = ludb_parser(__doc__)
    parser.add_argument("--sections", default="gate,noise,ptb")
    args = parser.parse_args()
    sections = args.sections.split(",")
    result: dict[str, Any] = {"benchmark": "ecg_lead_gate", "machine": machine()}
    if "gate" in sections:
        result["gate"] = gate(args.data)
    if "noise" in sections:
        result["noise"] = noise(args.data)
    if "ptb" in sections:
        result["one_noisy_lead"] = one_noisy_lead(args.data)
    emit(result, args.out)


if __name__ == "__main__":
    main()
