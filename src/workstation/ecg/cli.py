"""`workstation analyze ecg FILE`: the ECG analysis as JSON, for scripts and batch runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_analyze_ecg_parser(subparsers: argparse._SubParsersAction) -> None:
    ecg = subparsers.add_parser(
        "ecg", help="signal quality, rhythm, measurements and statements of an ECG of any length"
    )
    ecg.add_argument("file", type=Path, help="WFDB .hea, EDF/BDF, .zip or CSV file")
    ecg.add_argument("--json", type=Path, metavar="OUT", help="also write the JSON to OUT")
    ecg.add_argument("--fs", type=float, help="sampling rate (Hz) of a CSV without time column")
    ecg.add_argument("--sex", choices=["M", "F"], help="for sex-specific QTc and LVH limits")
    ecg.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="also write a PDF report")
    ecg.set_defaults(func=_analyze_ecg)


def _analyze_ecg(args: argparse.Namespace) -> int:
    from workstation.ecg.analysis import analyze_ecg
    from workstation.io import read_recording

    recording = read_recording(args.file, fs=args.fs)
    analysis = analyze_ecg(recording, sex=args.sex)
    result = analysis.to_json()
    if args.pdf:
        from workstation.reports.cli import write_file_report

        write_file_report(recording, analysis, args.pdf, sex=args.sex)
    text = json.dumps(result, indent=1)
    if args.json:
        from workstation.vault.files import create_private_file  # exports are owner-only (0600)

        create_private_file(args.json, (text + "\n").encode())
    print(text)
    return 0
