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
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import wfdb
from wfdb.io import _header as wfdb_header

from workstation.errors import InvalidRecording
from workstation.recording import Annotation, Recording, infer_modality, sha256_of_files

#: Bytes per sample of the fixed-size WFDB formats (FLAC formats 508/516/524 are compressed
#: and .mat files carry their own header, so neither can be checked by size).
_BYTES_PER_SAMPLE = {
    "8": 1.0,
    "16": 2.0,
    "24": 3.0,
    "32": 4.0,
    "61": 2.0,
    "80": 1.0,
    "160": 2.0,
    "212": 1.5,
    "310": 4 / 3,
    "311": 4 / 3,
}
#: Files sharing the record's name that are never WFDB annotation files.
_NOT_ANNOTATIONS = {
    ".hea",
    ".dat",
    ".mat",
    ".edf",
    ".bdf",
    ".rec",
    ".zip",
    ".csv",
    ".tsv",
    ".txt",
    ".wav",
    ".json",
    ".xml",
    ".pdf",
    ".png",
    ".jpg",
    ".md",
}
#: Annotation symbols that open and close a waveform span in WFDB (LUDB marks P, QRS and T
#: as "(", peak symbol, ")").
_SPAN_OPEN, _SPAN_CLOSE = "(", ")"
#: A WFDB header larger than this is not a header.
_MAX_HEADER_BYTES = 1 << 20

# --- Resource limits ----------------------------------------------------------------------
# A header of a few hundred bytes can declare days of gap segments, millions of signals or a
# huge skew, and wfdb allocates what it declares before reading a sample. The declared sizes
# are checked against what a ward can meet before anything is allocated.

#: The longest recording opened: three days of continuous monitoring.
MAX_HOURS = 72
#: The most signals one recording may declare (a high-density EEG cap has 256).
MAX_CHANNELS = 256
#: The most signal data one recording may declare, as the 32-bit samples it is read into.
MAX_SIGNAL_BYTES = 4 << 30
_LIMIT_ADVICE = (
    "Check that this is the right file: its header is probably damaged. A recording that "
    "really is this large must be split into smaller parts before it can be opened."
)


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
                f"the signal data cannot be decoded ({type(exc).__name__}: {exc}): the data files "
                "are damaged or do not match the header.",
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


def _check_header_bytes(header_path: Path) -> bytes:
    raw = header_path.read_bytes()
    if b"\x00" in raw:
        raise InvalidRecording(header_path, "the WFDB header is not plain text (binary content).")
    if not raw.strip():
        raise InvalidRecording(header_path, "the WFDB header is empty.")
    return raw


def _read_header(header_path: Path, raw: bytes) -> wfdb.Record | wfdb.MultiRecord:
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
    if header.sig_len is not None and header.sig_len < 0:
        raise InvalidRecording(header_path, "the header states a negative length.")
    return header


def _record_line(raw: bytes) -> str:
    """The header's record line: its first line that is neither blank nor a comment."""
    return next(
        (
            ln
            for ln in raw.decode("latin-1").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")
        ),
        "",
    )


def _check_rate_field(raw: bytes, fs: float | None, header_path: Path) -> None:
    """wfdb parses a rate field such as '1e9' as 1 Hz; the field must say what wfdb read."""
    fields = _record_line(raw).split()
    if len(fields) < 3 or fs is None:
        return
    text = fields[2].split("/")[0].split("(")[0]
    try:
        stated = float(text)
    except ValueError as exc:
        raise InvalidRecording(
            header_path, f"the header's sampling rate field '{fields[2]}' is not a number."
        ) from exc
    if not np.isclose(stated, fs):
        raise InvalidRecording(
            header_path, f"the header's sampling rate field '{fields[2]}' is not valid WFDB."
        )


# --- Start date and time written in a form WFDB does not define ---------------------------
# WFDB writes 'HH:MM:SS[.ffffff] DD/MM/YYYY' after the sample count; CinC 2017 and other
# exporters write ISO dates ('2014-05-08 05:05:15'), which wfdb refuses outright.

