"""EDF, EDF+ (with annotations) and BDF, through edfio.

edfio maps the file and converts one signal at a time, so a one-hour EEG is held once as
float32 plus one channel of float64 in flight, never twice. A Recording has one sampling
rate: channels recorded at a lower rate than the main ones (a 1 Hz SpO2 trend beside 256 Hz
EEG) are left out and named in the recording's warnings rather than resampled behind the
clinician's back.

The reader never hands over a recording that differs from the file (issue #14): it reads
with a warning the clinician sees, or refuses with the reason:

* EDF+D (discontinuous): each data record starts at the onset its time-keeping annotation
  gives. The records are placed on that true time axis, with NaN (missing data) between them,
  and the recording's warnings say how much is missing. Onsets that go backwards or overlap,
  or a span beyond ``MAX_SPAN_HOURS``, are refused before anything is allocated.
* Calibration: a physical minimum/maximum that is not a finite number, an empty physical or
  digital range, or a gain that gives implausible amplitudes would turn raw counts into
  "microvolts" or a channel into NaN; such a channel is refused, named, with its header fields.
"""

from __future__ import annotations

import io
import math
import warnings
from collections import Counter
from datetime import datetime
from pathlib import Path

import edfio
import numpy as np

from workstation.errors import InvalidRecording
from workstation.io.detect import BDF_MAGIC, EDF_MAGIC
from workstation.io.edf_header import (
    CALIBRATION_ADVICE,
    HEADER_BYTES,
    MAX_PLAUSIBLE_AMPLITUDE,
    check_calibration,
    int_field,
    signal_headers,
)
from workstation.io.edf_timeline import Timeline
from workstation.io.edf_timeline import runs as record_runs
from workstation.io.edf_timeline import timeline as edf_timeline
from workstation.recording import (
    MAX_SAMPLING_RATE_HZ,
    MIN_SAMPLING_RATE_HZ,
    Annotation,
    Recording,
    infer_modality,
    sha256_of_files,
)

#: 256 bytes per signal plus the fixed part; EDF allows at most a few thousand signals.
_MAX_HEADER_BYTES = 256 * 4097
#: EDF+ convention (EDFbrowser and others) for an annotation tied to one channel.
_CHANNEL_SEPARATOR = "@@"
#: How the workstation's EDF+ export marks samples that hold no data (EDF has no NaN): the
#: reader turns them back into NaN, so a gap stays a gap through export and import.
GAP_ANNOTATION = "Signal gap (no data)"


