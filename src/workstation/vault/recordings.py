"""A ``Recording`` as one metadata row plus compressed signal chunks.

Signals are split into chunks of at most ~4 MiB of float32 along time, so a 24-hour EEG stays
far below SQLite's 1 GB blob limit, saving never holds a second full copy in memory, and a
later version can load a time window without reading the whole recording.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import numpy as np

from workstation.recording import Annotation, Modality, Recording
from workstation.vault import arrays

CHUNK_BYTES = 4 << 20
SIGNAL_DTYPE = "<f4"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def metadata_row(recording: Recording) -> dict[str, Any]:
    """Every field of the recording except the samples, in the ``recordings`` table's columns.

    Floats go through JSON as their shortest round-tripping repr, so onsets come back equal.
    """
    return {
        "fs": recording.fs,
        "n_channels": recording.n_channels,
        "n_samples": recording.n_samples,
        "dtype": SIGNAL_DTYPE,
        "channel_names": _dumps(list(recording.channel_names)),
        "units": _dumps(list(recording.units)),
        "modality": str(recording.modality),
        "start_time": None if recording.start_time is None else recording.start_time.isoformat(),
        "annotations": _dumps(
            [[a.onset, a.duration, a.label, a.channel] for a in recording.annotations]
        ),
        "source_name": recording.source_name,
        "source_sha256": recording.source_sha256,
        "source_format": recording.source_format,
        "warnings": _dumps(list(recording.warnings)),
        "metadata": _dumps(dict(recording.metadata)),
    }


def chunks(recording: Recording) -> Iterator[tuple[int, int, bytes]]:
    """(first sample, number of samples, compressed bytes) along time."""
    per_chunk = max(1, CHUNK_BYTES // (4 * recording.n_channels))
    signals = recording.signals.astype(np.dtype(SIGNAL_DTYPE), copy=False)
    for first in range(0, recording.n_samples, per_chunk):
        block = signals[:, first : first + per_chunk]
        yield first, block.shape[1], arrays.compress_block(block)


def assemble(row: Mapping[str, Any], chunk_rows: Iterator[tuple[int, int, bytes]]) -> Recording:
    """The Recording saved as ``row`` and its chunks (first sample, count, bytes)."""
    n_channels, n_samples = int(row["n_channels"]), int(row["n_samples"])
    signals = np.empty((n_channels, n_samples), dtype=np.dtype(row["dtype"]))
    filled = 0
    for first, count, payload in chunk_rows:
        if first != filled:
            raise ValueError(f"signal chunk at sample {first} follows sample {filled}")
        arrays.decompress_into(signals[:, first : first + count], payload)
        filled += count
    if filled != n_samples:
        raise ValueError(f"signal chunks hold {filled} of {n_samples} samples")
    return Recording(
        signals=signals,
        fs=float(row["fs"]),
        channel_names=tuple(json.loads(row["channel_names"])),
        units=tuple(json.loads(row["units"])),
        modality=Modality(row["modality"]),
        start_time=None if row["start_time"] is None else datetime.fromisoformat(row["start_time"]),
        annotations=tuple(
            Annotation(onset, duration, label, channel)
            for onset, duration, label, channel in json.loads(row["annotations"])
        ),
        source_name=row["source_name"],
        source_sha256=row["source_sha256"],
        source_format=row["source_format"],
        warnings=tuple(json.loads(row["warnings"])),
        metadata=json.loads(row["metadata"]),
    )
