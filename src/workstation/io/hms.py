"""Reader for the Kaggle HMS (Harmful Brain Activity Classification) layout.

The competition ships one parquet per EEG (``train_eegs/<eeg_id>.parquet``: one column per
channel, 200 Hz, µV, 19 scalp electrodes in the classic 10-20 names plus EKG) and a
``train.csv`` whose rows each point at a 50 s window of one EEG (``eeg_label_offset_seconds``)
and carry the votes of several experts over six classes. The votes are kept as counts: the
*distribution* of expert opinion is the target, not a single label.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from workstation.errors import ComponentNotInstalled, InvalidRecording
from workstation.recording import Modality, Recording, sha256_of_files

HMS_FS_HZ = 200.0
HMS_WINDOW_S = 50.0
HMS_CHANNELS = (
    "Fp1", "F3", "C3", "P3", "F7", "T3", "T5", "O1", "Fz", "Cz",
    "Pz", "Fp2", "F4", "C4", "P4", "F8", "T4", "T6", "O2", "EKG",
)  # fmt: skip
HMS_CLASSES = ("seizure", "lpd", "gpd", "lrda", "grda", "other")
VOTE_COLUMNS = tuple(f"{c}_vote" for c in HMS_CLASSES)


def _pyarrow(module: str) -> ModuleType:
    """pyarrow.<module>, imported on first use: the ward bundle leaves pyarrow out."""
    try:
        return importlib.import_module(f"pyarrow.{module}")
    except ImportError as exc:
        raise ComponentNotInstalled("Reading Kaggle HMS files", "pyarrow") from exc


@dataclass(frozen=True, slots=True)
class HmsLabel:
    """One labelled 50 s window: where it is and how the experts voted."""

    eeg_id: int
    offset_s: float
    patient_id: int
    votes: tuple[int, ...]

    @property
    def distribution(self) -> np.ndarray:
        """Votes as probabilities over HMS_CLASSES (the training target)."""
        votes = np.asarray(self.votes, dtype=np.float64)
        return votes / votes.sum()


def read_hms_eeg(path: Path) -> Recording:
    """One HMS EEG parquet as a Recording (µV, 200 Hz, channel names as in the file)."""
    path = Path(path)
    pq = _pyarrow("parquet")
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise InvalidRecording(path, f"it is not a readable parquet file ({exc}).") from exc
    missing = [c for c in HMS_CHANNELS if c not in table.column_names]
    if missing:
        raise InvalidRecording(
            path,
            f"it lacks the HMS channel column(s) {', '.join(missing)}.",
            "Use the EEG parquet files of the HMS data set unchanged.",
        )
    signals = np.stack(
        [table.column(c).to_numpy(zero_copy_only=False).astype(np.float32) for c in HMS_CHANNELS]
    )
    return Recording(
        signals=signals,
        fs=HMS_FS_HZ,
        channel_names=HMS_CHANNELS,
        units=("uV",) * len(HMS_CHANNELS),
        modality=Modality.EEG,
        source_name=path.name,
        source_sha256=sha256_of_files([path]),
        source_format="HMS parquet",
    )


def hms_window(recording: Recording, offset_s: float) -> Recording:
    """The labelled 50 s window starting at ``offset_s`` (the label's time reference)."""
    if offset_s + HMS_WINDOW_S > recording.duration + 1e-6:
        raise InvalidRecording(
            recording.source_name or None,
            f"the labelled window {offset_s:g}-{offset_s + HMS_WINDOW_S:g} s lies beyond the "
            f"end of the {recording.duration:g} s recording.",
            "Check that train.csv belongs to these EEG files.",
        )
    return recording.slice_time(offset_s, offset_s + HMS_WINDOW_S)


def read_hms_labels(csv_path: Path) -> list[HmsLabel]:
    """Rows of a train.csv-style file; rows without any vote are refused, not skipped."""
    csv_path = Path(csv_path)
    table = _pyarrow("csv").read_csv(csv_path)
    needed = ("eeg_id", "eeg_label_offset_seconds", "patient_id", *VOTE_COLUMNS)
    missing = [c for c in needed if c not in table.column_names]
    if missing:
        raise InvalidRecording(
            csv_path,
            f"it lacks the column(s) {', '.join(missing)}.",
            "Use the train.csv of the HMS data set, or a file with the same columns.",
        )
    columns = {c: table.column(c).to_pylist() for c in needed}
    labels = []
    for row in range(table.num_rows):
        votes = tuple(int(columns[c][row]) for c in VOTE_COLUMNS)
        if sum(votes) <= 0:
            raise InvalidRecording(csv_path, f"row {row + 2} has no expert vote.")
        labels.append(
            HmsLabel(
                eeg_id=int(columns["eeg_id"][row]),
                offset_s=float(columns["eeg_label_offset_seconds"][row]),
                patient_id=int(columns["patient_id"][row]),
                votes=votes,
            )
        )
    return labels