def read_edf(
    path: Path, content: bytes | None = None, display_name: str | None = None
) -> Recording:
    """Read an EDF/EDF+/BDF file, or the same bytes already in memory (from an archive).

    edfio's own warnings (an uncalibrated channel, a corrected header) become the
    recording's warnings, where the clinician sees them.
    """
    name = display_name or path.name
    size = len(content) if content is not None else path.stat().st_size
    header = content[:_MAX_HEADER_BYTES] if content is not None else _head(path)
    is_bdf = header.startswith(BDF_MAGIC)
    if not (is_bdf or header.startswith(EDF_MAGIC)):
        raise InvalidRecording(name, "the file does not start with an EDF or BDF header.")
    sample_bytes = 3 if is_bdf else 2
    _check_layout(header, size, sample_bytes, name)
    headers = signal_headers(header, is_bdf, name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        edf = _open(content if content is not None else path, is_bdf, name)
        signals = list(edf.signals)
        if not signals:
            raise InvalidRecording(
                name,
                "the file holds annotations only, no signal channels.",
                "Open the EDF file that holds the signals this annotation file belongs to.",
            )
        ordinary = [h for h in headers if not h.is_annotation]
        if len(ordinary) != len(signals):
            raise InvalidRecording(name, "the signal headers are inconsistent.")
        kept, left_out = _main_rate_signals(signals)
        _check_rate(float(kept[0].sampling_frequency), name)
        for index, signal in enumerate(signals):
            if any(signal is k for k in kept):
                check_calibration(ordinary[index], is_bdf, name)
        timeline = edf_timeline(
            path if content is None else content, header, headers, edf, kept, sample_bytes, name
        )
        data = _physical(kept, edf, name, timeline)
        annotations = _annotations(edf, tuple(s.label.strip() for s in kept), name)
        start_time = _start_time(edf)
    names = tuple(s.label.strip() for s in kept)
    fs = float(kept[0].sampling_frequency)
    data, annotations = _restore_gaps(data, annotations, fs, names)
    return Recording(
        signals=data,
        fs=fs,
        channel_names=names,
        units=tuple(s.physical_dimension.strip() for s in kept),
        modality=infer_modality(names),
        start_time=start_time,
        annotations=annotations,
        source_name=name,
        source_sha256=sha256_of_files([path] if content is None else [io.BytesIO(content)]),
        source_format=("BDF" if is_bdf else "EDF") + _plus_label(edf),
        warnings=(
            *left_out,
            *(timeline.warnings if timeline else ()),
            *(str(w.message) for w in caught),
        ),
        metadata={"prefiltering": _prefiltering(kept)},
    )


def _restore_gaps(
    data: np.ndarray, annotations: tuple[Annotation, ...], fs: float, names: tuple[str, ...]
) -> tuple[np.ndarray, tuple[Annotation, ...]]:
    """Samples under a gap annotation become NaN again (one channel's, or all of them), and
    the gap annotations themselves are dropped: the Recording says "no data" with NaN."""
    gaps = [a for a in annotations if a.label == GAP_ANNOTATION]
    if not gaps:
        return data, annotations
    data = np.array(data, dtype=np.float32)
    for gap in gaps:
        start = max(0, int(round(gap.onset * fs)))
        end = min(data.shape[1], int(round((gap.onset + gap.duration) * fs)))
        rows = [names.index(gap.channel)] if gap.channel in names else slice(None)
        data[rows, start:end] = np.nan
    return data, tuple(a for a in annotations if a.label != GAP_ANNOTATION)


def _open(source: Path | bytes, is_bdf: bool, name: str) -> edfio.Edf:
    """EDF is mapped lazily; edfio reads BDF whole (24-bit samples as int32), then converts."""
    try:
        return edfio.read_bdf(source) if is_bdf else edfio.read_edf(source, lazy_load_data=True)
    except Exception as exc:
        raise InvalidRecording(
            name, f"the {'BDF' if is_bdf else 'EDF'} header is invalid ({exc})."
        ) from exc


def _physical(
    signals: list, edf: edfio.Edf, name: str, timeline: Timeline | None = None
) -> np.ndarray:
    """Channels × samples of float32, converted one channel at a time from the mapped file.

    With a timeline (EDF+D), each run of adjacent data records is copied to where it starts
    on the true time axis and everything between runs stays NaN.
    """
    spr = int(signals[0].samples_per_data_record)
    n_stored = spr * int(edf.num_data_records)
    if timeline is None:
        data = np.empty((len(signals), n_stored), dtype=np.float32)
        runs = [(0, 0, n_stored)]
    else:
        data = np.full((len(signals), timeline.n_samples), np.nan, dtype=np.float32)
        runs = record_runs(timeline.starts, spr)
    duration = float(edf.duration)
    for row, signal in enumerate(signals):
        label = signal.label.strip()
        try:
            values = signal.get_data_slice(0, duration)
        except Exception as exc:
            raise InvalidRecording(
                name, f"channel '{label}' cannot be decoded ({exc}): the header is damaged."
            ) from exc
        if values.shape[0] != n_stored:
            raise InvalidRecording(name, f"channel '{label}' has an inconsistent length.")
        if values.size and max(-float(values.min()), float(values.max())) > MAX_PLAUSIBLE_AMPLITUDE:
            raise InvalidRecording(
                name,
                f"channel '{label}' holds values beyond {MAX_PLAUSIBLE_AMPLITUDE:g} "
                f"{signal.physical_dimension.strip() or 'units'} once calibrated: its "
                "physical and digital minimum/maximum in the header are not plausible.",
                CALIBRATION_ADVICE,
            )
        for target, first, stop in runs:
            data[row, target : target + stop - first] = values[first:stop]
    return data


def _check_layout(header: bytes, size: int, sample_bytes: int, name: str) -> None:
    """Refuse a file shorter than its header says: truncated in transfer or on the device."""
    if len(header) < HEADER_BYTES:
        raise InvalidRecording(name, "the file is shorter than an EDF header: it is truncated.")
    header_bytes = int_field(header[184:192], "header size", name)
    records = int_field(header[236:244], "number of data records", name)
    n_signals = int_field(header[252:256], "number of signals", name)
    duration = header[244:252].decode("ascii", errors="replace").strip()
    if not _is_seconds(duration):
        raise InvalidRecording(
            name, f"the header's data record duration '{duration}' is not a number of seconds."
        )
    if n_signals < 0 or header_bytes != HEADER_BYTES * (n_signals + 1):
        raise InvalidRecording(
            name,
            f"the header size ({header_bytes} bytes) does not match its {n_signals} signal(s).",
        )
    if header_bytes > size or len(header) < header_bytes:
        raise InvalidRecording(name, "the file ends inside its header: it is truncated.")
    offset = HEADER_BYTES + n_signals * 216
    per_record = sum(
        int_field(header[offset + 8 * i : offset + 8 * i + 8], "samples per record", name)
        for i in range(n_signals)
    )
    if records > 0 and size < header_bytes + records * per_record * sample_bytes:
        raise InvalidRecording(
            name,
            f"the header announces {records} data records but the file holds only "
            f"{(size - header_bytes) // max(1, per_record * sample_bytes)}: it is truncated.",
        )


def _is_seconds(text: str) -> bool:
    try:
        return math.isfinite(float(text)) and float(text) >= 0
    except ValueError:
        return False


def _check_rate(fs: float, name: str) -> None:
    """Refuse an implausible rate before anything is allocated from it: a record duration of
    '0.000001' makes 100 samples per record 100 MHz, and an EDF+D time axis gigabytes long."""
    if not MIN_SAMPLING_RATE_HZ <= fs <= MAX_SAMPLING_RATE_HZ:
        raise InvalidRecording(
            name,
            f"the sampling rate {fs:g} Hz (samples per data record over the record duration) "
            f"is not plausible (expected {MIN_SAMPLING_RATE_HZ:g}–{MAX_SAMPLING_RATE_HZ:g} Hz).",
        )


def _prefiltering(signals: list) -> str:
    return "; ".join(
        f"{s.label.strip()}: {s.prefiltering.strip()}" for s in signals if s.prefiltering.strip()
    )


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_MAX_HEADER_BYTES)


