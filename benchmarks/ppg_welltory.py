"""Contact PPG (finger on a phone camera) against a Polar H10 chest strap: Welltory 01–10.

Each recording is a phone's per-frame mean R, G, B with capture times (PPG.csv) and the
chest strap's RR intervals over the same session (RR.txt; Neshitov et al., Sensors 2021).
Per recording: our ``analyze_ppg`` (channel chosen automatically, the video pipeline's
acceptance rule, HRV only from clean beats above the jitter floor) against the strap's mean
HR and RMSSD; coverage (how many recordings get a number) and errors with a 95 % bootstrap
interval over recordings. Two references on the same traces: what the old HRV path gave
(every pulse peak believed, no beat check: the issue's 24–40 ms overestimate), and pyVHR 2.0's
methods (POS and CHROM on the R, G, B as recorded; GREEN on the red channel, the only
sensible single channel for a finger) run from its own environment in the same run. pyVHR
has no HRV, so it is compared on heart rate only.

    python benchmarks/ppg_welltory.py [--out FILE] [--no-peer]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from bench_common import emit, machine
from rppg_common import SHARED, ensure_peer, run_pyvhr

from workstation.rppg.contact_ppg import analyze_ppg_trace, read_ppg_csv, uniform
from workstation.rppg.hrv import pulse_peaks

WINDOW_S = 10.0
PEER = {
    "pos": ("cpu_POS", "rgb"),
    "chrom": ("cpu_CHROM", "rgb"),
    "green_on_red": ("cpu_GREEN", "red"),
}


def strap(folder: Path) -> dict:
    rr = np.array([float(x) for x in (folder / "RR.txt").read_text().split()])
    return {
        "hr_bpm": float(60000.0 / rr.mean()),
        "rmssd_ms": float(np.sqrt(np.mean(np.diff(rr) ** 2))),
        "beats": int(rr.size),
    }


def believe_every_peak(pulse: np.ndarray, fps: float, rate: float) -> float | None:
    """RMSSD (ms) from every peak of the pulse, as before issue #18."""
    peaks = pulse_peaks(pulse, fps, rate)
    rr = np.diff(peaks) * 1000.0
    return float(np.sqrt(np.mean(np.diff(rr) ** 2))) if rr.size > 2 else None


def bootstrap_mae(errors: list[float], seed: int = 0) -> dict:
    if not errors:
        return {"n": 0, "mae": None, "ci95": [None, None], "max_abs": None}
    e = np.abs(np.asarray(errors, dtype=float))
    rng = np.random.default_rng(seed)
    means = [rng.choice(e, e.size).mean() for _ in range(2000)]
    return {
        "n": int(e.size),
        "mae": float(e.mean()),
        "ci95": [float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))],
        "max_abs": float(e.max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-peer", action="store_true", help="skip pyVHR")
    args = parser.parse_args()
    root = SHARED / "data" / "welltory-dev"
    rows, jobs = [], []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for recording in sorted(root.glob("subject_*")):
            trace = read_ppg_csv(recording / "PPG.csv")
            t0 = time.perf_counter()
            result = analyze_ppg_trace(trace)
            wall = time.perf_counter() - t0
            truth = strap(recording)
            hrv = result.hrv
            row = {
                "recording": recording.name,
                "strap": truth,
                "status": result.status,
                "channel": result.channel,
                "channels_excluded": result.channels_excluded,
                "hr_bpm": result.heart_rate_bpm,
                "windows_accepted": sum(w.measurable for w in result.series),
                "windows": len(result.series),
                "hrv_status": hrv.status if hrv else None,
                "rmssd_ms": hrv.rmssd_ms if hrv else None,
                "sdnn_ms": hrv.sdnn_ms if hrv else None,
                "jitter_floor_ms": hrv.jitter_floor_ms if hrv else None,
                "hrv_message": hrv.message if hrv else None,
                "wall_s": wall,
            }
            rate = result.heart_rate_bpm or truth["hr_bpm"]
            if result.pulse is not None:
                row["rmssd_every_peak_ms"] = believe_every_peak(result.pulse, result.fps, rate)
            rows.append(row)
            grid, fps, _, _ = uniform(trace)
            rgb = np.stack(
                [np.interp(grid, trace.times_s, trace.channels[c]) for c in ("R", "G", "B")], 1
            )
            for name, (peer_method, channels) in PEER.items():
                data = rgb if channels == "rgb" else np.repeat(rgb[:, :1], 3, axis=1)
                path = Path(folder) / f"{recording.name}_{name}.npy"
                np.save(path, data.astype(np.float32))
                jobs.append(
                    {
                        "mode": "traces",
                        "path": str(path),
                        "method": peer_method,
                        "fps": fps,
                        "winsize": WINDOW_S,
                        "row": len(rows) - 1,
                        "ours": name,
                    }
                )
        ours_s = time.perf_counter() - started
        peer = run_pyvhr(jobs) if not args.no_peer and ensure_peer() else None
    hr_err = [r["hr_bpm"] - r["strap"]["hr_bpm"] for r in rows if r["hr_bpm"] is not None]
    rmssd_err = [r["rmssd_ms"] - r["strap"]["rmssd_ms"] for r in rows if r["rmssd_ms"] is not None]
    naive_err = [
        r["rmssd_every_peak_ms"] - r["strap"]["rmssd_ms"]
        for r in rows
        if r.get("rmssd_every_peak_ms") is not None
    ]
    summary = {
        "recordings": len(rows),
        "hr_coverage": len(hr_err),
        "hr": bootstrap_mae(hr_err),
        "hrv_coverage": len(rmssd_err),
        "rmssd": bootstrap_mae(rmssd_err),
        "rmssd_within_10_ms": int(sum(abs(e) <= 10 for e in rmssd_err)),
        "rmssd_every_peak_believed": bootstrap_mae(naive_err),
        "rmssd_every_peak_mean_signed_ms": float(np.mean(naive_err)) if naive_err else None,
        "ours_wall_s": ours_s,
    }
    if peer is not None:
        by_method: dict[str, list[float]] = {name: [] for name in PEER}
        for out in peer:
            job = out["job"]
            row = rows[job["row"]]
            bpm = float(np.median(out["bpm"]))
            row.setdefault("pyvhr_hr_bpm", {})[job["ours"]] = bpm
            by_method[job["ours"]].append(bpm - row["strap"]["hr_bpm"])
        summary["pyvhr_hr"] = {name: bootstrap_mae(e) for name, e in by_method.items()}
    emit(
        {
            "benchmark": "ppg_welltory",
            "date": date.today().isoformat(),
            "machine": machine(),
            "summary": summary,
            "recordings": rows,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
