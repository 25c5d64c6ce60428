"""A tiny data set in the Kaggle HMS layout, with a pattern per class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from workstation.io.hms import HMS_CHANNELS, HMS_CLASSES, VOTE_COLUMNS

LEFT = {"Fp1", "F3", "C3", "P3", "F7", "T3", "T5", "O1"}


def _pattern(cls: str, t: np.ndarray, channel: str) -> np.ndarray:
    periodic = (np.mod(t, 1.0) < 0.08) * 120.0
    if cls == "seizure":
        return 100 * np.sin(2 * np.pi * 3 * t) * np.clip(t / 50, 0, 1)
    if cls == "lpd":
        return periodic if channel in LEFT else 0 * t
    if cls == "gpd":
        return periodic
    if cls == "lrda":
        return 80 * np.sin(2 * np.pi * 1.5 * t) if channel in LEFT else 0 * t
    if cls == "grda":
        return 80 * np.sin(2 * np.pi * 1.5 * t)
    return 0 * t


def write_hms_dataset(root: Path, per_class: int = 3, seconds: int = 60, seed: int = 0) -> Path:
    """``root/train.csv`` and ``root/train_eegs/*.parquet``; one EEG per labelled window."""
    rng = np.random.default_rng(seed)
    (root / "train_eegs").mkdir(parents=True)
    t = np.arange(int(seconds * 200)) / 200.0
    rows = []
    eeg_id = 1000
    for k, cls in enumerate(HMS_CLASSES):
        for i in range(per_class):
            columns = {
                ch: (rng.normal(0, 15, t.size) + _pattern(cls, t, ch)).astype(np.float32)
                for ch in HMS_CHANNELS
            }
            columns["EKG"] = (200 * (np.mod(t, 0.8) < 0.02)).astype(np.float32)
            pq.write_table(pa.table(columns), root / "train_eegs" / f"{eeg_id}.parquet")
            votes = rng.integers(0, 2, len(HMS_CLASSES))
            votes[k] += 3
            offset = float(rng.integers(0, seconds - 50))
            rows.append((eeg_id, offset, 100 + (k * per_class + i) % 7, *votes))
            eeg_id += 1
    header = "eeg_id,eeg_label_offset_seconds,patient_id," + ",".join(VOTE_COLUMNS)
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    (root / "train.csv").write_text("\n".join(lines) + "\n")
    return root
