"""Choosing the reader for a file, by its first bytes first and its extension second.

Content decides where it can (EDF, BDF and ZIP have signatures), because files get renamed
on their way to a ward; the extension decides for the text formats (WFDB headers, CSV). A
file whose extension promises a format its content does not have is refused by name.

``read_recording`` is the single entry point: whatever happens inside a reader, the caller
gets a Recording or a ``RecordingError`` that names the file. Only the reader the file needs
is imported (wfdb brings pandas and fsspec, the EDF reader edfio), so that ``workstation
inspect`` starts no slower than its format requires.
"""

from __future__ import annotations

import enum
from dataclasses import replace
from pathlib import Path

from workstation.errors import InvalidRecording, RecordingError, UnsupportedFormat
from workstation.recording import Recording

EDF_MAGIC = b"0       "
BDF_MAGIC = b"\xffBIOSEMI"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_EDF_SUFFIXES = {".edf", ".bdf", ".rec"}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


class Format(enum.StrEnum):
    WFDB = "WFDB"
    EDF = "EDF"
    BDF = "BDF"
    ZIP = "ZIP"
    CSV = "CSV"


def detect_format(path: str | Path) -> Format:
    """The format of a file, or an error saying why it cannot be read."""
    path = Path(path)
    if path.is_dir():
        raise UnsupportedFormat(
            path, "this is a folder, not a recording file.", "Choose a file inside it."
        )
    if not path.exists():
        if path.with_suffix(".hea").is_file():
            return Format.WFDB
        raise InvalidRecording(path, "the file does not exist.", "Check the name and the folder.")
    if path.stat().st_size == 0:
        raise InvalidRecording(path, "the file is empty (0 bytes).")
    head = _head(path)
    suffix = path.suffix.lower()
    if head.startswith(BDF_MAGIC):
        return Format.BDF
    if head.startswith(EDF_MAGIC) and suffix not in _TEXT_SUFFIXES | {".hea"}:
        return Format.EDF
    if head.startswith(_ZIP_MAGICS):
        return Format.ZIP
    if suffix in _EDF_SUFFIXES:
        raise InvalidRecording(
            path, f"the file is named {suffix} but does not hold an EDF/BDF header."
        )
    if suffix == ".zip":
        raise InvalidRecording(path, "the file is named .zip but is not a zip archive.")
    if suffix == ".hea" or path.with_suffix(".hea").is_file():
        return Format.WFDB
    if suffix in _TEXT_SUFFIXES:
        return Format.CSV
    raise UnsupportedFormat(
        path, f"the workstation does not read '{suffix or 'extension-less'}' files."
    )


def read_recording(path: str | Path, *, fs: float | None = None) -> Recording:
    """Read any supported recording file.

    ``fs`` is the sampling rate for a CSV file without a time column; other formats state
    their own rate and ignore it.
    """
    path = Path(path)
    fmt = detect_format(path)
    try:
        recording = _read(fmt, path, fs)
    except RecordingError as exc:
        if exc.path is None:
            raise type(exc)(path, exc.problem, exc.advice) from exc
        raise
    except MemoryError as exc:
        raise InvalidRecording(
            path, "the recording is too large for this computer's memory."
        ) from exc
    except Exception as exc:
        raise InvalidRecording(
            path, f"the file could not be read ({type(exc).__name__}: {exc})."
        ) from exc
    return _with_extension_warning(recording, fmt, path)


def _read(fmt: Format, path: Path, fs: float | None) -> Recording:
    if fmt is Format.WFDB:
        from workstation.io.wfdb_reader import read_wfdb

        return read_wfdb(path)
    if fmt in (Format.EDF, Format.BDF):
        from workstation.io.edf_reader import read_edf

        return read_edf(path)
    if fmt is Format.ZIP:
        from workstation.io.zip_reader import read_zip

        return read_zip(path)
    from workstation.io.csv_reader import read_csv

    return read_csv(path, fs=fs)


def _with_extension_warning(recording: Recording, fmt: Format, path: Path) -> Recording:
    suffix = path.suffix.lower()
    expected = {Format.EDF: _EDF_SUFFIXES, Format.BDF: _EDF_SUFFIXES, Format.ZIP: {".zip"}}.get(fmt)
    if expected is None or suffix in expected:
        return recording
    named = suffix or "without extension"
    note = f"the file is named '{named}' but holds {fmt.value} data; read as {fmt.value}."
    return replace(recording, warnings=(*recording.warnings, note))


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(512)
    except OSError as exc:
        raise InvalidRecording(
            path, f"the file cannot be opened ({exc.strerror}).", "Check its permissions."
        ) from exc
