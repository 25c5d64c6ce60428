"""CPU cost of the live loop: capture, face regions, traces and a rate per second, at 30 fps.

A generated 640×480 30 fps face clip is played in real time (each frame handed over at its
timestamp, as a camera would) through the same LiveVitals the app's capture worker runs.
The figure is process CPU time over wall time: 0.5 means half of one core.

    python benchmarks/rppg_live.py [--out FILE] [--seconds 40]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from bench_common import emit, machine
from rppg_synthetic import to_mjpeg

from workstation.rppg.frames import open_video
from workstation.rppg.live import LiveVitals
from workstation.rppg.synthetic import ClipSpec, write_clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as folder:
        clip = to_mjpeg(
            write_clip(Path(folder) / "live.avi", ClipSpec(bpm=75, seconds=args.seconds)),
            Path(folder) / "live_mjpeg.avi",
        )
        live = LiveVitals("pos")
        per_frame = []
        estimates = []
        late = 0
        with open_video(clip) as source:
            wall0, cpu0 = time.monotonic(), time.process_time()
            first = None
            for frame in source:
                first = frame.timestamp_s if first is None else first
                due = wall0 + frame.timestamp_s - first
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                else:
                    late += 1
                t = time.perf_counter()
                estimate = live.add(frame)
                per_frame.append(time.perf_counter() - t)
                if estimate is not None:
                    estimates.append(estimate)
            wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    good = [e.bpm for e in estimates if e.measurable]
    result = {
        "benchmark": "rppg_live",
        "date": date.today().isoformat(),
        "machine": machine(),
        "clip": {"width": 640, "height": 480, "fps": 30, "seconds": args.seconds, "truth_bpm": 75},
        "cpu_fraction_of_one_core": cpu / wall,
        "wall_s": wall,
        "frames": len(per_frame),
        "frames_handled_late": late,
        "analysis_ms_per_frame_median": 1000 * float(np.median(per_frame)),
        "analysis_ms_per_frame_p99": 1000 * float(np.percentile(per_frame, 99)),
        "estimates": len(estimates),
        "measurable_estimates": len(good),
        "median_estimate_bpm": float(np.median(good)) if good else None,
        "note": "CPU includes decoding the file, which a camera's driver does instead.",
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
