"""A .zip holding exactly one record: an EDF/BDF file, or a WFDB header with its data files.

Archives come from outside the hospital, so every member is checked before a byte is
extracted: no absolute paths, no ``..``, no links, no encrypted members, only compression
methods the standard library reads, a bounded number of members, and an uncompressed size in
proportion to the archive (zip bombs). An EDF is read straight from memory.

A WFDB record must be files for the wfdb package (``read_wfdb`` checks the files the header
names on disk before wfdb reads them, so an in-memory read is not possible without rewriting
that reader), so it goes to a private folder: mode 0700, in RAM under /dev/shm where the system
has it, so patient data never reaches the disk, and named ``ws-<pid>-<random>`` so that the
process that owns it can be recognised. The folder is removed:

* when the read ends, whatever happens (also on Ctrl-C);
* on SIGTERM or SIGHUP, while a read runs in the main thread (the command line, scripts): a
  handler, installed only for the duration of that read and only where the signal still has
  its default action, removes the folder and then lets the signal terminate the process as it
  would have;
* at interpreter exit (``atexit``), for a read interrupted by a normal exit;
* otherwise at the start of the next zip read by any workstation process of the same user,
  which removes every ``ws-<pid>-*`` folder of that user whose process no longer runs. This
  covers SIGKILL (which no program can catch) and SIGTERM during a read in a worker thread
  (the GUI; Python signal handlers can only be installed in the main thread): the extracted
  record stays in RAM until the next zip read, or until the computer restarts.
  ``remove_private_folders`` lets a program's own termination handler clean up at once.
"""

from __future__ import annotations

import atexit
import errno
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath

from workstation.errors import InvalidRecording, RecordingError
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
_FOLDER_PREFIX = "ws-"
#: ``ws-<pid>-<anything>``: a private folder and the process that made it.
_OWNED_FOLDER = re.compile(r"ws-([0-9]{1,10})-[^/]+")
_TERMINATING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
#: The method numbers of the zip specification the standard library reads.
_READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
for _method, _module in ((zipfile.ZIP_BZIP2, "bz2"), (zipfile.ZIP_LZMA, "lzma")):
    try:
        __import__(_module)
    except ImportError:  # pragma: no cover - a Python built without the module
        continue
    _READABLE_METHODS.add(_method)
_WINZIP_METHODS = {97, 98, 99}  # WavPack, PPMd, AES: written by WinZip and 7-Zip
_METHOD_NAMES = {9: "Deflate64", 12: "BZIP2", 14: "LZMA", 93: "Zstandard", 95: "XZ"}
_PLAIN_ZIP_ADVICE = (
    "Re-create it as a plain .zip (standard 'Deflate' compression, no password), for example "
    "with the system's own 'Compress' or 'Send to › Compressed (zipped) folder'."
)
#: UnicodeDecodeError: a member name flagged UTF-8 that is not (zipfile decodes it on opening).
_DAMAGED_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    UnicodeDecodeError,
)
try:
    import lzma

    _DAMAGED_ERRORS += (lzma.LZMAError,)
except ImportError:  # pragma: no cover
    pass

#: Private folders of this process that are still there (removed on exit or termination).
_LIVE_FOLDERS: set[Path] = set()
_LIVE_LOCK = threading.Lock()


def read_zip(path: Path) -> Recording:
    sweep_stale_folders()
    try:
        with _open_archive(path) as archive:
            members = _checked_members(archive, path)
            edfs = [m for m in members if PurePosixPath(m.filename).suffix.lower() in _EDF_SUFFIXES]
            headers = [m for m in members if PurePosixPath(m.filename).suffix.lower() == ".hea"]
            if (edfs and headers) or len(edfs) > 1:
                raise _more_than_one(path, [m.filename for m in edfs + headers])
            if edfs:
                member = edfs[0].filename
                with _unpacking(path):
                    content = archive.read(edfs[0])
                try:
                    recording = read_edf(Path(member), content, f"{path.name} › {member}")
                except RecordingError as exc:
                    raise _inside(exc, path, member) from exc
            elif headers:
                recording = _read_wfdb_member(archive, members, headers, path)
            else:
                raise InvalidRecording(
                    path,
                    "the archive holds no recording (no .edf, .bdf or .hea file).",
                    "Put the record's .edf file, or its .hea and .dat files, in the archive.",
                )
    except _DAMAGED_ERRORS as exc:
        raise _damaged(path) from exc
    except OSError as exc:
        # bz2's word for a damaged stream carries no number; EINVAL: damaged offsets made
        # zipfile seek before the start of the file. Others (the disk, permissions) pass on.
        if exc.errno not in (None, errno.EINVAL):
            raise
        raise _damaged(path) from exc
    return _as_archive_source(recording, path)


