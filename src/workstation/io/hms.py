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
from workstation.io.plausibility import checked
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
    """One HMS EEG parquet as a Recording (µV, 200 Hz, channel names as in the file).

    Every channel column must hold floating-point numbers (float16/32/64). The HMS files are
    float32 throughout, so anything else means the file was altered on the way and is refused,
    naming the column and what it holds:

    * text, lists, structs, dates/times, true/false, raw bytes: not a signal at all.
    * whole numbers (integer columns) are refused too. An HMS file cannot hold them, and an
      integer column is most likely ADC counts or a rounded re-export whose scale to µV is
      unknown; reading it as µV would show a plausible-looking but wrongly scaled EEG.
    * decimal columns are refused for the same reason (not what the data set ships).

    Missing values keep the workstation's gap convention: NaN samples and empty (null) cells
    are read as NaN, i.e. a gap. Infinite values are never a gap and are refused, naming the
    column (as the Recording model refuses them everywhere).
    """
    path = Path(path)
    pa = _pyarrow("lib")
    pq = _pyarrow("parquet")
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _not_parquet(path) from exc
    with parquet:
        table = _channel_table(path, parquet, pa)
    signals = np.stack([_channel_values(path, table, c) for c in HMS_CHANNELS])
    recording = Recording(
        signals=signals,
        fs=HMS_FS_HZ,
        channel_names=HMS_CHANNELS,
        units=("uV",) * len(HMS_CHANNELS),
        modality=Modality.EEG,
        source_name=path.name,
        source_sha256=sha256_of_files([path]),
        source_format="HMS parquet",
    )
    return checked(recording, str(path))


def _channel_table(path: Path, parquet: object, pa: ModuleType) -> object:
    """The 20 channel columns, after checking from the schema that each is there once."""
    try:
        names = parquet.schema_arrow.names  # type: ignore[attr-defined]
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _not_parquet(path) from exc
    missing = [c for c in HMS_CHANNELS if c not in names]
    if missing:
        raise InvalidRecording(
            path,
            f"it lacks the HMS channel column(s) {', '.join(missing)}.",
            "Use the EEG parquet files of the HMS data set unchanged.",
        )
    repeated = [c for c in HMS_CHANNELS if names.count(c) > 1]
    if repeated:
        raise InvalidRecording(
            path,
            f"the channel column(s) {', '.join(repeated)} appear more than once.",
            "Use the EEG parquet files of the HMS data set unchanged.",
        )
    try:
        return parquet.read(columns=list(HMS_CHANNELS))  # type: ignore[attr-defined]
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _not_parquet(path) from exc


def _not_parquet(path: Path) -> InvalidRecording:
    """pyarrow's own words name its internals (thrift, TProtocolException) and temp paths."""
    return InvalidRecording(
        path, "it is not a readable parquet file: it is damaged, truncated or not parquet."
    )


def _describe_type(arrow_type: object) -> str:
    """What a non-float parquet column holds, in plain words, with the stored type after it."""
    types = _pyarrow("types")
    checks = (
        (types.is_integer, "whole numbers"),
        (types.is_boolean, "true/false values"),
        (lambda t: types.is_string(t) or types.is_large_string(t), "text"),
        (lambda t: types.is_binary(t) or types.is_large_binary(t), "raw bytes"),
        (types.is_fixed_size_binary, "raw bytes"),
        (lambda t: types.is_list(t) or types.is_large_list(t), "lists of values"),
        (types.is_fixed_size_list, "lists of values"),
        (types.is_struct, "records of several fields"),
        (types.is_map, "key-value maps"),
        (types.is_timestamp, "dates and times"),
        (types.is_date, "dates"),
        (types.is_time, "times of day"),
        (types.is_duration, "time spans"),
        (types.is_decimal, "decimal numbers"),
        (types.is_dictionary, "categories"),
        (types.is_null, "no values at all"),
    )
    for check, words in checks:
        try:
            if check(arrow_type):
                return f"{words} ({arrow_type})"
        except (TypeError, AttributeError):  # a predicate missing from this pyarrow version
            continue
    return f"values of type {arrow_type}"


def _channel_values(path: Path, table: object, name: str) -> np.ndarray:
    """One channel column as float32 µV; nulls and NaN become gaps (NaN), the rest refused."""
    types = _pyarrow("types")
    column = table.column(name)  # type: ignore[attr-defined]
    if not types.is_floating(column.type):
        raise InvalidRecording(
            path,
            f"the channel column '{name}' holds {_describe_type(column.type)}, not "
            "floating-point samples in µV as every HMS EEG file does.",
            "Use the EEG parquet files of the HMS data set unchanged; if the file was "
            "converted, store each channel as float32 microvolts.",
        )
    with np.errstate(over="ignore", invalid="ignore"):
        values = column.to_numpy(zero_copy_only=False).astype(np.float32)
    if np.isinf(values).any():
        raise InvalidRecording(
            path,
            f"the channel column '{name}' contains infinite values (or values too large for "
            "an EEG in µV).",
        )
    return values


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
