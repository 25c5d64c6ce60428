"""LUDB loaded as model inputs, per-sample targets and loss weights, one row per lead."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workstation.ecg.preprocess import model_input
from workstation.ecg.reference import lead_references, span_weight, target_mask
from workstation.errors import InvalidRecording
from workstation.io import read_recording


@dataclass(frozen=True)
class LeadArrays:
    """Stacked leads: inputs (n, samples) float32, targets (n, samples) int64, weights."""

    inputs: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    record_ids: np.ndarray


def record_path(ludb_dir: Path, record_id: int) -> Path:
    """LUDB ships records as data/<id>.hea; accept the dataset root or its data folder."""
    data = ludb_dir / "data" if (ludb_dir / "data").is_dir() else ludb_dir
    return data / f"{record_id}.hea"


def load_leads(ludb_dir: Path, record_ids: list[int]) -> LeadArrays:
    """Preprocess every annotated lead of the given records exactly as inference will."""
    inputs, targets, weights, ids = [], [], [], []
    for rid in record_ids:
        recording = read_recording(record_path(ludb_dir, rid))
        if recording.fs != 500:
            raise InvalidRecording(record_path(ludb_dir, rid), "LUDB records must be 500 Hz.")
        x = model_input(recording.signals, recording.fs)
        refs = lead_references(recording)
        for i, lead in enumerate(recording.channel_names):
            if lead not in refs:
                continue
            inputs.append(x[i])
            targets.append(target_mask(refs[lead], x.shape[-1]))
            weights.append(span_weight(refs[lead], x.shape[-1]))
            ids.append(rid)
    return LeadArrays(
        np.stack(inputs), np.stack(targets), np.stack(weights), np.asarray(ids, dtype=np.int64)
    )
