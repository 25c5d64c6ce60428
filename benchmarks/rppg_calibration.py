"""Calibrate and check the rPPG acceptance rule on real recordings without a usable pulse.

No-pulse data: the skin-patch clips of Dasari et al. 2021 (crops that jitter 10–15 px per
frame, so their windows are motion-corrupted) and, made from each clip, a frozen trace (its
first frame held) and a looped trace (its first 2 s repeated). Committed split: India clips
calibrate, Sierra Leone clips are held out (different subjects, cameras and skin tones).

Per method, on the calibration split: the SNR distribution of windows more than 10 bpm off
the subject's reference rate (motion ignored, so every window stands for a non-pulse), its
99.5th percentile and its maximum; the proposed threshold is that maximum plus 0.25 dB,
rounded up to 0.5 dB, never below 2 dB (windows overlap by 9 s, so the maximum of ~3,700
windows is about the 99.7th percentile of ~370 independent ones) and, with
the thresholds in ``workstation.rppg.acceptance``: the false-acceptance rate of such windows
with a 95 % Wilson interval, on both splits, and the clip-level verdicts of the whole rule
(coverage, largest error). Frozen and looped traces: how many windows and clips pass.

    python benchmarks/rppg_calibration.py [--out FILE] [--cache DIR] [--methods pos,chrom]
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np
from bench_common import emit, machine
from rppg_common import SHARED
from rppg_skin_patches import load_clips

from workstation.rppg.acceptance import MAX_MOTION, MIN_SNR_DB, snr_threshold_db
from workstation.rppg.frames import open_video
from workstation.rppg.heart_rate import judge_series, rate_series
from workstation.rppg.traces import Roi, extract

METHODS = ["pos", "chrom", "green", "lgi", "omit", "pca", "ica", "contact"]
CALIBRATION, HELD_OUT = "India", "Sierra_Leone"
WRONG_BPM = 10.0
QUANTILE = 99.5


def clip_trace(clip: dict, cache: Path | None) -> dict:
    """The clip's whole-frame trace (cached as .npz outside the repository when asked)."""
    target = None if cache is None else cache / f"{clip['country']}_{clip['path'].stem}.npz"
    if target is not None and target.exists():
        data = np.load(target)
        return {k: data[k] for k in data.files}
    with open_video(clip["path"]) as source:
        traces = extract(source, Roi.FULL_FRAME)
        fps = source.stats.measured_fps or source.nominal_fps
    data = {
        "rgb": traces.rgb_array(),
        "motion": traces.motion_array(),
        "fps": np.float64(fps),
        "quantum": np.float64(traces.quantum()),
        "repeated": np.float64(traces.repeated_fraction()),
    }
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        np.savez(target, **data)
    return data


def wilson(k: int, n: int) -> list[float | None]:
    """95 % Wilson score interval of a proportion k/n."""
    if n == 0:
        return [None, None]
    z, p = 1.96, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [float(max(0.0, centre - half)), float(min(1.0, centre + half))]


def frozen_and_looped(rgb: np.ndarray, fps: float) -> dict[str, np.ndarray]:
    n = len(rgb)
    loop = rgb[: int(round(2 * fps))]
    return {
        "frozen": np.repeat(rgb[:1], n, axis=0),
        "looped": np.tile(loop, (int(np.ceil(n / len(loop))), 1))[:n],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--cache", type=Path, help="folder for the clips' traces (not the repo)")
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    methods = args.methods.split(",")
    clips = load_clips(SHARED / "data" / "rppg-skin-patches")
    started = time.perf_counter()
    data = [clip_trace(clip, args.cache) for clip in clips]
    result: dict = {
        "benchmark": "rppg_calibration",
        "date": date.today().isoformat(),
        "machine": machine(),
        "split": {"calibration": CALIBRATION, "held_out": HELD_OUT},
        "clips": {c: sum(k["country"] == c for k in clips) for c in (CALIBRATION, HELD_OUT)},
        "trace_s": time.perf_counter() - started,
        "repeated_fraction_max": float(max(d["repeated"] for d in data if "repeated" in d))
        if any("repeated" in d for d in data)
        else None,
        "methods": {},
    }
    for method in methods:
        entry: dict = {"threshold_db": snr_threshold_db(method)}
        for country in (CALIBRATION, HELD_OUT):
            wrong_snr, accepted_wrong, clip_rows = [], 0, []
            fake = {"frozen": [0, 0, 0], "looped": [0, 0, 0]}  # windows, passing, clips ok
            for clip, trace in zip(clips, data, strict=True):
                if clip["country"] != country:
                    continue
                fps, rgb = float(trace["fps"]), trace["rgb"]
                quantum = float(trace.get("quantum", 1 / np.sqrt(12 * 200 * 200)))
                series = rate_series(rgb, fps, method, trace["motion"], quantum=quantum)
                for w in series:
                    if abs(w.bpm - clip["truth"]) > WRONG_BPM:
                        wrong_snr.append(w.snr_db)
                        accepted_wrong += w.measurable
                verdict = judge_series(series)
                clip_rows.append(
                    {
                        "clip": f"{country}/{clip['path'].name}",
                        "truth": clip["truth"],
                        "bpm": verdict.bpm,
                        "accepted_windows": verdict.accepted,
                        "windows": verdict.windows,
                    }
                )
                for kind, fake_rgb in frozen_and_looped(rgb, fps).items():
                    still = np.zeros(len(fake_rgb))  # as if the crop held still
                    fake_series = rate_series(fake_rgb, fps, method, still, quantum=quantum)
                    fake[kind][0] += len(fake_series)
                    fake[kind][1] += sum(w.measurable for w in fake_series)
                    fake[kind][2] += judge_series(fake_series).bpm is not None
            snr = np.asarray(wrong_snr)
            reported = [r for r in clip_rows if r["bpm"] is not None]
            errors = [abs(r["bpm"] - r["truth"]) for r in reported]
            entry[country] = {
                "wrong_windows": int(snr.size),
                "wrong_snr_p99_5_db": float(np.percentile(snr, QUANTILE)) if snr.size else None,
                "wrong_snr_max_db": float(snr.max()) if snr.size else None,
                "wrong_windows_accepted": int(accepted_wrong),
                "false_acceptance": accepted_wrong / snr.size if snr.size else None,
                "false_acceptance_ci95": wilson(int(accepted_wrong), int(snr.size)),
                "clips_reported": len(reported),
                "clips": len(clip_rows),
                "max_abs_error_bpm": max(errors) if errors else None,
                "clips_off_by_more_than_10": sum(e > 10 for e in errors),
                "reported": reported,
                "frozen_windows_passing": fake["frozen"][1],
                "frozen_windows": fake["frozen"][0],
                "frozen_clips_reported": fake["frozen"][2],
                "looped_windows_passing_if_still": fake["looped"][1],
                "looped_windows": fake["looped"][0],
                "looped_clips_reported_if_still": fake["looped"][2],
            }
        top = entry[CALIBRATION]["wrong_snr_max_db"]
        entry["proposed_threshold_db"] = (
            None if top is None else max(MIN_SNR_DB, float(np.ceil((top + 0.25) * 2) / 2))
        )
        result["methods"][method] = entry
        print(
            method,
            entry["proposed_threshold_db"],
            {c: entry[c]["clips_reported"] for c in (CALIBRATION, HELD_OUT)},
            flush=True,
        )
    result["max_motion"] = MAX_MOTION
    result["wall_s"] = time.perf_counter() - started
    emit(result, args.out)


if __name__ == "__main__":
    main()