#: The record line's fields before the start time: name[/segments], signals, rate, length.
_FIELDS_BEFORE_START = 4
_WFDB_TIME = re.compile(r"^\d{1,2}(:\d{1,2}){0,2}(\.\d{1,6})?$")
_WFDB_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{1,4}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(\.\d{1,6})?)$")


@dataclass(frozen=True)
class _Start:
    """A start time the header wrote in a non-WFDB form: what was read of it, and the warning."""

    time: datetime | None
    warning: str | None


def _standard_start(fields: list[str]) -> bool:
    """True when the start fields are absent or WFDB's own, valid, 'HH:MM:SS DD/MM/YYYY'."""
    if len(fields) > 2:
        return False
    if fields and not _WFDB_TIME.match(fields[0]):
        return False
    if len(fields) == 2 and not _WFDB_DATE.match(fields[1]):
        return False
    try:
        if fields:
            wfdb_header.wfdb_strptime(fields[0])
        if len(fields) == 2:
            datetime.strptime(fields[1], "%d/%m/%Y")
    except ValueError:
        return False
    return True


def _start_fields(record_line: str) -> tuple[list[str], list[str]] | None:
    """The record line split into the fields before the start time and the start fields;
    None when the line is too short, or too unusual, to have start fields."""
    fields = record_line.split()
    if len(fields) <= _FIELDS_BEFORE_START or not fields[_FIELDS_BEFORE_START - 1].isdigit():
        return None
    return fields[:_FIELDS_BEFORE_START], fields[_FIELDS_BEFORE_START:]


def _nonstandard_start(record_line: str) -> _Start | None:
    """None when the header's start date and time are absent or in WFDB's own form; else the
    start read from an unambiguous ISO date and time, or None with a warning."""
    split = _start_fields(record_line)
    if split is None or _standard_start(split[1]):
        return None
    text = " ".join(split[1])
    parsed = _iso_start(split[1])
    if parsed is not None:
        return _Start(parsed, None)
    return _Start(
        None,
        f"the start time in the header could not be read ('{text}' is not a WFDB date and "
        "time, HH:MM:SS DD/MM/YYYY); the recording is shown without a start time.",
    )


def _iso_start(fields: list[str]) -> datetime | None:
    """'2014-05-08 05:05:15', '2014-05-08T05:05:15' or '05:05:15 2014-05-08'; else None."""
    joined = " ".join(fields)
    match = _ISO_DATETIME.match(joined)
    if match:
        day_text, time_text = match.group(1), match.group(2)
    elif len(fields) == 2 and _ISO_TIME.match(fields[0]) and _ISO_DATE.match(fields[1]):
        time_text, day_text = fields
    else:
        return None
    try:
        return datetime.combine(date.fromisoformat(day_text), time.fromisoformat(time_text))
    except ValueError:
        return None


def _without_nonstandard_start(line: str) -> str:
    """The record line for wfdb: its start fields dropped when they are not WFDB's own."""
    split = _start_fields(line)
    if split is None or _standard_start(split[1]):
        return line
    return " ".join(split[0])


_LENIENT_LOCK = threading.RLock()


@contextmanager
def _lenient_start_fields() -> Iterator[None]:
    """While active, wfdb parses record lines without start fields it cannot read.

    wfdb offers no way to read a record from a corrected header, so its record-line parser
    is wrapped for the duration of the read: lines in WFDB's own form pass unchanged (so a
    read in another thread is unaffected), and only start date and time fields in another
    form are removed; the reader supplies the start time itself.
    """
    with _LENIENT_LOCK:
        original: Callable[[str], dict[str, Any]] = wfdb_header._parse_record_line

        def parse(record_line: str) -> dict[str, Any]:
            return original(_without_nonstandard_start(record_line))

        wfdb_header._parse_record_line = parse
        try:
            yield
        finally:
            wfdb_header._parse_record_line = original


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


def _check_declared_channels(raw: bytes, header_path: Path) -> None:
    """Refuse a record line declaring more signals than MAX_CHANNELS, before wfdb sees it."""
    fields = _record_line(raw).split()
    if len(fields) >= 2 and fields[1].isdigit() and int(fields[1]) > MAX_CHANNELS:
        _refuse_channels(header_path, int(fields[1]))


