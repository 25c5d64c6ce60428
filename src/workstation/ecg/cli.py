"""`workstation analyze ecg FILE`: the ECG analysis as JSON, for scripts and batch runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_analyze_ecg_parser(subparsers: argparse._SubParsersAction) -> None:
    ecg = subparsers.add_parser("ecg", help="segment, measure and interpret a resting ECG")
    ecg.add_argument("file", type=Path, help="WFDB .hea, EDF/BDF, .zip or CSV file")
    ecg.add_argument("--json", type=Path, metavar="OUT", help="also write the JSON to OUT")
    ecg.add_argument("--fs", type=float, help="sampling rate (Hz) of a CSV without time column")
    ecg.add_argument("--sex", choices=["M", "F"], help="for sex-specific QTc and LVH limits")
    ecg.set_defaults(func=_analyze_ecg)


def _analyze_ecg(args: argparse.Namespace) -> int:
    from workstation.ecg.analysis import analyze_ecg
    from workstation.io import read_recording

    result = analyze_ecg(read_recording(args.file, fs=args.fs), sex=args.sex).to_json()
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0
