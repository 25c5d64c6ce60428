"""WFDB records (PhysioNet): every format the wfdb package reads, multi-segment, skew, .mat.

The wfdb package does the decoding; this module makes sure it is only asked to decode what is
really there. Before anything is read it checks that every file the header names exists and
is at least as long as the header claims, so a truncated or mismatched record becomes a clear
``InvalidRecording`` instead of an exception from deep inside NumPy, or an allocation the
size of a corrupt sample count.

Two things the wfdb package refuses are read anyway, and said so in the warnings:

* a start date or time in a form WFDB does not define (CinC 2017 writes
  ``A00001 1 300 9000 2014-05-08 05:05:15``): an unambiguous ISO date and time is read as
  the start time; anything else leaves the start time unknown, with a warning. Only the
  date and time fields are read leniently; every other error in the header is still refused.
* annotations outside the recording (before its first sample or after its last) are
  dropped, with a warning naming how many, where and in which file; a span running past the
  end is cut at the end, with a warning.

The header checks (declared sizes, rate field, lenient start date) live in ``wfdb_header``
and the annotation reading in ``wfdb_annotations``; this module holds the reading flow.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import numpy as np
import wfdb

from workstation.errors import InvalidRecording
from workstation.io.wfdb_annotations import _read_annotations
from workstation.io.wfdb_header import (
    _BYTES_PER_SAMPLE,
    _MAX_HEADER_BYTES,
    _check_declared_channels,
    _check_declared_size,
    _check_header_bytes,
    _check_limits,
    _check_rate_field,
    _check_skew,
    _lenient_start_fields,
    _nonstandard_start,
    _record_line,
    _segment_frames,
)
from workstation.recording import Recording, infer_modality, sha256_of_files


def record_base(path: Path) -> Path:
    """The record path without extension, as wfdb wants it (from the .hea or a data file)."""
    return path.with_suffix("") if path.suffix else path


def read_wfdb(path: Path) -> Recording:
    """Read a WFDB record from its header (or any file of it with a .hea beside it)."""
    base = record_base(path)
    header_path = base.with_suffix(".hea")
    if not header_path.is_file():
        raise InvalidRecording(
            path,
            f"the WFDB header '{header_path.name}' is missing.",
            "Copy the .hea file together with the .dat file(s) of the record.",
        )
    if header_path.stat().st_size > _MAX_HEADER_BYTES:
        raise InvalidRecording(path, "the file is far too large to be a WFDB header.")
    raw = _check_header_bytes(header_path)
    start = _nonstandard_start(_record_line(raw))
    with _lenient_start_fields() if start is not None else nullcontext():
        header = _read_header(header_path, raw)
        _check_declared_size(header, header_path)
        files = _check_files(header, header_path)
        try:
            record = wfdb.rdrecord(
                str(base), physical=True, return_res=32, m2s=True, smooth_frames=False
            )
        except Exception as exc:
            raise InvalidRecording(
                header_path,
                "the signal data cannot be decoded: the data files are damaged or do not match "
                "the header.",
            ) from exc
    signals, fs, kept, left_out = _fastest_channels(record, header_path)
    names = tuple(str(record.sig_name[i]) for i in kept)
    units = tuple(str(record.units[i] or "") for i in kept)
    annotations, warnings = _read_annotations(
        base, names, float(record.fs), signals.shape[1] * float(record.fs) / fs, files
    )
    if start is not None and start.warning:
        warnings = (start.warning, *warnings)
    return Recording(
        signals=signals,
        fs=fs,
        channel_names=names,
        units=units,
        modality=infer_modality(names),
        start_time=_start_time(header) if start is None else start.time,
        annotations=annotations,
        source_name=header_path.name,
        source_sha256=sha256_of_files([header_path, *files]),
        source_format="WFDB" + _format_label(header),
        warnings=(*left_out, *warnings),
        metadata={"comments": "\n".join(getattr(header, "comments", None) or [])},
    )


def _read_header(header_path: Path, raw: bytes) -> wfdb.Record | wfdb.MultiRecord:
    if not _record_line(raw).isascii():
        # Python reads '²' as a digit that int() refuses; WFDB allows only ASCII there.
        raise InvalidRecording(
            header_path, "the header's record line holds characters WFDB does not allow."
        )
    _check_declared_channels(raw, header_path)
    try:
        header = wfdb.rdheader(str(header_path.with_suffix("")))
    except Exception as exc:
        raise InvalidRecording(header_path, f"the WFDB header cannot be parsed ({exc}).") from exc
    fs = header.fs
    _check_rate_field(raw, fs, header_path)
    if fs is None or not np.isfinite(fs) or fs <= 0:
        raise InvalidRecording(header_path, f"the header states an invalid sampling rate ({fs}).")
    if not header.n_sig:
        raise InvalidRecording(header_path, "the header lists no signals.")
    described = len(getattr(header, "file_name", None) or [])
    if isinstance(header, wfdb.Record) and described != header.n_sig:
        raise InvalidRecording(
            header_path,
            f"the header declares {header.n_sig} signal(s) but has {described} signal line(s).",
        )
    if header.sig_len is not None and header.sig_len < 0:
        raise InvalidRecording(header_path, "the header states a negative length.")
    _check_length_field(_record_line(raw).split(), header, header_path)
    return header


def _check_length_field(
    fields: list[str], header: wfdb.Record | wfdb.MultiRecord, header_path: Path
) -> None:
    """The record line's length must be what wfdb read from it.

    wfdb skips a length it cannot parse: '-99999999' or '5000x' is read as no length, and
    the record as long as its data file, which is not what the header says.
    """
    length = fields[3] if len(fields) > 3 else ""
    if length and not (length.isascii() and length.isdigit() and int(length) == header.sig_len):
        raise InvalidRecording(
            header_path, f"the header's length field '{length}' is not a whole number of samples."
        )


def _format_label(header: wfdb.Record | wfdb.MultiRecord) -> str:
    if isinstance(header, wfdb.MultiRecord):
        return " (multi-segment)"
    formats = sorted({str(f) for f in header.fmt or [] if f})
    return f" (format {', '.join(formats)})" if formats else ""


def _check_files(header: wfdb.Record | wfdb.MultiRecord, header_path: Path) -> list[Path]:
    """Every data (and segment header) file of the record, in header order, checked to exist."""
    folder = header_path.parent
    if isinstance(header, wfdb.MultiRecord):
        return _check_segments(header, header_path)
    if header.sig_len == 0:
        raise InvalidRecording(
            header_path,
            "this header describes a layout with no samples.",
            "Open the record's master header (the one listing its segments) instead.",
        )
    files = _unique(folder / name for name in header.file_name)
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise InvalidRecording(
            header_path,
            f"the data file{'s' if len(missing) > 1 else ''} {_list_names(missing)} named by "
            "the header " + ("are" if len(missing) > 1 else "is") + " missing.",
            "Copy every file of the record into the same folder as the .hea file.",
        )
    _check_sizes(header, header_path)
    return files


def _check_segments(header: wfdb.MultiRecord, header_path: Path) -> list[Path]:
    folder = header_path.parent
    files: list[Path] = []
    missing: list[str] = []
    channels, per_frame, skew = int(header.n_sig or 0), 1, 0
    for name in header.seg_name:
        if name == "~":
            continue
        seg_header = folder / f"{name}.hea"
        if not seg_header.is_file():
            missing.append(seg_header.name)
            continue
        files.append(seg_header)
        segment = _read_segment_header(seg_header, header_path)
        channels = max(channels, int(segment.n_sig or 0))
        per_frame = max(per_frame, *(int(s or 1) for s in segment.samps_per_frame or [1]))
        seg_skew = max(int(k or 0) for k in segment.skew or [0])
        _check_skew(segment.sig_len, seg_skew, header_path)
        skew = max(skew, seg_skew)
        if segment.sig_len == 0:
            continue
        seg_files = _unique(folder / f for f in segment.file_name or [] if f and f != "~")
        missing.extend(f.name for f in seg_files if not f.is_file())
        files.extend(f for f in seg_files if f.is_file())
        if not missing:
            _check_sizes(segment, seg_header)
    if missing:
        raise InvalidRecording(
            header_path,
            f"{len(missing)} file(s) of this multi-segment record are missing: "
            f"{_list_names(missing)}.",
            "Copy every segment header and data file of the record into one folder.",
        )
    if not files:
        raise InvalidRecording(
            header_path, "every segment of this record is a gap: it holds no samples."
        )
    _check_limits(
        header_path,
        fs=float(header.fs),
        frames=_segment_frames(header),
        channels=channels,
        per_frame=per_frame,
        skew=skew,
    )
    return _unique(files)


def _read_segment_header(seg_header: Path, header_path: Path) -> wfdb.Record:
    """A segment's header, its declared signal count checked before wfdb parses it."""
    if seg_header.stat().st_size > _MAX_HEADER_BYTES:
        raise InvalidRecording(
            header_path, f"the segment header '{seg_header.name}' is far too large to be one."
        )
    _check_declared_channels(seg_header.read_bytes(), header_path)
    try:
        return wfdb.rdheader(str(seg_header.with_suffix("")))
    except Exception as exc:
        raise InvalidRecording(
            header_path, f"the segment header '{seg_header.name}' cannot be parsed ({exc})."
        ) from exc


