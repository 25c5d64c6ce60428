"""`workstation train ecg-segmentation`: reproduce the committed segmentation model."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

TRAIN_THREADS = 2


def add_train_parser(subparsers: argparse._SubParsersAction) -> None:
    seg = subparsers.add_parser(
        "ecg-segmentation", help="train the ECG segmentation U-Net on LUDB and export it"
    )
    default_data = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "ludb"
    seg.add_argument("--data", type=Path, default=default_data, help="LUDB folder")
    seg.add_argument("--epochs", type=int, default=30)
    seg.add_argument("--seed", type=int, default=6)
    seg.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    seg.set_defaults(func=_train_segmentation)


def _train_segmentation(args: argparse.Namespace) -> int:
    import torch

    from workstation.training.card import segmentation_card, write_card
    from workstation.training.export import export_onnx
    from workstation.training.segmentation import train_segmentation

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(TRAIN_THREADS)
    result = train_segmentation(args.data, epochs=args.epochs, seed=args.seed)
    onnx_path = export_onnx(result.model, args.out / "ecg-segmentation.onnx")
    training = {
        "command": f"workstation train ecg-segmentation --epochs {args.epochs} --seed {args.seed}",
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
