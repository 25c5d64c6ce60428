"""The model card of a six-class HMS model, stating exactly which data it learnt from."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from workstation.eeg.hms import HMS_BAND_HZ, MODEL_NAME, RAW_SCALE_UV, expected_shapes
from workstation.io.hms import HMS_CLASSES, HMS_FS_HZ, HMS_WINDOW_S


def hms_card(data_dir: Path, metrics: dict[str, Any], training: dict[str, Any]) -> dict:
    raw_shape, spec_shape = expected_shapes()
    return {
        "name": MODEL_NAME,
        "version": "0.1.0",
        "created": date.today().isoformat(),
        "task": "distribution over six patterns of harmful brain activity in 50 s of EEG "
        "(Kaggle HMS classes)",
        "intended_use": "For clinical review, not diagnosis: a second reader's opinion on "
        "seizure, LPD, GPD, LRDA, GRDA or other, to be checked against the traces.",
        "architecture": "1-D CNN + bidirectional GRU on 16 bipolar chain derivations, 2-D CNN "
        "on the LL/LP/RP/RR spectrograms, fused; trained with KL divergence to the votes",
        "inputs": {
            "raw": f"float32 (batch, {raw_shape[0]}, {raw_shape[1]}): double-banana chains "
            f"LL, LP, RP, RR, {HMS_WINDOW_S:g} s at {HMS_FS_HZ:g} Hz, band-pass "
            f"{HMS_BAND_HZ[0]}-{HMS_BAND_HZ[1]} Hz, divided by {RAW_SCALE_UV:g} µV",
            "spectrograms": f"float32 (batch, {spec_shape[0]}, {spec_shape[1]}, "
            f"{spec_shape[2]}): log10 regional spectrograms (0-25 Hz, 2 s), standardised",
        },
        "outputs": {"probabilities": "float32 (batch, 6): softmax over classes"},
        "classes": list(HMS_CLASSES),
        "training_data": {
            "folder": Path(data_dir).name,
            "layout": "Kaggle HMS: train.csv (vote counts per 50 s window) + train_eegs/",
            "split": "train/validation 80/20 grouped by patient_id",
        },
        "metrics": {"protocol": "mean KL(votes ‖ prediction) on validation windows", **metrics},
        "training": training,
    }
