"""WFDB header checks: what a header may declare, checked before wfdb allocates anything.

Kept apart from the reading flow in ``wfdb_reader`` because these checks read the raw header
text and its declared sizes, not the signals: the header's bytes and record line, its rate
field, its declared sizes (checked against the resource limits every reader shares, in
``limits``) and the start date and time written in a form WFDB does not define, read
leniently.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import wfdb
from wfdb.io import _header as wfdb_header

from workstation.errors import InvalidRecording
from workstation.io.limits import MAX_CHANNELS as MAX_CHANNELS
from workstation.io.limits import MAX_HOURS as MAX_HOURS
from workstation.io.limits import check_declared_size

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

#: A WFDB header larger than this is not a header.
_MAX_HEADER_BYTES = 1 << 20


def _check_header_bytes(header_path: Path) -> bytes:
    raw = header_path.read_bytes()
    if b"\x00" in raw:
        raise InvalidRecording(header_path, "the WFDB header is not plain text (binary content).")
    if not raw.strip():
        raise InvalidRecording(header_path, "the WFDB header is empty.")
    return raw


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


def _check_declared_channels(raw: bytes, header_path: Path) -> None:
    """Refuse a record line declaring more signals than the limit, before wfdb sees it.

    A header of a few hundred bytes can declare millions of signals, and wfdb allocates
    per declared signal while it parses, so the count is checked from the raw text first.
    """
    fields = _record_line(raw).split()
    if len(fields) >= 2 and fields[1].isdigit():
        check_declared_size(header_path, channels=int(fields[1]), declared_by="the header")


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
    """Refuse a record beyond the shared limits (``limits.check_declared_size``): its length in
    frames, its signal count, and its samples with skew and samples per frame, which wfdb
    allocates together."""
    check_declared_size(
        header_path,
        channels=channels,
        samples=frames,
        fs=fs,
        values=max(channels, 1) * max(per_frame, 1) * (max(frames, 0) + max(skew, 0)),
        declared_by="the header",
    )
