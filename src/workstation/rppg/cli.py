"""`workstation analyze video FILE`: heart rate, quality and HRV from a face or skin video."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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


def _analyze_video(args: argparse.Namespace) -> int:
    from workstation.rppg.pipeline import analyze_video

    result = analyze_video(args.file, method=args.method, roi=args.roi)
    text = json.dumps(result.to_json(), indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    if result.status != "ok":
        print(f"workstation: {result.message}", file=sys.stderr)
    return 0 if result.status == "ok" else 3