def _refuse_channels(header_path: Path, channels: int) -> None:
    raise InvalidRecording(
        header_path,
        f"the header declares {channels:,} signals; the workstation opens recordings of at "
        f"most {MAX_CHANNELS} channels.",
        _LIMIT_ADVICE,
    )


def _segment_frames(header: wfdb.MultiRecord) -> int:
    """A multi-segment record's declared length in frames, gap segments ('~') included."""
    total = sum(max(int(n or 0), 0) for n in header.seg_len or [])
    return max(total, int(header.sig_len or 0))


def _check_declared_size(header: wfdb.Record | wfdb.MultiRecord, header_path: Path) -> None:
    """Refuse a header declaring more than the limits, before any sample is allocated.

    A multi-segment record is checked once its segment headers are read (which allocates
    nothing, and reports missing segments first): its master header's signal count was
    checked before wfdb parsed it.
    """
    if isinstance(header, wfdb.MultiRecord):
        return
    frames = _single_frames(header, header_path)
    per_frame = max(int(s or 1) for s in header.samps_per_frame or [1])
    skew = max(int(k or 0) for k in header.skew or [0])
    _check_skew(frames, skew, header_path)
    _check_limits(
        header_path,
        fs=float(header.fs),
        frames=frames,
        channels=int(header.n_sig or 0),
        per_frame=per_frame,
        skew=skew,
    )


def _single_frames(header: wfdb.Record, header_path: Path) -> int:
    """The declared length in frames; without one, what the data files can hold."""
    if header.sig_len is not None:
        return int(header.sig_len)
    per_file: dict[str, float] = {}
    spf = header.samps_per_frame or [1] * header.n_sig
    for i, name in enumerate(header.file_name or []):
        width = _BYTES_PER_SAMPLE.get(str((header.fmt or [None] * header.n_sig)[i]))
        path = header_path.parent / str(name)
        if width is None or not path.is_file():
            continue
        per_file[name] = per_file.get(name, 0.0) + width * (spf[i] or 1)
    return max(
        (int((header_path.parent / n).stat().st_size / b) for n, b in per_file.items() if b),
        default=0,
    )


def _check_skew(frames: int | None, skew: int, header_path: Path) -> None:
    """Refuse a skew (a signal's delay, in frames) longer than the record it delays."""
    if frames and skew > frames:
        raise InvalidRecording(
            header_path,
            f"the header delays a signal by {skew:,} samples (its skew), more than the "
            f"{frames:,} samples the recording holds.",
        )


def _check_limits(
    header_path: Path, *, fs: float, frames: int, channels: int, per_frame: int, skew: int
) -> None:
    """Refuse a record longer than MAX_HOURS, with more than MAX_CHANNELS signals, or whose
    samples (with skew and samples per frame) would take more than MAX_SIGNAL_BYTES."""
    if channels > MAX_CHANNELS:
        _refuse_channels(header_path, channels)
    hours = frames / fs / 3600
    if hours > MAX_HOURS:
        raise InvalidRecording(
            header_path,
            f"the header declares a recording of {hours:,.1f} hours ({frames:,} samples at "
            f"{fs:g} Hz); the workstation opens recordings of at most {MAX_HOURS} hours.",
            _LIMIT_ADVICE,
        )
    size = 4 * max(channels, 1) * max(per_frame, 1) * (max(frames, 0) + max(skew, 0))
    if size > MAX_SIGNAL_BYTES:
        raise InvalidRecording(
            header_path,
            f"the header declares {size / (1 << 30):,.1f} GiB of signal data (its samples per "
            f"frame or skew are very large); the workstation opens recordings of at most "
            f"{MAX_SIGNAL_BYTES / (1 << 30):g} GiB.",
            _LIMIT_ADVICE,
        )


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


