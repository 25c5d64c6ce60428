"""rPPG speed and accuracy against pyVHR on generated 640×480 30 fps face clips.

Each clip is a real face photograph whose skin is modulated by a known pulse, under a
drifting light, with a small head movement and sensor noise (workstation.rppg.synthetic),
written as MJPEG, the usual webcam recording codec. On the same files, in one run:
- whole pipeline: frames processed per second and heart-rate error, ours (face regions,
  POS) against pyVHR's whole-face ("holistic") POS;
- method level: our RGB traces of each clip through our methods and through pyVHR's, and
  the agreement of the per-window rates;
- HRV on a metronome: each clip's pulse is perfectly regular, so an RMSSD above a few ms
  would be timing error; ours must withhold it or report it below 5 ms.

    python benchmarks/rppg_synthetic.py [--out FILE] [--seconds 30] [--no-peer]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from bench_common import emit, machine
from rppg_common import PYVHR_METHODS, ensure_peer, errors, run_pyvhr

from workstation.rppg.frames import open_video
from workstation.rppg.heart_rate import rate_series
from workstation.rppg.pipeline import analyze_video
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.rppg.traces import extract

RATES = [58.0, 84.0, 121.0]
METHODS = ["pos", "chrom", "green", "lgi", "omit", "pca", "ica"]


def to_mjpeg(source: Path, target: Path) -> Path:
    """Re-encode a lossless clip as MJPEG (quality 90)."""
    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    writer = None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if writer is None:
            writer = cv2.VideoWriter(
                str(target), cv2.VideoWriter_fourcc(*"MJPG"), fps, (frame.shape[1], frame.shape[0])
            )
            writer.set(cv2.VIDEOWRITER_PROP_QUALITY, 90)
        writer.write(frame)
    capture.release()
    writer.release()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    result: dict = {
        "benchmark": "rppg_synthetic",
        "date": date.today().isoformat(),
        "machine": machine(),
        "clip": {
            "width": 640,
            "height": 480,
            "fps": 30,
            "seconds": args.seconds,
            "codec": "MJPEG q90",
            "rates_bpm": RATES,
        },
        "clips": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        jobs = []
        for i, bpm in enumerate(RATES):
            lossless = write_clip(
                Path(folder) / f"clip{i}.avi", ClipSpec(bpm=bpm, seconds=args.seconds, seed=i)
            )
            clip = to_mjpeg(lossless, Path(folder) / f"clip{i}_mjpeg.avi")
            ours = analyze_video(clip, method="pos")
            with open_video(clip) as source:
                rgb = extract(source).rgb_array()
            rgb_file = Path(folder) / f"rgb{i}.npy"
            np.save(rgb_file, rgb.astype(np.float32))
            methods = {m: [w.bpm for w in rate_series(rgb, 30.0, m)] for m in METHODS}
            result["clips"].append(
                {
                    "truth_bpm": bpm,
                    "ours": {
                        "heart_rate_bpm": ours.heart_rate_bpm,
                        "status": ours.status,
                        "frames": ours.frames,
                        "total_s": ours.timings["total_s"],
                        "frames_per_s": ours.frames / ours.timings["total_s"],
                        "measurable_windows": sum(w.measurable for w in ours.series),
                        "windows": len(ours.series),
                        # the pulse is a metronome: any RMSSD reported is timing error
                        "hrv_status": ours.hrv.status if ours.hrv else None,
                        "rmssd_ms": ours.hrv.rmssd_ms if ours.hrv else None,
                        "hrv_message": ours.hrv.message if ours.hrv else None,
                    },
                    "ours_methods_window_bpm": methods,
                }
            )
            jobs.append(
                {
                    "mode": "video",
                    "path": str(clip),
                    "method": "cpu_POS",
                    "winsize": 10.0,
                    "clip": i,
                }
            )
            jobs += [
                {
                    "mode": "traces",
                    "path": str(rgb_file),
                    "method": PYVHR_METHODS[m],
                    "fps": 30.0,
                    "winsize": 10.0,
                    "clip": i,
                    "ours": m,
                }
                for m in METHODS
            ]
        peer = run_pyvhr(jobs) if not args.no_peer and ensure_peer() else None
    summarize(result, peer)
    emit(result, args.out)


def summarize(result: dict, peer: list[dict] | None) -> None:
    clips = result["clips"]
    truth = [c["truth_bpm"] for c in clips]
    ours_fps = [c["ours"]["frames_per_s"] for c in clips]
    summary = {
        "ours_pos_pipeline": {
            "frames_per_s_median": float(np.median(ours_fps)),
            **errors([c["ours"]["heart_rate_bpm"] or np.nan for c in clips], truth),
        },
    }
    if peer is not None:
        for out in peer:
            clip = clips[out["job"]["clip"]]
            if out["job"]["mode"] == "video":
                clip["pyvhr_video"] = {
                    "heart_rate_bpm": float(np.median(out["bpm"])),
                    "wall_s": out["wall_s"],
                    "frames_per_s": out["fps_processed"],
                }
            else:
                clip.setdefault("pyvhr_methods_window_bpm", {})[out["job"]["ours"]] = out["bpm"]
        peer_fps = [c["pyvhr_video"]["frames_per_s"] for c in clips]
        summary["pyvhr_pos_pipeline"] = {
            "frames_per_s_median": float(np.median(peer_fps)),
            **errors([c["pyvhr_video"]["heart_rate_bpm"] for c in clips], truth),
        }
        summary["throughput_ratio_ours_over_pyvhr"] = float(
            np.median(ours_fps) / np.median(peer_fps)
        )
        agreement = {}
        for m in METHODS:
            diffs, ours_err, peer_err = [], [], []
            for c in clips:
                a = np.asarray(c["ours_methods_window_bpm"][m])
                b = np.asarray(c["pyvhr_methods_window_bpm"][m])
                n = min(len(a), len(b))
                diffs += list(np.abs(a[:n] - b[:n]))
                ours_err += list(np.abs(a - c["truth_bpm"]))
                peer_err += list(np.abs(b - c["truth_bpm"]))
            agreement[m] = {
                "mean_abs_diff_bpm": float(np.mean(diffs)),
                "windows_within_1_5_bpm": float(np.mean(np.asarray(diffs) <= 1.5)),
                "ours_window_mae": float(np.mean(ours_err)),
                "pyvhr_window_mae": float(np.mean(peer_err)),
            }
        summary["method_agreement_on_identical_traces"] = agreement
    result["summary"] = summary


if __name__ == "__main__":
    main()
