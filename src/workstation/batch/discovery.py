"""Finding the records in an archive: files found recursively and grouped into records.

An archive mixes recordings with what came with them (LUDB ships per-lead annotation files,
a RECORDS list, a CSV of diagnoses, licences). A WFDB record is its header with the data files
the header names (and, for a multi-segment record, its segment headers): all of them make one
record, hashed in the same order the reader hashes them, so the batch's key for a record is the
``source_sha256`` an import of the same file records. Files beside a header with its stem
(annotations) belong to it. Every other file is asked ``io.detect_format``: a format the
workstation reads is a record of its own; anything else is skipped with a plain reason,
counted in the summary rather than silently ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.errors import RecordingError
from workstation.io.detect import Format, detect_format
from workstation.recording import sha256_of_files

if TYPE_CHECKING:
    import wfdb

#: Text tables need a sampling rate per file when they lack a time column: not for a batch.
_NOT_IN_BATCH = {Format.CSV}
_EDF_PATIENT = slice(8, 88)
_EDF_RESERVED = slice(192, 236)


@dataclass(frozen=True)
class RecordFiles:
    """One record: the file ``read_recording`` opens, every file its content comes from (in
    the reader's hashing order), their SHA-256 and the patient the file names, if any."""

    name: str  # relative to the folder it was found under, for messages and output names
    path: Path
    files: tuple[Path, ...]
    sha256: str
    patient: str | None = None


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@dataclass(frozen=True)
class Discovery:
    records: list[RecordFiles]
    skipped: list[Skipped] = field(default_factory=list)

    def skipped_reasons(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)


def discover(roots: Sequence[Path]) -> Discovery:
    """Every record under the given files and folders, in a stable (sorted) order."""
    records: list[RecordFiles] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for root in roots:
        base = root if root.is_dir() else root.parent
        files = sorted(p for p in _walk(root) if p.resolve() not in seen)
        claimed = _wfdb_records(files, base, records, skipped)
        for path in files:
            if path in claimed:
                continue
            found = _single_file(path, base)
            (records if isinstance(found, RecordFiles) else skipped).append(found)
        seen.update(p.resolve() for p in files)
    return Discovery(records, skipped)


def _walk(root: Path) -> Iterable[Path]:
    if root.is_file():
        return [root]
    return (p for p in root.rglob("*") if p.is_file())


def _wfdb_records(
    files: list[Path], base: Path, records: list[RecordFiles], skipped: list[Skipped]
) -> set[Path]:
    """Group the WFDB records; the set of every file that belongs to one (or to a header that
    could not be read, which is skipped once, not once per file)."""
    headers = [p for p in files if p.suffix.lower() == ".hea"]
    parsed = {h: _read_header(h) for h in headers}
    segments = {
        h.parent / f"{name}.hea"
        for h, p in parsed.items()
        if not isinstance(p, str) and hasattr(p, "seg_name")  # a multi-segment record
        for name in p.seg_name
    }
    stems = {(h.parent, h.stem) for h in headers}
    claimed = {p for p in files if (p.parent, p.stem) in stems}
    for header in headers:
        if header in segments:
            continue  # a segment of a multi-segment record, read through its master header
        found = _header_files(header, parsed[header])
        if isinstance(found, str):
            skipped.append(Skipped(header, found))
            continue
        claimed.update(found)
        records.append(
            RecordFiles(_name(header, base), header, tuple(found), sha256_of_files(found))
        )
    return claimed


def _header_files(header: Path, parsed: wfdb.Record | wfdb.MultiRecord | str) -> list[Path] | str:
    """The header and the files it names, in the order the WFDB reader hashes them (for a
    multi-segment record: each segment header, then that segment's data files); or why not."""
    if isinstance(parsed, str):
        return parsed
    folder = header.parent
    if not hasattr(parsed, "seg_name"):
        data = _unique(folder / f for f in parsed.file_name or [] if f and f != "~")
        if not data or not all(p.is_file() for p in data):
            return "WFDB header whose data file is missing"
        return [header, *data]
    files: list[Path] = []
    for name in parsed.seg_name:
        if name == "~":
            continue
        segment_header = folder / f"{name}.hea"
        segment = _read_header(segment_header) if segment_header.is_file() else None
        if segment is None or isinstance(segment, str):
            return "multi-segment WFDB record with a missing or unreadable segment"
        files.append(segment_header)
        if segment.sig_len:  # a layout segment holds no samples, only its header counts
            files += [folder / f for f in segment.file_name or [] if f and f != "~"]
    return [header, *_unique(p for p in files if p.is_file())]


def _read_header(header: Path) -> wfdb.Record | wfdb.MultiRecord | str:
    import wfdb  # brings pandas: only when an archive holds WFDB records

    try:
        return wfdb.rdheader(str(header.with_suffix("")))
    except Exception:  # wfdb raises bare ValueErrors and IndexErrors on bad headers
        return "WFDB header that could not be read"


def _unique(paths: Iterable[Path]) -> list[Path]:
    return list(dict.fromkeys(paths))


def _single_file(path: Path, base: Path) -> RecordFiles | Skipped:
    try:
        fmt = detect_format(path)
    except RecordingError as error:
        return Skipped(path, error.problem)
    if fmt in _NOT_IN_BATCH:
        return Skipped(
            path,
            "text or CSV file (a table of samples needs its sampling rate: import it on its own)",
        )
    patient = _edf_patient(path) if fmt in (Format.EDF, Format.BDF) else None
    return RecordFiles(_name(path, base), path, (path,), sha256_of_files([path]), patient)


def _edf_patient(path: Path) -> str | None:
    """The patient code of an EDF+/BDF+ header ('MCH-0234567 F 02-MAY-1951 Haagse_Harry'),
    None when the file is plain EDF or the code is 'X' (not known)."""
    with path.open("rb") as handle:
        head = handle.read(256)
    reserved = head[_EDF_RESERVED].decode("ascii", "replace")
    if not reserved.startswith(("EDF+", "BDF+")):
        return None
    fields = head[_EDF_PATIENT].decode("ascii", "replace").split()
    return fields[0] if fields and fields[0].upper() != "X" else None


def _name(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return path.name
