"""Model cards: what a model does, what it learnt from, how well it did, and its sha256."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from workstation.ecg.model_delineator import lead_alone_boundaries, model_boundaries
from workstation.ecg.scoring import score_records, summarize
from workstation.ecg.waves import CLASSES
from workstation.inference.registry import LoadedModel, sha256_of
from workstation.inference.sessions import create_session
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.split import SPLIT_PATH, load_split

LUDB = {
    "name": "Lobachevsky University Electrocardiography Database (LUDB)",
    "version": "1.0.1",
    "license": "ODC-By 1.0",
    "citation": "Kalyakulina AI, Yusipov II, Moskalenko VA, et al. LUDB: a new open-access "
    "validation tool for electrocardiogram delineation algorithms. IEEE Access 2020;8:186181. "
    "doi:10.13026/eegm-h675",
}


def test_metrics(onnx_path: Path, ludb_dir: Path, lead_alone: bool = False) -> dict[str, Any]:
    """Scores on the held-out test records with bootstrap 95% CIs over records: of the
    delineator as the app runs it (P waves agreed across leads), or with ``lead_alone`` of
    the model reading each lead on its own."""
    data = onnx_path.read_bytes()
    model = LoadedModel(onnx_path.stem, {}, create_session(data), sha256_of(data))
    ids = load_split()["test"]
    recordings = ((rid, read_recording(record_path(ludb_dir, rid))) for rid in ids)
    detect = lead_alone_boundaries if lead_alone else model_boundaries
    per_record, _ = score_records(recordings, lambda r: detect(model, r))
    return summarize(per_record)


def segmentation_card(onnx_path: Path, ludb_dir: Path, training: dict[str, Any]) -> dict:
    split = load_split()
    return {
        "name": onnx_path.stem,
        "version": "2.1.0",
        "created": date.today().isoformat(),
        "task": "ECG wave segmentation: label every sample of every lead as none, P, QRS or T, "
        "reading all the recording's leads together",
        "architecture": "1-D lead-set U-Net, 4 levels, widths 8-32, runs at 250 Hz inside; the "
        "same convolutions for every lead, joined at every level with the mean of all leads' "
        "features, so it reads 1 to 15 leads in any order",
        "inputs": {
            "ecg": "float32 (batch, leads, length): one recording's simultaneous leads at 500 "
            "Hz, 0.5-40 Hz band-pass, mains notch, each standardised (zero median, unit SD); "
            "length a multiple of 32"
        },
        "outputs": {"logits": "float32 (batch, leads, 4, length): class scores per sample"},
        "classes": list(CLASSES),
        "training_data": {
            **LUDB,
            "split": {
                "file": SPLIT_PATH.name,
                "seed": split["seed"],
                "train_records": len(split["train"]),
                "validation_records": len(split["validation"]),
                "test_records": len(split["test"]),
                "note": "one record per patient; test records never used for training or model "
                "choice; loss only inside each lead's annotated span",
            },
            "augmentation": "half the crops re-timed beat by beat, one map for all leads (PR "
            "segment x1-3, TP segment x0.2-1; training.beat_warp), so that PR intervals up to "
            "~400 ms and P waves right after the T wave are seen; gain, baseline drift and "
            "noise drawn per lead",
        },
        "training": training,
        "metrics": {
            "protocol": "Moskalenko et al. 2019: onsets/offsets matched within ±150 ms, "
            "annotated span only; 95% CI bootstrap (1000) over test records. 'test': the "
            "delineator as the app runs it (all leads read together, then P waves agreed across "
            "the leads, ecg.delineation.harmonise_p); 'test_lead_alone': each lead given to "
            "the model as a one-lead recording, without the agreement step",
            "test": test_metrics(onnx_path, ludb_dir),
            "test_lead_alone": test_metrics(onnx_path, ludb_dir, lead_alone=True),
        },
        "intended_use": "For clinical review, not diagnosis. Resting 12-lead ECG of adults.",
        "limitations": "Trained on 130 LUDB records (one centre, 500 Hz, 10 s, 12 leads; fewer "
        "leads by leaving leads out at random); paced rhythms and atrial fibrillation are "
        "rare in training data. On constructed 12-lead ECGs a PR of 240-320 ms is measured "
        "within 10 ms, a PR of 360 ms is not found; P waves merged into the T wave at rates "
        "above ~130/min are not found.",
        "sha256": sha256_of(onnx_path.read_bytes()),
    }


def write_card(onnx_path: Path, card: dict) -> Path:
    path = onnx_path.with_suffix(".json")
    path.write_text(json.dumps(card, indent=1) + "\n")
    return path


def abnormality_card(onnx_path: Path, metrics: dict[str, Any], medians: list[float]) -> dict:
    from workstation.ecg.features import FEATURES

    return {
        "name": onnx_path.stem,
        "version": "1.0.0",
        "created": date.today().isoformat(),
        "task": "Resting 12-lead ECG: probability of any abnormality vs a normal ECG",
        "architecture": "scikit-learn GradientBoostingClassifier (150 trees, depth 2), skl2onnx",
        "inputs": {"features": f"float32 (batch, {len(FEATURES)}): see 'features'"},
        "outputs": {
            "label": "int64 (batch,)",
            "probabilities": "float32 (batch, 2): normal, abnormal",
        },
        "classes": ["normal", "abnormal"],
        "features": list(FEATURES),
        "feature_medians": [round(float(m), 4) for m in medians],
        "threshold": metrics["threshold"],
        "training_data": {
            **LUDB,
            "split": "all 200 records, cross-validated",
            "labels": "normal = sinus rhythm, no conduction, hypertrophy, "
            "ischaemia, pacing, extrasystole or repolarisation finding, no axis "
            "deviation (23 of 200)",
        },
        "metrics": {"cross_validation": metrics},
        "intended_use": "For clinical review, not diagnosis: prioritises ECGs for reading.",
        "limitations": "Only 23 normal ECGs to learn from; measurements come from the "
        "segmentation model, which saw 150 of these records in training/validation.",
        "sha256": sha256_of(onnx_path.read_bytes()),
    }
