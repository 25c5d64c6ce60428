"""`workstation analyze wellness`: face, voice and motion from files, fused, as text or JSON.

Argparse-level imports only; the analysers load when the command runs. Without a vault
there is no patient baseline, so the CLI shows raw values and no score (by design).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_analyze_wellness_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "wellness",
        help="wellness observation from video, audio and motion files (not diagnosis)",
        description="Face presence/expression, voice and motion indicators, each with its "
        "quality. Wellness observation, not diagnosis.",
    )
    parser.add_argument(
        "--video", type=Path, help="video file of the face (its audio track is the voice)"
    )
    parser.add_argument(
        "--audio",
        type=Path,
        help="speech as WAV or any audio/video file (instead of the video's own audio track)",
    )
    parser.add_argument("--motion", type=Path, help="CSV/JSON: timestamp,ax,ay,az,gx,gy,gz")
    parser.add_argument("--json", type=Path, help="write the full result as JSON here")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from workstation.wellness.baseline import build_baseline
    from workstation.wellness.session import analyse_inputs

    session = analyse_inputs(build_baseline([]), args.video, args.audio, args.motion)
    if args.json:
        from workstation.vault.files import create_private_file  # exports are owner-only (0600)

        create_private_file(
            args.json, (json.dumps(session.to_json(), indent=1) + "\n").encode("utf-8")
        )
    print(format_session(session.to_json()))
    return 0


def format_session(data: dict) -> str:
    """Plain-text summary: every modality with its quality, every component, the rules."""
    lines = [data["label"]]
    for name, result in data["modalities"].items():
        quality = result["quality"]
        state = "measurable" if quality["measurable"] else f"not measurable: {quality['reason']}"
        lines.append(f"{name}: {state}")
        for key, value in result["features"].items():
            shown = "-" if value is None else f"{value:.3g}"
            lines.append(f"  {key} = {shown} {result['units'].get(key, '')}")
        lines.extend(f"  note: {n}" for n in result["notes"])
    fusion = data["fusion"]
    lines.append(f"fusion: {fusion['message']}")
    for c in fusion["components"]:
        if c["status"] == "scored":
            lines.append(f"  {c['label']}: z {c['z']:+.2f} -> {c['points']} x {c['weight']:g}")
    lines.append(f"total: {'-' if fusion['total'] is None else fusion['total']}")
    lines.extend(f"[{r['rule_id']}] {r['text']}" for r in fusion["recommendations"])
    return "\n".join(lines)
