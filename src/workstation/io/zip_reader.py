"""A .zip holding exactly one record: an EDF/BDF file, or a WFDB header with its data files.

Archives come from outside the hospital, so every member is checked before a byte is
extracted: no absolute paths, no ``..``, no links, no encrypted members, a bounded number
of members, and an uncompressed size in proportion to the archive (zip bombs). An EDF is
read straight from memory. A WFDB record must be files for the wfdb package, so it goes to
a private folder (mode 0700, in RAM under /dev/shm where the system has it, so patient
data never reaches the disk) that is removed whatever happens.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from workstation.errors import InvalidRecording
from workstation.io.edf_reader import read_edf
from workstation.io.wfdb_reader import read_wfdb
from workstation.recording import Recording, sha256_of_files

MAX_MEMBERS = 512
MAX_UNCOMPRESSED_BYTES = 4 << 30
#: Compression ratio above which a large archive is treated as a zip bomb. Real signal
#: files compress 2–10×; a flat or zero-filled channel can reach ~100× in a small file.
MAX_RATIO = 200
RATIO_CHECK_FROM_BYTES = 64 << 20
_EDF_SUFFIXES = {".edf", ".bdf", ".rec"}
_RAM_FOLDER = Path("/dev/shm")


def read_zip(path: Path) -> Recording:
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(archive, path)
            edfs = [m for m in members if PurePosixPath(m.filename).suffix.lower() in _EDF_SUFFIXES]
            headers = [m for m in members if PurePosixPath(m.filename).suffix.lower() == ".hea"]
            if (edfs and headers) or len(edfs) > 1:
                raise _more_than_one(path, [m.filename for m in edfs + headers])
            if edfs:
                content = archive.read(edfs[0])
                recording = read_edf(
                    Path(edfs[0].filename), content, f"{path.name} › {edfs[0].filename}"
                )
            elif headers:
                recording = _read_wfdb_member(archive, members, headers, path)
            else:
                raise InvalidRecording(
                    path,
                    "the archive holds no recording (no .edf, .bdf or .hea file).",
                    "Put the record's .edf file, or its .hea and .dat files, in the archive.",
                )
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InvalidRecording(path, f"the archive is damaged ({exc}).") from exc
    return _as_archive_source(recording, path)


def _checked_members(archive: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InvalidRecording(
            path, f"the archive holds {len(infos)} files; a record has far fewer."
        )
    members = []
    total = 0
    compressed = 0
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
            raise InvalidRecording(
                path, f"the archive member '{name}' points outside the archive; refused."
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InvalidRecording(path, f"the archive member '{name}' is a link; refused.")
        if info.flag_bits & 0x1:
            raise InvalidRecording(
                path, "the archive is password-protected.", "Export it again without a password."
            )
        if info.is_dir() or pure.parts[0] == "__MACOSX" or pure.name.startswith("."):
            continue
        total += info.file_size
        compressed += info.compress_size
        members.append(info)
    if total > MAX_UNCOMPRESSED_BYTES or (
        total > RATIO_CHECK_FROM_BYTES and total > MAX_RATIO * max(compressed, 1)
    ):
        raise InvalidRecording(
            path,
            f"the archive would expand to {total / 2**20:,.0f} MiB from "
            f"{compressed / 2**20:,.1f} MiB: refused as a possible zip bomb.",
        )
    return members


def _read_wfdb_member(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    headers: list[zipfile.ZipInfo],
    path: Path,
) -> Recording:
    with _private_folder() as folder:
        root = Path(folder)
        for info in members:
            target = root / PurePosixPath(info.filename.replace("\\", "/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(target, "wb") as sink:
                _copy(source.read, sink.write)
        top = _top_level_headers(root, [root / h.filename for h in headers])
        if len(top) != 1:
            raise _more_than_one(path, [str(h.relative_to(root)) for h in top])
        return read_wfdb(top[0])


def _top_level_headers(root: Path, headers: list[Path]) -> list[Path]:
    """Headers that are not segments of another header (a multi-segment record is one record)."""
    segments: set[Path] = set()
    for header in headers:
        text = header.read_text("ascii", "replace")
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        if lines and "/" in lines[0].split()[0]:
            names = (ln.split()[0] for ln in lines[1:])
            segments.update(header.parent / f"{name}.hea" for name in names if name != "~")
    return [h for h in headers if h not in segments]


def _private_folder() -> tempfile.TemporaryDirectory:
    base = _RAM_FOLDER if _RAM_FOLDER.is_dir() and os.access(_RAM_FOLDER, os.W_OK) else None
    return tempfile.TemporaryDirectory(prefix="ws-", dir=base)


def _copy(read: Callable[[int], bytes], write: Callable[[bytes], object]) -> None:
    for chunk in iter(lambda: read(1 << 20), b""):
        write(chunk)


def _more_than_one(path: Path, names: list[str]) -> InvalidRecording:
    return InvalidRecording(
        path,
        f"the archive holds more than one record ({', '.join(names[:4])}).",
        "Put one record per archive, or extract it and open the record you need.",
    )


def _as_archive_source(recording: Recording, path: Path) -> Recording:
    """The source of an archived record is the archive the clinician opened."""
    return replace(
        recording,
        source_name=path.name,
        source_sha256=sha256_of_files([path]),
        source_format=f"{recording.source_format} in ZIP",
        metadata={**recording.metadata, "archive_member": recording.source_name},
    )
