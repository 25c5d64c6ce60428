"""`workstation analyze eeg FILE`: the headless EEG analysis, as the viewer runs it."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any


def add_analyze_eeg_parser(subparsers: argparse._SubParsersAction) -> None:
    eeg = subparsers.add_parser(
        "eeg", help="EEG trends and seizure-like-activity timeline of a recording"
    )
    eeg.add_argument("file", type=Path, help="EDF/EDF+/BDF (or any readable) EEG recording")
    eeg.add_argument("--json", type=Path, metavar="OUT", help="write the full result as JSON")
    eeg.add_argument("--epoch", type=float, default=10.0, help="trend epoch in seconds")
    eeg.add_argument(
        "--no-detector", action="store_true", help="trends only, without the detector model"
    )
    eeg.set_defaults(func=_analyze_eeg)


def _analyze_eeg(args: argparse.Namespace) -> int:
    from workstation.eeg.analysis import analyze_eeg
    from workstation.eeg.seizure import load_detector
    from workstation.io import read_recording

    started = time.perf_counter()
    recording = read_recording(args.file)
    read_s = time.perf_counter() - started
    session, model = (None, None) if args.no_detector else load_detector()
    result = analyze_eeg(recording, session, model, epoch_s=args.epoch).to_dict()
    result["six_class"] = six_class_status()
    result["timings_s"] = {"read": round(read_s, 3), **result["timings_s"]}
    if args.json:
        from workstation.vault.files import create_private_file  # exports are owner-only (0600)

        create_private_file(args.json, (json.dumps(result, indent=2) + "\n").encode())
    print(format_analysis(result))
    return 0


def six_class_status() -> dict[str, Any]:
    """Whether an HMS six-class model is installed; none ships, and the reader is told why."""
    from workstation.eeg.hms import MODEL_NAME as HMS_MODEL
    from workstation.eeg.hms import NO_MODEL_MESSAGE
    from workstation.inference.registry import models_dir

    installed = (models_dir() / f"{HMS_MODEL}.onnx").is_file()
    return {"installed": installed, "message": "" if installed else NO_MODEL_MESSAGE}


def format_analysis(result: dict[str, Any]) -> str:
    """A few lines a clinician can read at the command line."""
    trends = result["trends"]
    lines = [
        f"EEG analysis of {result['source']}",
        f"  EEG channels ({len(result['eeg_channels'])}): {', '.join(result['eeg_channels'])}",
        f"  other channels: {', '.join(result['other_channels']) or 'none'}",
        f"  montage: {result['montage']} ({result['montage_note']})",
        f"  trends per {trends['epoch_s']:g} s: alpha/delta {trends['alpha_delta_ratio']:.2f}, "
        f"asymmetry {trends['asymmetry']:+.2f}, max rhythmicity {trends['rhythmicity_max']:.2f}",
    ]
    detector = result.get("detector")
    if detector and detector.get("max_probability") is None:
        reasons = "; ".join(detector.get("not_assessable") or {}) or "no whole 4 s window"
        lines.append(f"  seizure-like activity: not assessable ({reasons})")
    elif detector:
        lines.append(
            f"  seizure-like activity: max probability {detector['max_probability']:.2f}, "
            f"{detector['flagged_windows']} of {len(detector['windows'])} windows "
            f">= {detector['threshold']:g}"
        )
        for reason, count in (detector.get("not_assessable") or {}).items():
            lines.append(f"    {count} channel windows not assessable: {reason}")
        top = sorted(detector["windows"], key=lambda w: -w["probability"])[:3]
        for w in top:
            channels = ", ".join(c["channel"] for c in w["top_channels"])
            lines.append(f"    {w['start_s']:8.1f} s  p={w['probability']:.2f}  ({channels})")
    if result.get("six_class") and not result["six_class"]["installed"]:
        lines.append(f"  six-class (HMS): {result['six_class']['message']}")
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in result["timings_s"].items())
    lines.append(f"  timings: {timings}")
    lines.append(f"  {result['disclaimer']}")
    return "\n".join(lines)
