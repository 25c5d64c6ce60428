"""rPPG on the real skin-patch clips (Dasari et al. 2021): honesty first, then accuracy.

Each clip is a forehead or cheek crop (upscaled to 200 × 200, 15 fps) whose only label is
the subject's mean heart rate over the recording. The crops jitter, so most of the signal
is motion; the question is whether our quality index refuses what cannot be measured. Per
method and country: coverage (clips and windows our index accepts), MAE/RMSE/r of what it
accepts, against the subject's mean rate; pyVHR's errors on the identical RGB traces (all
its windows, since pyVHR has no quality index, and the windows ours accepted); and the
reference of always answering the other subjects' mean.

    python benchmarks/rppg_skin_patches.py [--out FILE] [--no-peer]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
from bench_common import emit, machine
from rppg_common import PYVHR_METHODS, SHARED, ensure_peer, errors, run_pyvhr

from workstation.rppg.frames import open_video
from workstation.rppg.heart_rate import MAX_MOTION, MIN_SNR_DB
from workstation.rppg.pipeline import analyze_traces
from workstation.rppg.traces import Roi, extract

METHODS = ["pos", "chrom", "green", "lgi", "omit", "pca", "ica"]


def load_clips(root: Path) -> list[dict]:
    clips = []
    for country in ("India", "Sierra_Leone"):
        truth = {
            r["subject"]: float(r["mean_hr_bpm"])
            for r in csv.DictReader((root / country / "ground_truth.csv").open())
        }
        for path in sorted((root / country).glob("*.avi")):
            subject = path.stem.split("_")[0]
            if subject in truth:
                clips.append(
                    {"country": country, "subject": subject, "path": path, "truth": truth[subject]}
                )
    return clips


def leave_one_out_mean(clips: list[dict]) -> dict:
    """Error of answering, for each subject, the mean rate of all other subjects."""
    subjects = {(c["country"], c["subject"]): c["truth"] for c in clips}
    values = np.array(list(subjects.values()))
    guesses = [(values.sum() - v) / (len(values) - 1) for v in values]
    return errors(guesses, list(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-peer", action="store_true", help="skip pyVHR")
    args = parser.parse_args()
    root = SHARED / "data" / "rppg-skin-patches"
    clips = load_clips(root)
    rows: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    status_counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        jobs = []
        for i, clip in enumerate(clips):
            with open_video(clip["path"]) as source:
                traces = extract(source, Roi.FULL_FRAME)
                fps = source.stats.measured_fps or source.nominal_fps
            clip["fps"] = fps
            rgb_file = Path(folder) / f"{i}.npy"
            np.save(rgb_file, traces.rgb_array().astype(np.float32))
            for method in METHODS:
                result = analyze_traces(traces, fps, method)
                status_counts[method][result.status] += 1
                bucket = rows[method][clip["country"]]
                bucket["clips"].append(1)
                accepted = [w for w in result.series if w.measurable]
                bucket["windows"].append(len(result.series))
                bucket["snr_passed"].append(sum(w.snr_db >= MIN_SNR_DB for w in result.series))
                bucket["motion_passed"].append(sum(w.motion <= MAX_MOTION for w in result.series))
                bucket["accepted_windows"].append(len(accepted))
                clip.setdefault("accepted_times", {})[method] = [w.time_s for w in accepted]
                bucket["window_estimates"] += [w.bpm for w in accepted]
                bucket["window_truth"] += [clip["truth"]] * len(accepted)
                if result.heart_rate_bpm is not None:
                    bucket["clip_estimates"].append(result.heart_rate_bpm)
                    bucket["clip_truth"].append(clip["truth"])
                jobs.append(
                    {
                        "mode": "traces",
                        "path": str(rgb_file),
                        "method": PYVHR_METHODS[method],
                        "fps": fps,
                        "winsize": 10.0,
                        "clip": i,
                        "ours": method,
                    }
                )
        ours_s = time.perf_counter() - started
        peer = None
        if not args.no_peer and ensure_peer():
            peer_started = time.perf_counter()
            peer = run_pyvhr(jobs)
            peer_s = time.perf_counter() - peer_started
    result = {
        "benchmark": "rppg_skin_patches",
        "date": date.today().isoformat(),
        "machine": machine(),
        "clips": len(clips),
        "subjects": len({(c["country"], c["subject"]) for c in clips}),
        "roi": "full-frame",
        "reference_other_subjects_mean": leave_one_out_mean(clips),
        "statuses": {m: dict(v) for m, v in status_counts.items()},
        "ours_wall_s": ours_s,
        "methods": {},
    }
    peer_by_method: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    if peer is not None:
        result["pyvhr_wall_s"] = peer_s
        for out in peer:
            job = out["job"]
            clip = clips[job["clip"]]
            bucket = peer_by_method[job["ours"]][clip["country"]]
            bpm = np.asarray(out["bpm"], dtype=float)
            times = np.asarray(out["times_s"], dtype=float)
            bucket["clip_estimates"].append(float(np.median(bpm)))
            bucket["clip_truth"].append(clip["truth"])
            bucket["window_estimates"] += list(bpm)
            bucket["window_truth"] += [clip["truth"]] * len(bpm)
            for t in clip["accepted_times"][job["ours"]]:
                nearest = int(np.argmin(np.abs(times - t)))
                bucket["accepted_window_estimates"].append(float(bpm[nearest]))
                bucket["accepted_window_truth"].append(clip["truth"])
    for method in METHODS:
        per_country = {}
        for country, b in rows[method].items():
            entry = {
                "clips": len(b["clips"]),
                "clips_accepted": len(b["clip_estimates"]),
                "windows": int(sum(b["windows"])),
                "windows_accepted": int(sum(b["accepted_windows"])),
                "windows_passing_snr": int(sum(b["snr_passed"])),
                "windows_passing_motion": int(sum(b["motion_passed"])),
                "ours_accepted_windows": errors(b["window_estimates"], b["window_truth"]),
                "ours_accepted_clips": errors(b["clip_estimates"], b["clip_truth"]),
            }
            p = peer_by_method[method].get(country)
            if p:
                entry["pyvhr_all_clips"] = errors(p["clip_estimates"], p["clip_truth"])
                entry["pyvhr_all_windows"] = errors(p["window_estimates"], p["window_truth"])
                entry["pyvhr_on_windows_ours_accepted"] = errors(
                    p["accepted_window_estimates"], p["accepted_window_truth"]
                )
            per_country[country] = entry
        result["methods"][method] = per_country
    emit(result, args.out)


if __name__ == "__main__":
    main()