def _annotation_files(base: Path, data_files: list[Path]) -> Iterator[Path]:
    taken = {f.name for f in data_files}
    for candidate in sorted(base.parent.glob(f"{base.name}.*")):
        if candidate.name in taken or candidate.suffix.lower() in _NOT_ANNOTATIONS:
            continue
        if candidate.is_file() and candidate.stem == base.name:
            yield candidate


def _read_annotations(
    base: Path, channels: tuple[str, ...], fs: float, n_frames: float, data_files: list[Path]
) -> tuple[tuple[Annotation, ...], tuple[str, ...]]:
    """Annotation files beside the record; a file named after a lead belongs to that lead.

    A file that wfdb cannot parse as annotations (another signal file sharing the record
    name, such as a PTB record's .xyz) is reported in the warnings, not dropped silently.
    Annotations outside the recording (``n_frames`` frames at ``fs``) are dropped, and spans
    running past its end cut at the end, each file's with one warning.
    """
    by_name = {c.casefold(): c for c in channels}
    annotations: list[Annotation] = []
    warnings: list[str] = []
    for path in _annotation_files(base, data_files):
        extension = path.suffix[1:]
        try:
            ann = wfdb.rdann(str(base), extension)
        except Exception as exc:
            warnings.append(f"'{path.name}' was not read as annotations ({type(exc).__name__}).")
            continue
        channel = by_name.get(extension.casefold())
        inside, note = _within_recording(_convert(ann, fs, channel, path), n_frames / fs)
        annotations.extend(inside)
        if note:
            warnings.append(f"'{path.name}': {note}")
    annotations.sort(key=lambda a: (a.onset, a.channel or "", a.label))
    return tuple(annotations), tuple(warnings)


def _convert(ann: wfdb.Annotation, fs: float, channel: str | None, path: Path) -> list[Annotation]:
    """WFDB annotations to Annotation objects, pairing "(" X ")" into one span labelled X."""
    samples = np.asarray(ann.sample, dtype=np.int64)
    symbols = list(ann.symbol or [])
    notes = list(ann.aux_note or [""] * len(symbols))
    if len(symbols) != len(samples):
        raise InvalidRecording(path, "the annotation file is inconsistent (symbols ≠ samples).")
    out: list[Annotation] = []
    i = 0
    while i < len(symbols):
        if (
            symbols[i] == _SPAN_OPEN
            and i + 2 < len(symbols)
            and symbols[i + 2] == _SPAN_CLOSE
            and samples[i + 2] >= samples[i]
        ):
            onset, offset = samples[i] / fs, samples[i + 2] / fs
            out.append(Annotation(onset, offset - onset, symbols[i + 1], channel))
            i += 3
            continue
        note = (notes[i] or "").strip("\x00").strip()
        label = f"{symbols[i]} {note}".strip() if note else symbols[i]
        out.append(Annotation(samples[i] / fs, 0.0, label, channel))
        i += 1
    return out


def _within_recording(
    annotations: list[Annotation], duration: float
) -> tuple[list[Annotation], str | None]:
    """The annotations that lie in the recording (0 to ``duration`` s), spans cut at its end,
    and a warning saying what was dropped or cut (None when nothing was)."""
    inside: list[Annotation] = []
    outside: list[Annotation] = []
    cut = 0
    for a in annotations:
        if a.onset < 0 or a.onset >= duration:
            outside.append(a)
        elif a.onset + a.duration > duration:
            inside.append(Annotation(a.onset, duration - a.onset, a.label, a.channel))
            cut += 1
        else:
            inside.append(a)
    notes = []
    if outside:
        first = outside[0]
        notes.append(
            f"{len(outside)} annotation(s) lie outside the recording (0-{duration:g} s) and were "
            f"left out (the first, '{first.label}', at {first.onset:g} s)"
        )
    if cut:
        notes.append(f"{cut} span(s) running past the end of the recording were cut at its end")
    return inside, "; ".join(notes) + "." if notes else None


def _unique(paths: Iterator[Path] | list[Path]) -> list[Path]:
    seen: dict[Path, None] = {}
    for p in paths:
        seen.setdefault(p, None)
    return list(seen)


def _list_names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names[:3]]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(quoted) + more
