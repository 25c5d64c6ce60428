"""`workstation train eeg-seizure` and `workstation train eeg-hms`: reproduce the EEG models."""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

from workstation.training.scratch import with_private_caches

#: One thread (torch and OpenMP): on a shared 2-core PC a second thread made steps 7x slower.
TRAIN_THREADS = 1


def _default_data(name: str) -> Path:
    return Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / name


def add_eeg_train_parsers(subparsers: argparse._SubParsersAction) -> None:
    seizure = subparsers.add_parser(
        "eeg-seizure",
        help="cross-validate and train the single-channel seizure-like-activity detector (Bonn)",
    )
    seizure.add_argument("--data", type=Path, default=_default_data("bonn-eeg"))
    seizure.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    seizure.add_argument("--epochs", type=int, default=12)
    seizure.add_argument("--seed", type=int, default=0)
    seizure.add_argument("--per-set", type=int, help="use only the first N segments per set")
    seizure.add_argument("--max-steps", type=int, help="stop each training after N steps")
    seizure.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    seizure.add_argument("--metrics-out", type=Path, help="also write the metrics JSON here")
    seizure.set_defaults(func=with_private_caches(_train_seizure))

    hms = subparsers.add_parser(
        "eeg-hms",
        help="train the six-class HMS model (seizure, LPD, GPD, LRDA, GRDA, other) and export it",
    )
    hms.add_argument("--data", type=Path, required=True, help="folder with train.csv, train_eegs/")
    hms.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    hms.add_argument("--epochs", type=int, default=10)
    hms.add_argument("--seed", type=int, default=0)
    hms.add_argument("--max-rows", type=int, help="use only the first N labelled windows")
    hms.add_argument("--max-steps", type=int, help="stop training after N steps")
    hms.set_defaults(func=with_private_caches(_train_hms))


def _train_seizure(args: argparse.Namespace) -> int:
    import torch
    from threadpoolctl import threadpool_limits

    from workstation.training.eeg_bonn import load_bonn_windows
    from workstation.training.eeg_export import export_onnx, write_card
    from workstation.training.eeg_seizure_card import MODEL_NAME, seizure_card
    from workstation.training.eeg_seizure_train import TrainSettings, evaluate, train_cnn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(TRAIN_THREADS)
    started = time.perf_counter()
    settings = TrainSettings(
        epochs=args.epochs, seed=args.seed, max_steps=args.max_steps, folds=args.folds
    )
    data = load_bonn_windows(args.data, per_set=args.per_set)
    with threadpool_limits(TRAIN_THREADS):
        metrics = evaluate(data, settings)
        model = train_cnn(data.windows, data.labels, standardised=True, settings=settings)
    example = (torch.from_numpy(data.windows[:2]).unsqueeze(1),)
    onnx_path = export_onnx(
        model,
        example,
        args.out / f"{MODEL_NAME}.onnx",
        ["eeg"],
        ["probability"],
        {"eeg": {0: "batch"}, "probability": {0: "batch"}},
    )
    command = f"workstation train eeg-seizure --epochs {args.epochs} --seed {args.seed}"
    if args.per_set or args.max_steps or args.folds != 5:
        command += f" --per-set {args.per_set} --max-steps {args.max_steps} --folds {args.folds}"
    training = {
        "command": command,
        "epochs": settings.epochs,
        "seed": settings.seed,
        "threads": TRAIN_THREADS,
        "seconds": round(time.perf_counter() - started),
        "folds": settings.folds,
        "segments": int(len(set(data.groups.tolist()))),
        "windows": int(len(data.labels)),
    }
    card_path = write_card(onnx_path, seizure_card(metrics, training))
    report = {"metrics": metrics, "training": training, "model": str(onnx_path)}
    if args.metrics_out:
        args.metrics_out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"wrote {onnx_path} and {card_path}")
    return 0


def _train_hms(args: argparse.Namespace) -> int:
    import torch

    from workstation.eeg.hms import MODEL_NAME
    from workstation.training.eeg_export import export_onnx, write_card
    from workstation.training.eeg_hms_card import hms_card
    from workstation.training.eeg_hms_data import load_hms, patient_split
    from workstation.training.eeg_hms_train import HmsSettings, evaluate_hms, train_hms

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(TRAIN_THREADS)
    started = time.perf_counter()
    settings = HmsSettings(epochs=args.epochs, seed=args.seed, max_steps=args.max_steps)
    data = load_hms(args.data, max_rows=args.max_rows)
    train_index, val_index = patient_split(data.patients, seed=args.seed)
    train, validation = data.subset(train_index), data.subset(val_index)
    model = train_hms(train, settings)
    metrics = evaluate_hms(model, train, validation)
    example = (torch.from_numpy(data.raw[:2]), torch.from_numpy(data.spectrograms[:2]))
    onnx_path = export_onnx(
        model,
        example,
        args.out / f"{MODEL_NAME}.onnx",
        ["raw", "spectrograms"],
        ["probabilities"],
        {"raw": {0: "batch"}, "spectrograms": {0: "batch"}, "probabilities": {0: "batch"}},
    )
    training = {
        "command": f"workstation train eeg-hms --data {args.data.name} --epochs {args.epochs}",
        "seed": args.seed,
        "threads": TRAIN_THREADS,
        "seconds": round(time.perf_counter() - started),
    }
    card_path = write_card(onnx_path, hms_card(args.data, metrics, training))
    print(json.dumps({"metrics": metrics, "training": training}, indent=2))
    print(f"wrote {onnx_path} and {card_path}")
    return 0
