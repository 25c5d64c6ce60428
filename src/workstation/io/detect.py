"""Choosing the reader for a file, by its first bytes first and its extension second.

Content decides where it can (EDF, BDF, ZIP and DICOM have signatures), because files get
renamed on their way to a ward; the extension decides for the text formats (WFDB headers,
CSV, and .xml: HL7 aECG when it opens an AnnotatedECG element). A file whose extension
promises a format its content does not have is refused by name.

``read_recording`` is the single entry point: whatever happens inside a reader, the caller
gets a Recording or a ``RecordingError`` that names the file the clinician chose, in plain
words: no Python exception names, no tracebacks, no temporary folders (the last gate,
``_plain``, removes any a reader let through, from errors and warnings alike). Only the
reader the file needs is imported (wfdb brings pandas and fsspec, the EDF reader edfio), so
that ``workstation inspect`` starts no slower than its format requires.
"""

from __future__ import annotations

import enum
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from workstation.errors import InvalidRecording, RecordingError, UnsupportedFormat
from workstation.recording import Recording

EDF_MAGIC = b"0       "
BDF_MAGIC = b"\xffBIOSEMI"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_EDF_SUFFIXES = {".edf", ".bdf", ".rec"}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
#: DICOM files carry "DICM" after a 128-byte preamble; an aECG names its root element early.
DICOM_PREAMBLE_BYTES = 128
DICOM_MAGIC = b"DICM"
_AECG_ROOT = re.compile(r"<(?:[\w.-]+:)?AnnotatedECG\b")
_XML_HEAD_BYTES = 4096
#: A private folder of the zip reader (``ws-<pid>-<random>``), with what follows it up to the
#: member's own name.
_PRIVATE_FOLDER = re.compile(
    r"(?:/dev/shm|" + re.escape(tempfile.gettempdir().rstrip("/")) + r")/ws-[^\s'\"/)]*/?"
)
#: "(ValueError: …)" or "(KeyError)": an exception quoted in a message, with one level of
#: parentheses inside it.
_EXCEPTION_ASIDE = re.compile(
    r"\s*\((?:[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt))\b"
    r"[^()]*(?:\([^()]*\)[^()]*)*\)"
)
_PYTHON_WORDS = re.compile(r"Traceback|[A-Za-z_][\w.]*(?:Error|Exception)\b|/dev/shm")
_NOT_READ = (
    "the file could not be read: its content is damaged, or it uses a variant of the format "
    "that the workstation does not read."
)
_NOT_READ_ADVICE = (
    "Export the recording again from the device, or choose another file. If the file opens "
    "in the device's own software, send it to the workstation's support team."
)


class Format(enum.StrEnum):
    WFDB = "WFDB"
    EDF = "EDF"
    BDF = "BDF"
    ZIP = "ZIP"
    CSV = "CSV"
    DICOM = "DICOM"
    AECG = "HL7 aECG"


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
    dicom_magic = head[DICOM_PREAMBLE_BYTES : DICOM_PREAMBLE_BYTES + len(DICOM_MAGIC)]
    if dicom_magic == DICOM_MAGIC or suffix == ".dcm":
        return Format.DICOM
    if suffix == ".xml":
        if _is_aecg(path):
            return Format.AECG
        raise UnsupportedFormat(
            path, "the file is XML but not an HL7 annotated ECG (no AnnotatedECG element)."
        )
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
    from workstation.io.plausibility import checked  # every format's result: one last check

    try:
        recording = checked(_read(fmt, path, fs), str(path))
    except RecordingError as exc:
        plain = _plain_error(exc, path)
        if plain is exc:
            raise
        raise plain from exc
    except MemoryError as exc:
        raise InvalidRecording(
            path, "the recording is too large for this computer's memory."
        ) from exc
    except Exception as exc:
        # A reader's bug or a library's surprise: the details stay in ``__cause__`` for the
        # developers; the clinician is told what it means for them.
        raise InvalidRecording(path, _NOT_READ, _NOT_READ_ADVICE) from exc
    recording = replace(recording, warnings=tuple(_plain(w) for w in recording.warnings))
    return _with_extension_warning(recording, fmt, path)


def _plain_error(exc: RecordingError, path: Path) -> RecordingError:
    """The error with the file the clinician chose and in plain words (itself if it was)."""
    where = exc.path
    if where is None or _PRIVATE_FOLDER.search(where + "/"):
        where = str(path)
    problem = _plain(exc.problem, _NOT_READ)
    advice = _plain(exc.advice, _NOT_READ_ADVICE)
    if (where, problem, advice) == (exc.path, exc.problem, exc.advice):
        return exc
    return type(exc)(where, problem, advice)


def _plain(text: str, instead: str | None = None) -> str:
    """``text`` without quoted exceptions and private folders.

    What still reads as Python after that is replaced by ``instead`` (kept as it is when
    there is nothing to replace it by).
    """
    plain = _EXCEPTION_ASIDE.sub("", _PRIVATE_FOLDER.sub("", text))
    if instead is not None and _PYTHON_WORDS.search(plain):
        return instead
    return plain


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
    if fmt is Format.DICOM:
        from workstation.io.dicom_reader import read_dicom

        return read_dicom(path)
    if fmt is Format.AECG:
        from workstation.io.aecg_reader import read_aecg

        return read_aecg(path)
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


def _is_aecg(path: Path) -> bool:
    """True when the first few kB of an XML file (UTF-8 or UTF-16) open an AnnotatedECG."""
    with path.open("rb") as handle:
        head = handle.read(_XML_HEAD_BYTES)
    codec = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "latin-1"
    return _AECG_ROOT.search(head.decode(codec, errors="ignore")) is not None
