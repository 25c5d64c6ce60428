"""`workstation train vitals-risk`: cross-validate, compare and export the vitals risk model."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_vitals_risk_parser(subparsers: argparse._SubParsersAction) -> None:
    risk = subparsers.add_parser(
        "vitals-risk",
        help="compare gradient boosting and a GRU on PhysioNet 2012 set A (5-fold CV), "
        "export the better as models/vitals-risk.onnx with its card",
    )
    default = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "physionet2012-a"
    risk.add_argument("--data", type=Path, default=default, help="the physionet2012-a folder")
    risk.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    risk.add_argument(
        "--no-gru", action="store_true", help="skip the GRU comparison (trees only, faster)"
    )
    risk.set_defaults(func=_train_vitals_risk)


def _train_vitals_risk(args: argparse.Namespace) -> int:
    os.environ["OMP_NUM_THREADS"] = "1"  # one thread: reproducible, and fair on a shared PC
    from workstation.training.vitals_risk import train_vitals_risk

    card = train_vitals_risk(args.data, args.out, with_gru=not args.no_gru)
    shipped = card["metrics"]["shipped"]
    print(
        f"wrote {args.out / 'vitals-risk.onnx'} and its card: {card['metrics']['shipped_variant']}"
        f", out-of-fold AUROC {shipped['auroc']} {shipped['auroc_ci95']}, event-1 "
        f"{shipped['event1']} {shipped['event1_ci95']}"
    )
    return 0