def _main_rate_signals(signals: list) -> tuple[list, list[str]]:
    rates = Counter(float(s.sampling_frequency) for s in signals)
    main_rate = max(rates)
    kept = [s for s in signals if float(s.sampling_frequency) == main_rate]
    left_out = [s for s in signals if float(s.sampling_frequency) != main_rate]
    notes = [
        f"channel '{s.label.strip()}' ({float(s.sampling_frequency):g} Hz) was left out: it is "
        f"sampled slower than the main channels ({main_rate:g} Hz)."
        for s in left_out
    ]
    return kept, notes


def _start_time(edf: edfio.Edf) -> datetime | None:
    """The start date and time, or None when anonymised ('X') or unreadable.

    An unreadable date is reported by edfio as a ValueError; the signals are still valid, so
    the recording opens without a start time and says so in its warnings.
    """
    try:
        return edf.startdatetime
    except edfio.AnonymizedDateError:
        return None
    except ValueError as exc:
        warnings.warn(
            f"the start date/time in the header is invalid ({exc}); it is left out.", stacklevel=2
        )
        return None


def _plus_label(edf: edfio.Edf) -> str:
    version = str(getattr(edf, "reserved", "")).strip()
    if version.startswith(("EDF+C", "BDF+C")):
        return "+ (continuous)"
    if version.startswith(("EDF+D", "BDF+D")):
        return "+ (discontinuous)"
    return ""


def _annotations(edf: edfio.Edf, names: tuple[str, ...], source: str) -> tuple[Annotation, ...]:
    by_name = {n.casefold(): n for n in names}
    out = []
    try:
        items = edf.annotations
    except Exception as exc:
        raise InvalidRecording(source, f"the EDF+ annotations cannot be decoded ({exc}).") from exc
    for item in items:
        text = item.text.strip()
        channel = None
        if _CHANNEL_SEPARATOR in text:
            label, _, target = text.partition(_CHANNEL_SEPARATOR)
            if target.strip().casefold() in by_name:
                text, channel = label.strip(), by_name[target.strip().casefold()]
        if not np.isfinite(item.onset):
            raise InvalidRecording(source, f"annotation '{text}' has an invalid onset.")
        out.append(Annotation(float(item.onset), float(item.duration or 0.0), text, channel))
    return tuple(out)
