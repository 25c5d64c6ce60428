"""`workstation analyze vitals FILE`: NEWS2, deterioration risk and its drivers from a CSV."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_analyze_vitals_parser(subparsers: argparse._SubParsersAction) -> None:
    vitals = subparsers.add_parser(
        "vitals",
        help="NEWS2 per observation set and the 48 h deterioration risk from a "
        "Time,Parameter,Value CSV (PhysioNet 2012 layout)",
    )
    vitals.add_argument("file", type=Path, help="CSV of Time (HH:MM), Parameter, Value rows")
    vitals.add_argument("--json", type=Path, metavar="OUT", help="also write the JSON to OUT")
    vitals.set_defaults(func=_analyze_vitals)


def summary_lines(result: dict) -> list[str]:
    """What the command prints: NEWS2 latest and worst, the risk and its main drivers."""
    from workstation.vitals.risk import format_probability

    news = result["news2"]
    lines = [f"{result['source']}: {result['observation_sets']} observation sets"]
    for label in ("latest", "worst"):
        c = news[label]
        if c is not None:
            state = c["band"] if c["complete"] else f"incomplete, missing {', '.join(c['missing'])}"
            lines.append(f"NEWS2 {label}: {c['total']} at {c['hours']:.2f} h ({state})")
    risk = result["risk"]
    lines.append(
        f"Risk of in-hospital death (calibrated): {format_probability(risk['probability'])} "
        f"at {risk['at_hours']:g} h"
        + (" - flagged for review" if risk["flagged_for_review"] else "")
        + f"; model {risk['model']['name']} {risk['model']['version']}"
    )
    drivers = result["drivers"]
    lines.append(
        "Drivers (risk change vs. typical values): "
        + ", ".join(f"{d['name']} {d['change']:+.1%}" for d in drivers["variables"][:5])
    )
    lines += [
        f"Change: {c['parameter']} from {c['before']:.3g} to {c['after']:.3g} at {c['hours']:g} h "
        "(flagged for review)"
        for c in result["changes"]
    ]
    lines += result["reader_warnings"]
    lines.append(result["note"])
    return lines


def _analyze_vitals(args: argparse.Namespace) -> int:
    from workstation.errors import VitalsNotAssessable
    from workstation.vitals.assessment import assess
    from workstation.vitals.observations import read_vitals
    from workstation.vitals.risk import RiskModel

    assessment = assess(read_vitals(args.file), RiskModel.load())
    if assessment.risk is None:
        raise VitalsNotAssessable(str(assessment.risk_refusal or "No risk could be given."), "")
    result = assessment.to_json()
    if args.json:
        from workstation.vault.files import create_private_file  # exports are owner-only (0600)

        create_private_file(args.json, (json.dumps(result, indent=1) + "\n").encode())
    print("\n".join(summary_lines(result)))
    return 0