def _open_archive(path: Path) -> zipfile.ZipFile:
    """The archive, or a plain refusal of a zip variant the standard library does not read
    (it raises NotImplementedError for a 'version needed to extract' beyond its own)."""
    try:
        return zipfile.ZipFile(path)
    except NotImplementedError as exc:
        raise InvalidRecording(
            path,
            "the archive uses a zip variant (a newer zip version or a multi-part archive) the "
            "workstation does not read.",
            _PLAIN_ZIP_ADVICE,
        ) from exc


def _damaged(path: Path) -> InvalidRecording:
    return InvalidRecording(
        path,
        "the archive is damaged or incomplete: a file in it fails its checksum or cannot be "
        "unpacked.",
        "Copy or download the archive again, or re-create it from the original files.",
    )


@contextmanager
def _unpacking(path: Path) -> Iterator[None]:
    """zipfile's words for a method or an encryption it does not read, in plain words.

    The members' methods and flags are checked before anything is unpacked, so this is a
    guard: for a Python built without bz2 or lzma, or a zipfile that refuses more than it did.
    """
    try:
        yield
    except (NotImplementedError, RuntimeError) as exc:
        raise InvalidRecording(
            path,
            "the archive uses a compression method or an encryption the workstation does not read.",
            _PLAIN_ZIP_ADVICE,
        ) from exc


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
        if not name:
            raise _damaged(path)  # a member without a name: its header's name length is wrong
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
            raise InvalidRecording(
                path, f"the archive member '{name}' points outside the archive; refused."
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InvalidRecording(path, f"the archive member '{name}' is a link; refused.")
        if info.compress_type not in _READABLE_METHODS:
            raise _unreadable_method(path, info.compress_type)
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
    with _private_folder() as root:
        try:
            with _unpacking(path):
                for info in members:
                    relative = PurePosixPath(info.filename.replace("\\", "/"))
                    _make_parents(root, relative)
                    with archive.open(info) as source, open(root / relative, "wb") as sink:
                        _copy(source.read, sink.write)
        except OSError as exc:
            raise _not_unpacked(path, exc) from exc
        top = _top_level_headers(root, [root / h.filename for h in headers])
        if len(top) != 1:
            raise _more_than_one(path, [str(h.relative_to(root)) for h in top])
        try:
            return read_wfdb(top[0])
        except RecordingError as exc:
            raise _inside(exc, path, top[0].relative_to(root).as_posix(), root) from exc


def _make_parents(root: Path, relative: PurePosixPath) -> None:
    """Create the folders of a member below ``root``, never ``root`` itself.

    A folder removed by the termination handler while a worker thread extracts into it is
    not created again behind the handler's back.
    """
    folder = root
    for part in relative.parts[:-1]:
        folder = folder / part
        folder.mkdir(mode=0o700, exist_ok=True)


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


@contextmanager
def _private_folder() -> Iterator[Path]:
    base = _folder_base()
    folder = Path(tempfile.mkdtemp(prefix=f"{_FOLDER_PREFIX}{os.getpid()}-", dir=base))
    with _LIVE_LOCK:
        _LIVE_FOLDERS.add(folder)
    try:
        with _removed_on_termination():
            yield folder
    finally:
        _remove(folder)
        with _LIVE_LOCK:
            _LIVE_FOLDERS.discard(folder)


def _folder_base() -> Path | None:
    """/dev/shm where it can be used, else the system's temporary folder (None)."""
    return _RAM_FOLDER if _RAM_FOLDER.is_dir() and os.access(_RAM_FOLDER, os.W_OK) else None


def remove_private_folders() -> None:
    """Remove the private folders of reads that are still running in this process.

    For a program's own SIGTERM handler or shutdown path (the reads that used them fail).
    Safe to call from a signal handler: it takes no lock a reader could hold.
    """
    pid_prefix = f"{_FOLDER_PREFIX}{os.getpid()}-"
    for folder in list(_LIVE_FOLDERS):
        if folder.name.startswith(pid_prefix):  # not a parent's folders after a fork
            _remove(folder)


atexit.register(remove_private_folders)


def sweep_stale_folders() -> list[Path]:
    """Remove this user's private folders whose process no longer runs; return them.

    Only folders named ``ws-<pid>-*`` that are real folders (not links) owned by this user
    are considered, and only those whose process is gone are removed: another user's
    folders, a running process's folders, and anything else in the folder are left alone.
    """
    base = _folder_base()
    base = Path(tempfile.gettempdir()) if base is None else base
    removed = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    uid = os.getuid()
    for entry in entries:
        match = _OWNED_FOLDER.fullmatch(entry.name)
        if match is None or _process_runs(int(match.group(1))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid:
            _remove(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


def _process_runs(pid: int) -> bool:
    """Whether a process with this id exists (when in doubt: yes, so nothing is removed)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: another user's process
        return True
    return True


def _remove(folder: Path) -> None:
    for _ in range(3):  # a worker thread may add a file while the tree is removed
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder):
            return


@contextmanager
def _removed_on_termination() -> Iterator[None]:
    """While a read runs in the main thread, SIGTERM/SIGHUP remove the folder first."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced = {}
    for signum in _TERMINATING_SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:  # a program's own handler is kept
            replaced[signum] = signal.signal(signum, _terminate)
    try:
        yield
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)


def _terminate(signum: int, frame: object) -> None:
    """Remove the private folders, then end the process as the signal's default would."""
    remove_private_folders()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _copy(read: Callable[[int], bytes], write: Callable[[bytes], object]) -> None:
    for chunk in iter(lambda: read(1 << 20), b""):
        write(chunk)


def _unreadable_method(path: Path, method: int) -> InvalidRecording:
    if method in _WINZIP_METHODS:
        problem = (
            "the archive uses AES/WinZip encryption or compression, which the workstation "
            "does not read."
        )
    else:
        name = _METHOD_NAMES.get(method, f"number {method}")
        problem = f"the archive uses a compression method ({name}) the workstation does not read."
    return InvalidRecording(path, problem, _PLAIN_ZIP_ADVICE)


def _not_unpacked(path: Path, exc: OSError) -> InvalidRecording:
    if exc.errno is None:  # bz2's word for a damaged stream; the file system's carry a number
        return _damaged(path)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.ENOMEM):
        return InvalidRecording(
            path,
            "there is not enough free memory to unpack the archive.",
            "Close other recordings or programs and try again, or extract the archive and "
            "open the record's .hea file.",
        )
    return InvalidRecording(
        path,
        "the files in the archive cannot be unpacked: their names clash or are not valid "
        "file names.",
        "Extract the archive with the system's tools and open the record's .hea file, or "
        "re-create the archive from the original files.",
    )


def _inside(
    exc: RecordingError, path: Path, member: str, root: Path | None = None
) -> RecordingError:
    """A reader's error about an archive member, as an error about the archive."""
    problem, advice = exc.problem, exc.advice
    if exc.path is not None and root is not None:
        where = Path(exc.path)
        if where.is_relative_to(root):
            member = where.relative_to(root).as_posix()
    if root is not None:
        problem, advice = (
            text.replace(f"{root}{os.sep}", "").replace(str(root), "the archive")
            for text in (problem, advice)
        )
    return type(exc)(path, f"in the archive's file '{member}', {problem}", advice)


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
