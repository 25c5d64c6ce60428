"""Live wellness analysis cost: 30 fps 640×480 face frames plus 16 kHz audio, as CPU % of one core.

Two measurements. ``runs``: the analysers alone, as below. ``live_hook``: the path the app
takes in a live session, through the capture worker's frame-consumer hook: every frame is
handed as a ``Frame`` to ``LiveWellness.add_frame`` (face analysis and the live face
indicator) and the sound arrives in 0.1 s blocks, as a sound device delivers it, through
``LiveWellness.add_audio`` (the live voice indicator once a second on the last 10 s); at
the end ``results`` analyses the whole session. The same frames also go through
``LiveVitals.add`` (the pulse the same camera session measures), timed apart, so the whole
camera session's cost is known too.

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

from workstation.rppg.frames import Frame  # noqa: E402
from workstation.rppg.live import LiveVitals  # noqa: E402
from workstation.rppg.synthetic import ClipSpec, _face_canvas  # noqa: E402
from workstation.wellness.face import FaceAnalyser  # noqa: E402
from workstation.wellness.live import LiveWellness  # noqa: E402
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
    images = {content: frames(60, content) for content in ("face", "scene")}
    runs = {content: run(images[content], audio, args.seconds) for content in images}
    hook = {content: run_hook(images[content], audio, args.seconds) for content in images}
    emit(
        {
            "benchmark": "wellness_live",
            "date": date.today().isoformat(),
            "machine": machine(),
            "simulated_s": args.seconds,
            "frames_offered": 30 * args.seconds,
            "target_percent": 50,
            "runs": runs,
            "live_hook": hook,
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


def run_hook(images: list[np.ndarray], audio: np.ndarray, seconds: int) -> dict[str, float]:
    """One simulated live session through the frame-consumer hook and the audio blocks."""
    LiveWellness().add_frame(Frame(0, 0.0, images[0]))  # model and cascades loaded first
    live = LiveWellness()
    pulse = LiveVitals("pos", "face")
    block = FS // 10
    wellness_cpu = pulse_cpu = 0.0
    for second in range(seconds):
        start = time.process_time()
        for k in range(30):
            index = second * 30 + k
            live.add_frame(Frame(index, index / 30.0, images[index % len(images)]))
        for b in range(10):
            offset = second * FS + b * block
            live.add_audio(audio[offset : offset + block], FS)
        wellness_cpu += time.process_time() - start
        start = time.process_time()
        for k in range(30):
            index = second * 30 + k
            pulse.add(Frame(index, index / 30.0, images[index % len(images)]))
        pulse_cpu += time.process_time() - start
    start = time.process_time()
    results = live.results()
    final_s = time.process_time() - start
    state = live.indicators()
    return {
        "face_indicator_measurable": bool(state.face and state.face.measurable),
        "voice_indicator_measurable": bool(state.voice and state.voice.measurable),
        "voice_measurable": results["voice"].quality.measurable,
        "wellness_cpu_s": round(wellness_cpu, 3),
        "wellness_percent_of_one_core": round(100 * wellness_cpu / seconds, 1),
        "pulse_cpu_s": round(pulse_cpu, 3),
        "camera_session_percent_of_one_core": round(100 * (wellness_cpu + pulse_cpu) / seconds, 1),
        "end_of_session_analysis_s": round(final_s, 2),
    }


if __name__ == "__main__":
    main()
