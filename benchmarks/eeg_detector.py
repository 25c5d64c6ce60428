"""EEG analysis speed and detector accuracy (JSON on stdout).

1. The whole analysis of a generated 1-hour 19-channel 256 Hz EDF on one thread: montage,
   quantitative trends, the seizure-like-activity detector over every channel (4 s windows
   every 2 s) with the shipped model through onnxruntime, and occlusion explanations.
2. With --bonn DIR: the detector's grouped-by-segment cross-validated AUC with 95% CI beside
   the feature + gradient-boosting baseline, on raw and on standardised windows (the same
   evaluation 'workstation train eeg-seizure' runs; several minutes on one thread).

    python benchmarks/eeg_detector.py [--bonn ../shared/data/bonn-eeg] [--out result.json]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from bench_common import emit, machine
from io_read import write_hour_edf

from workstation.eeg.analysis import analyze_eeg
from workstation.inference.registry import load_model
from workstation.io import read_recording


def whole_hour(path: Path) -> dict:
    recording = read_recording(path)
    model = load_model("eeg-seizure", threads=1)
    started = time.perf_counter()
    analysis = analyze_eeg(recording, model.session, model.describe())
    total = time.perf_counter() - started
    windows = analysis.timeline.probabilities.size
    return {
        "case": "1-hour 19-channel 256 Hz EDF (generated)",
        "threads": 1,
        "device": model.provider,
        "total_s": round(total, 2),
        "steps_s": analysis.timings_s,
        "channel_windows": int(windows),
        "montage": analysis.montage,
    }


def cross_validation(bonn: Path) -> dict:
    import torch
    from threadpoolctl import threadpool_limits

    from workstation.training.eeg_bonn import load_bonn_windows
    from workstation.training.eeg_seizure_train import TrainSettings, evaluate

    torch.set_num_threads(1)
    with threadpool_limits(1):
        return evaluate(load_bonn_windows(bonn), TrainSettings())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bonn", type=Path, help="Bonn EEG folder: also run the CV")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = {
        "benchmark": "eeg_detector",
        "date": date.today().isoformat(),
        "machine": machine(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.edf"
        write_hour_edf(path)
        result["whole_hour"] = whole_hour(path)
    if args.bonn:
        result["cross_validation"] = cross_validation(args.bonn)
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
