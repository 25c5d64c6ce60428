"""`workstation train ecg-segmentation` and `ecg-abnormality`: reproduce the ECG models."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from workstation.training.scratch import with_private_caches

TRAIN_THREADS = 2


def add_train_parser(subparsers: argparse._SubParsersAction) -> None:
    seg = subparsers.add_parser(
        "ecg-segmentation", help="train the ECG segmentation U-Net on LUDB and export it"
    )
    default_data = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "ludb"
    seg.add_argument("--data", type=Path, default=default_data, help="LUDB folder")
    seg.add_argument("--epochs", type=int, default=300)
    seg.add_argument("--seed", type=int, default=6)
    seg.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    seg.set_defaults(func=with_private_caches(_train_segmentation))

    score = subparsers.add_parser(
        "ecg-abnormality", help="train the normal/abnormal ECG score on LUDB measurements"
    )
    score.add_argument("--data", type=Path, default=default_data, help="LUDB folder")
    score.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    score.set_defaults(func=with_private_caches(_train_abnormality))
    from workstation.training.vitals_cli import add_vitals_risk_parser

    add_vitals_risk_parser(subparsers)


def _train_segmentation(args: argparse.Namespace) -> int:
    import torch

    from workstation.training.card import segmentation_card, write_card
    from workstation.training.export import export_onnx
    from workstation.training.segmentation import train_segmentation

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(TRAIN_THREADS)
    result = train_segmentation(args.data, epochs=args.epochs, seed=args.seed)
    onnx_path = export_onnx(result.model, args.out / "ecg-segmentation.onnx")
    command = f"workstation train ecg-segmentation --epochs {args.epochs} --seed {args.seed}"
    training = {
        "command": command,
        "epochs": result.epochs,
        "best_epoch": result.best_epoch,
        "validation_loss": round(result.validation_loss, 4),
        "seed": result.seed,
        "seconds": round(result.seconds),
        "threads": TRAIN_THREADS,
    }
    card = write_card(onnx_path, segmentation_card(onnx_path, args.data, training))
    print(f"wrote {onnx_path} and {card}")
    return 0


def _train_abnormality(args: argparse.Namespace) -> int:
    from workstation.training.abnormality_calibration import train_abnormality

    onnx_path, card, summary = train_abnormality(args.data, args.out)
    print(
        f"wrote {onnx_path} and {card}: CV AUC {summary['auc']}, nested Brier "
        f"{summary['brier']} {summary['brier_ci95']}"
    )
    return 0
