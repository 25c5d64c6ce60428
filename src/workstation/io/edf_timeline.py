"""Where each EDF+ data record lies in time, from its time-keeping annotation (EDF+D).

An EDF+D file stores only the records that were recorded; each says in its time-keeping
annotation when it starts. The reader places the samples on that true time axis with NaN
between the records, so a gap stays a gap and annotations stay on their data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import edfio
import numpy as np

from workstation.errors import InvalidRecording
from workstation.io.edf_header import SignalHeader, int_field

#: The longest time span an EDF+D file may cover, first record's start to last record's end.
MAX_SPAN_HOURS = 72.0
#: The most memory the NaN-padded signals of an EDF+D file may take (float32).
_MAX_DISCONTINUOUS_BYTES = 16 * 2**30
#: The time-keeping TAL that opens each data record of the first annotation signal.
_TIMEKEEPING_TAL = re.compile(rb"\A([+-]\d+(?:\.\d*)?)(?:\x15[^\x14]*)?\x14")


@dataclass(frozen=True, slots=True)
class Timeline:
    """Where each data record's first sample lies on the recording's sample axis."""

    starts: np.ndarray  # int64, one per data record
    n_samples: int
    warnings: tuple[str, ...]


def timeline(
    source: Path | bytes,
    header: bytes,
    headers: list[SignalHeader],
    edf: edfio.Edf,
    kept: list,
    sample_bytes: int,
    name: str,
) -> Timeline | None:
    """Where each data record lies in time, from its time-keeping annotation.

    EDF+, and also a plain EDF that carries an annotation signal: edfio reads its annotations
    either way, so they must land on the same time axis as the samples. None when the records
    are back to back (the common case), so nothing extra is allocated. Times are relative to
    the first record's onset, as edfio's start time and annotation onsets are.
    """
    version = header[192:236].decode("ascii", errors="replace").strip()
    plus = version.startswith(("EDF+", "BDF+"))
    discontinuous = version.startswith(("EDF+D", "BDF+D"))
    records = int(edf.num_data_records)
    record_duration = float(edf.data_record_duration)
    timekeeping = next((i for i, h in enumerate(headers) if h.is_annotation), None)
    if timekeeping is None:
        if discontinuous:
            raise InvalidRecording(
                name,
                "the header marks the recording as discontinuous (EDF+D) but it has no "
                "time-keeping annotations, so when each data record was recorded is unknown.",
            )
        return None
    if records <= 1 or record_duration <= 0:
        return None
    onsets = _record_onsets(source, header, headers, timekeeping, records, sample_bytes, name)
    fs = float(kept[0].sampling_frequency)
    spr = int(kept[0].samples_per_data_record)
    exact = (onsets - onsets[0]) * fs
    starts = np.round(exact).astype(np.int64)
    ends = starts + spr
    bad = np.flatnonzero(starts[1:] < ends[:-1])
    if bad.size:
        i = int(bad[0]) + 1
        raise InvalidRecording(
            name,
            f"data record {i + 1} starts at {onsets[i]:g} s, before the previous record ends "
            f"({onsets[i - 1] + record_duration:g} s): the time-keeping annotations go "
            "backwards or overlap, so the samples cannot be placed in time.",
        )
    if not np.any(starts[1:] != ends[:-1]):
        return None
    n_samples = int(ends[-1])
    span_s = n_samples / fs
    if span_s > MAX_SPAN_HOURS * 3600:
        raise InvalidRecording(
            name,
            f"the data records span {span_s / 3600:.1f} hours from first to last, more than the "
            f"{MAX_SPAN_HOURS:g} hours a recording may cover: the time-keeping annotations "
            "are implausible.",
        )
    if n_samples * len(kept) * 4 > _MAX_DISCONTINUOUS_BYTES:
        raise InvalidRecording(
            name,
            f"placing the data records in time would take {n_samples * len(kept) * 4 / 2**30:.0f}"
            " GiB of memory, more than the workstation allows for one recording.",
            "Split the recording into shorter files and open them one at a time.",
        )
    gaps = starts[1:] - ends[:-1]
    n_gaps = int(np.count_nonzero(gaps))
    missing_s = float(gaps.sum()) / fs
    kind = version[:5] if plus else ("BDF" if sample_bytes == 3 else "EDF")
    notes = [
        f"{kind}: the recording is discontinuous; "
        f"{n_gaps} gap{'s' if n_gaps != 1 else ''} ({missing_s:.1f} s in all) "
        f"{'are' if n_gaps != 1 else 'is'} shown as missing data."
    ]
    if not discontinuous:
        notes[0] += f" The header says continuous ({kind}) but its time-keeping annotations do not."
    shift = float(np.max(np.abs(exact - starts)))
    if shift > 0.01:
        notes.append(
            f"data record onsets were aligned to the nearest sample (shifted by up to "
            f"{shift / fs * 1000:.2g} ms)."
        )
    return Timeline(starts=starts, n_samples=n_samples, warnings=tuple(notes))


def _record_onsets(
    source: Path | bytes,
    header: bytes,
    headers: list[SignalHeader],
    timekeeping: int,
    records: int,
    sample_bytes: int,
    name: str,
) -> np.ndarray:
    """The onset (s, from the header's start time) in each data record's time-keeping TAL."""
    header_bytes = int_field(header[184:192], "header size", name)
    record_bytes = sum(h.samples_per_record for h in headers) * sample_bytes
    first = sum(h.samples_per_record for h in headers[:timekeeping]) * sample_bytes
    width = headers[timekeeping].samples_per_record * sample_bytes
    if isinstance(source, bytes):
        raw = np.frombuffer(source, np.uint8, records * record_bytes, header_bytes)
        block = raw.reshape(records, record_bytes)[:, first : first + width].copy()
    else:
        mapped = np.memmap(source, np.uint8, "r", header_bytes, (records, record_bytes))
        block = np.array(mapped[:, first : first + width])
        del mapped
    onsets = np.empty(records, dtype=np.float64)
    for i in range(records):
        match = _TIMEKEEPING_TAL.match(block[i].tobytes())
        if match is None:
            raise InvalidRecording(
                name,
                f"data record {i + 1} has no valid time-keeping annotation, so when it was "
                "recorded is unknown.",
            )
        onsets[i] = float(match.group(1))
    if not np.all(np.isfinite(onsets)):
        raise InvalidRecording(name, "a time-keeping annotation gives an invalid onset.")
    return onsets


def runs(starts: np.ndarray, spr: int) -> list[tuple[int, int, int]]:
    """(target sample, first stored sample, stop) for each run of back-to-back records."""
    breaks = np.flatnonzero(starts[1:] != starts[:-1] + spr) + 1
    bounds = [0, *breaks.tolist(), len(starts)]
    return [(int(starts[a]), a * spr, b * spr) for a, b in zip(bounds, bounds[1:], strict=False)]
