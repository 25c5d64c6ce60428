"""Live wellness analysis cost: 30 fps 640×480 face frames plus 16 kHz audio, as CPU % of one core.

Frames (a real face photograph, workstation.rppg.synthetic's canvas, moved slightly from
frame to frame) are generated before timing and handed to ``FaceAnalyser.add`` at 30 per
simulated second, which analyses up to 10 of them (Haar detection, the face-emotion model);
audio (synthetic syllables at 4/s) arrives in 1 s blocks and each 5 s block goes through
``analyse_voice``. CPU time is ``time.process_time`` of this process over the simulated
duration; camera capture and decoding are not included (the capture worker's cost, shared
with video vitals).

    python benchmarks/wellness_live.py [--seconds 30] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from bench_common import emit, machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "wellness"))
from wellness_signals import FS, syllable_train  # noqa: E402

from workstation.rppg.synthetic import ClipSpec, _face_canvas  # noqa: E402
from workstation.wellness.face import FaceAnalyser  # noqa: E402
from workstation.wellness.voice import Audio, analyse_voice  # noqa: E402


def frames(n: int, content: str) -> list[np.ndarray]:
    canvas, _ = _face_canvas(ClipSpec(content=content))
    out = []
    for i in range(n):
        shift = np.float32([[1, 0, 2 * np.sin(i / 5)], [0, 1, np.cos(i / 7)]])
        out.append(cv2.warpAffine(canvas, shift, (640, 480)).astype(np.uint8))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    audio = syllable_train(4.0, args.seconds + 1.0)[: args.seconds * FS]
    runs = {content: run(frames(60, content), audio, args.seconds) for content in ("face", "scene")}
    emit(
        {
            "benchmark": "wellness_live",
            "date": date.today().isoformat(),
            "machine": machine(),
            "simulated_s": args.seconds,
            "frames_offered": 30 * args.seconds,
            "target_percent": 50,
            "runs": runs,
        },
        args.out,
    )


def run(images: list[np.ndarray], audio: np.ndarray, seconds: int) -> dict[str, float]:
    """One simulated live session; "scene" (no face) is the worst case: every analysed frame
    also runs the profile cascade both ways."""
    FaceAnalyser().add(0.0, images[0])  # model and cascades loaded once before timing
    analyser = FaceAnalyser()
    face_cpu = voice_cpu = 0.0
    for second in range(seconds):
        start = time.process_time()
        for k in range(30):
            analyser.add(second + k / 30.0, images[(second * 30 + k) % len(images)])
        face_cpu += time.process_time() - start
        if (second + 1) % 5 == 0:
            start = time.process_time()
            block = audio[(second - 4) * FS : (second + 1) * FS]
            analyse_voice(Audio(block, float(FS), "live"))
            voice_cpu += time.process_time() - start
    face = analyser.result()
    return {
        "frames_analysed": len(analyser.frames),
        "face_found_fraction": face.quality.checks.get("face_found_fraction"),
        "face_cpu_s": round(face_cpu, 3),
        "voice_cpu_s": round(voice_cpu, 3),
        "cpu_percent_of_one_core": round(100 * (face_cpu + voice_cpu) / seconds, 1),
    }


if __name__ == "__main__":
    main()
