"""`workstation analyze video FILE` and `workstation analyze ppg TRACE.csv`: heart rate,
quality and HRV from a face or skin video, or from a contact PPG trace.

Exit status: 0 measured, 3 refused (the JSON and the message say why), 2 unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workstation.rppg.options import METHOD_NAMES, Roi


def add_analyze_video_parser(subparsers: argparse._SubParsersAction) -> None:
    video = subparsers.add_parser("video", help="measure pulse and HRV from a face video (rPPG)")
    video.add_argument("file", type=Path, help="video file (AVI, MP4, …)")
    video.add_argument(
        "--method", choices=sorted(METHOD_NAMES), default="pos", help="rPPG method (default: pos)"
    )
    video.add_argument(
        "--roi",
        choices=[r.value for r in Roi],
        default=Roi.FACE.value,
        help="skin region: the tracked face (default) or the whole frame for skin-only clips",
    )
    video.add_argument("--json", type=Path, metavar="OUT", help="also write the JSON to OUT")
    video.set_defaults(func=_analyze_video)


def add_analyze_ppg_parser(subparsers: argparse._SubParsersAction) -> None:
    ppg = subparsers.add_parser(
        "ppg", help="measure pulse and HRV from a contact PPG trace (finger on a camera)"
    )
    ppg.add_argument(
        "file", type=Path, help="CSV: a time column (s, or ms) and R,G,B or one signal column"
    )
    ppg.add_argument(
        "--channel", help="column to use (default: chosen automatically, clipped ones excluded)"
    )
    ppg.add_argument("--json", type=Path, metavar="OUT", help="also write the JSON to OUT")
    ppg.set_defaults(func=_analyze_ppg)


def _analyze_video(args: argparse.Namespace) -> int:
    from workstation.rppg.pipeline import analyze_video

    return _report(analyze_video(args.file, method=args.method, roi=args.roi), args.json)


def _analyze_ppg(args: argparse.Namespace) -> int:
    from workstation.rppg.contact_ppg import analyze_ppg

    return _report(analyze_ppg(args.file, channel=args.channel), args.json)


def _report(result: Any, out: Path | None) -> int:
    text = json.dumps(result.to_json(), indent=1)
    if out:
        from workstation.vault.files import create_private_file  # exports are owner-only (0600)

        create_private_file(out, (text + "\n").encode())
    print(text)
    if result.status != "ok":
        print(f"workstation: {result.message}", file=sys.stderr)
    return 0 if result.status == "ok" else 3
