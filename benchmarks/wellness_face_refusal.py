"""Face refusal on every shared face-free skin-patch clip (../shared/data/rppg-skin-patches).

Each clip is a real forehead or cheek crop with no face; the face analyser must call it
"not measurable". The first ``--seconds`` of each clip are analysed (10 frames a second).

    python benchmarks/wellness_face_refusal.py [--seconds 5] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from itertools import takewhile
from pathlib import Path

from bench_common import emit, machine

from workstation.rppg.frames import open_video
from workstation.wellness.face import analyse_frames

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WORKSTATION_DATA", ROOT.parent / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    clips = sorted((DATA / "rppg-skin-patches").glob("*/*.avi"))
    refused, found = 0, []
    start = time.process_time()
    for clip in clips:
        with open_video(clip) as source:
            frames = takewhile(
                lambda f: f[0] < args.seconds, ((f.timestamp_s, f.image) for f in source)
            )
            result = analyse_frames(frames)
        refused += not result.quality.measurable
        found.append(result.quality.checks.get("face_found_fraction", 0.0))
    emit(
        {
            "benchmark": "wellness_face_refusal",
            "date": date.today().isoformat(),
            "machine": machine(),
            "clips": len(clips),
            "refused": refused,
            "seconds_per_clip": args.seconds,
            "max_face_found_fraction": max(found) if found else None,
            "mean_face_found_fraction": sum(found) / len(found) if found else None,
            "cpu_s": round(time.process_time() - start, 1),
        },
        args.out,
    )


if __name__ == "__main__":
    main()