def _check_sizes(header: wfdb.Record, header_path: Path) -> None:
    """Refuse a data file shorter than the header says (truncated or mismatched record)."""
    if not header.sig_len:
        return
    per_file: dict[str, float] = {}
    offsets: dict[str, int] = {}
    spf = header.samps_per_frame or [1] * header.n_sig
    for i, name in enumerate(header.file_name):
        width = _BYTES_PER_SAMPLE.get(str(header.fmt[i]))
        if width is None or name.lower().endswith(".mat"):
            return
        per_file[name] = per_file.get(name, 0.0) + width * (spf[i] or 1)
        offsets[name] = int((header.byte_offset or [0] * header.n_sig)[i] or 0)
    for name, frame_bytes in per_file.items():
        needed = offsets[name] + int(frame_bytes * header.sig_len)
        have = (header_path.parent / name).stat().st_size
        if have + 2 < needed:
            raise InvalidRecording(
                header_path,
                f"the data file '{name}' holds {have:,} bytes but the header describes "
                f"{header.sig_len:,} samples ({needed:,} bytes): the file is truncated or does "
                "not belong to this header.",
            )


def _fastest_channels(
    record: wfdb.Record, header_path: Path
) -> tuple[np.ndarray, float, list[int], list[str]]:
    """The channels sampled most often per frame, at their own rate, as channels × samples.

    WFDB lets channels carry several samples per frame (an ECG at 4 × 125 Hz beside a
    125 Hz blood pressure). Averaging the ECG down to the frame rate would throw away the
    detail a clinician needs, so the fastest channels are kept at full rate and the slower
    ones are named in the warnings.
    """
    expanded = record.e_p_signal
    if not expanded or any(channel is None or channel.size == 0 for channel in expanded):
        raise InvalidRecording(header_path, "the record holds no samples.")
    per_frame = [int(s or 1) for s in (record.samps_per_frame or [1] * len(expanded))]
    fastest = max(per_frame)
    kept = [i for i, s in enumerate(per_frame) if s == fastest]
    fs = float(record.fs) * fastest
    left_out = [
        f"channel '{record.sig_name[i]}' ({float(record.fs) * s:g} Hz) was left out: it is "
        f"sampled slower than the main channels ({fs:g} Hz)."
        for i, s in enumerate(per_frame)
        if s != fastest
    ]
    signals = np.empty((len(kept), expanded[kept[0]].shape[0]), dtype=np.float32)
    for row, index in enumerate(kept):
        signals[row] = expanded[index]
    return signals, fs, kept, left_out


def _start_time(header: wfdb.Record | wfdb.MultiRecord) -> datetime | None:
    if header.base_date is None or header.base_time is None:
        return None
    return datetime.combine(header.base_date, header.base_time)


def _unique(paths: Iterator[Path] | list[Path]) -> list[Path]:
    seen: dict[Path, None] = {}
    for p in paths:
        seen.setdefault(p, None)
    return list(seen)


def _list_names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names[:3]]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(quoted) + more
