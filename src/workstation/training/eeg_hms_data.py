"""HMS training windows: the labelled 50 s windows of a directory in the Kaggle layout.

``DIR/train.csv`` lists the windows and their votes, ``DIR/train_eegs/<eeg_id>.parquet``
holds the EEGs. Each EEG is read once however many windows point into it. Windows are split
into train and validation BY PATIENT, because the competition's windows of one patient
(often overlapping) are near copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupShuffleSplit

from workstation.eeg.hms import hms_inputs
from workstation.io.hms import hms_window, read_hms_eeg, read_hms_labels


@dataclass(frozen=True)
class HmsDataset:
    raw: np.ndarray
    spectrograms: np.ndarray
    targets: np.ndarray
    patients: np.ndarray

    def subset(self, index: np.ndarray) -> HmsDataset:
        return HmsDataset(
            self.raw[index], self.spectrograms[index], self.targets[index], self.patients[index]
        )


def load_hms(data_dir: Path, max_rows: int | None = None) -> HmsDataset:
    """Inputs and vote distributions of the first ``max_rows`` labelled windows (all if None)."""
    labels = read_hms_labels(Path(data_dir) / "train.csv")[:max_rows]
    raw, spectrograms, targets, patients = [], [], [], []
    for eeg_id, rows in groupby(sorted(labels, key=lambda r: r.eeg_id), key=lambda r: r.eeg_id):
        recording = read_hms_eeg(Path(data_dir) / "train_eegs" / f"{eeg_id}.parquet")
        for label in rows:
            inputs = hms_inputs(hms_window(recording, label.offset_s))
            raw.append(inputs.raw)
            spectrograms.append(inputs.spectrograms)
            targets.append(label.distribution)
            patients.append(label.patient_id)
    return HmsDataset(
        raw=np.stack(raw),
        spectrograms=np.stack(spectrograms),
        targets=np.asarray(targets, dtype=np.float32),
        patients=np.asarray(patients),
    )


def patient_split(
    patients: np.ndarray, validation: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) indices with no patient on both sides."""
    splitter = GroupShuffleSplit(n_splits=1, test_size=validation, random_state=seed)
    train, val = next(splitter.split(np.zeros(len(patients)), groups=patients))
    return train, val
