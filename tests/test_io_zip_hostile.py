"""Hostile and unlucky archives (#14): unreadable methods, killed reads, plain messages.

A zipped WFDB record is unpacked into a private folder ``ws-<pid>-<random>`` (in /dev/shm
where the system has it). These tests check that the folder goes away when the reading
process is terminated, that a folder left by a killed process is swept by the next read
(and nothing else is), and that every message a clinician can get from a bad archive is in
plain words: it names the archive, not a temporary path, and quotes no Python exception.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT

from workstation.errors import InvalidRecording, RecordingError
from workstation.io import read_recording, zip_reader

PYTHON_WORDS = ("Error", "Exception", "Traceback", "/dev/shm", "/tmp/")


def make_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def with_method(archive: Path, method: int) -> Path:
    """The archive with every member's compression method field set to ``method``."""
    content = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = content.find(signature)
        while start != -1:
            content[start + offset : start + offset + 2] = struct.pack("<H", method)
            start = content.find(signature, start + 4)
    archive.write_bytes(bytes(content))
    return archive


def base() -> Path:
    """Where the zip reader makes its private folders on this computer."""
    folder = zip_reader._folder_base()
    return folder if folder is not None else Path(zip_reader.tempfile.gettempdir())


def folders_of(pid: int) -> list[Path]:
    return sorted(base().glob(f"ws-{pid}-*"))


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def assert_plain(message: str, archive: Path, case: str = "") -> None:
    assert f"'{archive.name}'" in message, f"{case}: {message}"
    for word in PYTHON_WORDS:
        assert word not in message, f"{case}: {word!r} in: {message}"


def ludb_members(ludb_dir: Path, prefix: str = "rec/") -> dict[str, bytes]:
    return {f"{prefix}1{ext}": (ludb_dir / f"1{ext}").read_bytes() for ext in (".hea", ".dat")}


# --- compression methods the standard library does not read --------------------------------


@pytest.mark.parametrize("method", [97, 98, 99])
def test_winzip_aes_methods_are_refused_in_plain_words(tmp_path, edf_file, method):
    archive = with_method(
        make_zip(tmp_path / "winzip.zip", {"eeg.edf": edf_file.read_bytes()}), method
    )
    with pytest.raises(InvalidRecording) as caught:
        read_recording(archive)
    message = str(caught.value)
    assert "AES/WinZip encryption or compression" in message
    assert "plain .zip" in message
    assert_plain(message, archive)


def test_winzip_method_in_a_wfdb_archive_extracts_nothing(tmp_path, ludb_dir):
    archive = with_method(make_zip(tmp_path / "aes.zip", ludb_members(ludb_dir)), 99)
    with pytest.raises(InvalidRecording, match="AES/WinZip") as caught:
        read_recording(archive)
    assert_plain(str(caught.value), archive)
    assert folders_of(os.getpid()) == []


def test_other_unreadable_methods_are_named(tmp_path, edf_file):
    archive = with_method(make_zip(tmp_path / "d64.zip", {"eeg.edf": edf_file.read_bytes()}), 9)
    with pytest.raises(InvalidRecording, match="Deflate64") as caught:
        read_recording(archive)
    assert_plain(str(caught.value), archive)


# --- every message in plain words -----------------------------------------------------------


def hostile_archives(tmp_path: Path, ludb_dir: Path, edf_file: Path) -> dict[str, Path]:
    members = ludb_members(ludb_dir)
    header = members["rec/1.hea"]
    damaged = make_zip(tmp_path / "crc.zip", {"eeg.edf": edf_file.read_bytes()}, zipfile.ZIP_STORED)
    content = bytearray(damaged.read_bytes())
    content[2000:2064] = b"\xaa" * 64
    damaged.write_bytes(bytes(content))
    first_line = header.decode().splitlines()[0].split()
    segments = "ms/2 1 500 5000\nseg1 2500\nseg2 2500\n"
    return {
        "crc": damaged,
        "aes": with_method(make_zip(tmp_path / "aes.zip", members), 99),
        "missing dat": make_zip(tmp_path / "nodat.zip", {"rec/1.hea": header}),
        "garbage dat": make_zip(
            tmp_path / "garbage.zip", {"rec/1.hea": header, "rec/1.dat": os.urandom(5000)}
        ),
        "short dat": make_zip(
            tmp_path / "short.zip", {"rec/1.hea": header, "rec/1.dat": members["rec/1.dat"][:99]}
        ),
        "garbage header": make_zip(
            tmp_path / "badhea.zip", {"1.hea": b"not a header \xff\n", "1.dat": b"\0" * 100}
        ),
        "multi-segment without segments": make_zip(tmp_path / "ms.zip", {"ms.hea": segments}),
        "wrong signal count": make_zip(
            tmp_path / "count.zip",
            {"1.hea": " ".join([first_line[0], "99", *first_line[2:]]).encode() + b"\n"},
        ),
        "name clash": make_zip(
            tmp_path / "clash.zip",
            {"rec/1.hea": header, "rec/1.dat": members["rec/1.dat"], "rec/1.dat/x.hea": b"x"},
        ),
        "bad edf": make_zip(tmp_path / "badedf.zip", {"x.edf": b"0       " + b"\xff" * 300}),
        "no record": make_zip(tmp_path / "notes.zip", {"notes.txt": b"hello"}),
    }


def test_no_message_about_a_hostile_archive_shows_python_or_a_temporary_path(
    tmp_path, ludb_dir, edf_file
):
    for case, archive in hostile_archives(tmp_path, ludb_dir, edf_file).items():
        with pytest.raises(RecordingError) as caught:
            read_recording(archive)
        assert_plain(str(caught.value), archive, case)
        assert caught.value.__cause__ is not caught.value
    assert folders_of(os.getpid()) == []


def test_a_reader_error_inside_the_archive_names_the_archive_and_the_member(tmp_path, ludb_dir):
    archive = make_zip(tmp_path / "ludb1.zip", {"rec/1.hea": (ludb_dir / "1.hea").read_bytes()})
    with pytest.raises(InvalidRecording) as caught:
        read_recording(archive)
    message = str(caught.value)
    assert message.startswith("'ludb1.zip': in the archive's file 'rec/1.hea'"), message
    assert "1.dat" in message
    assert_plain(message, archive)


@pytest.mark.parametrize(
    "raised",
    [
        AttributeError("'MultiRecord' object has no attribute 'sig_name'"),
        NotImplementedError("That compression method is not supported"),
        FileNotFoundError(2, "No such file or directory", "/dev/shm/ws-1-abc/rec/1.dat"),
        KeyError("fmt"),
    ],
)
def test_an_unexpected_failure_gets_a_plain_message(tmp_path, ludb_dir, monkeypatch, raised):
    def failing(path):
        raise raised

    monkeypatch.setattr(zip_reader, "read_wfdb", failing)
    archive = make_zip(tmp_path / "record.zip", ludb_members(ludb_dir))
    with pytest.raises(InvalidRecording) as caught:
        read_recording(archive)
    message = str(caught.value)
    assert "could not be read" in message
    assert_plain(message, archive)
    assert caught.value.__cause__ is not None  # the details stay for the developers


def test_a_temporary_path_and_exception_name_in_a_reader_error_are_removed(
    tmp_path, ludb_dir, monkeypatch
):
    def failing(path):
        raise InvalidRecording(
            path,
            f"the signal data cannot be decoded (ValueError: bad shape in '{path}'): the data "
            "files are damaged.",
        )

    monkeypatch.setattr(zip_reader, "read_wfdb", failing)
    archive = make_zip(tmp_path / "record.zip", ludb_members(ludb_dir))
    with pytest.raises(InvalidRecording) as caught:
        read_recording(archive)
    message = str(caught.value)
    assert "'rec/1.hea'" in message and "the data files are damaged" in message
    assert_plain(message, archive)


def test_warnings_quote_no_exception(tmp_path, edf_file, monkeypatch):
    real = zip_reader.read_edf

    def warned(*args, **kwargs):
        rec = real(*args, **kwargs)
        return zip_reader.replace(
            rec, warnings=("'x.atr' was not read as annotations (KeyError).",)
        )

    monkeypatch.setattr(zip_reader, "read_edf", warned)
    rec = read_recording(make_zip(tmp_path / "w.zip", {"eeg.edf": edf_file.read_bytes()}))
    assert rec.warnings == ("'x.atr' was not read as annotations.",)


# --- private folders: named after their process, swept when it is gone ---------------------


def test_the_private_folder_is_named_after_this_process(tmp_path, ludb_dir, monkeypatch):
    seen = []
    real = zip_reader.read_wfdb

    def spy(path):
        seen.append(path)
        assert oct(path.parent.parent.stat().st_mode & 0o777) == "0o700"
        return real(path)

    monkeypatch.setattr(zip_reader, "read_wfdb", spy)
    read_recording(make_zip(tmp_path / "r.zip", ludb_members(ludb_dir)))
    folder = seen[0].parent.parent
    assert folder.parent == base() and folder.name.startswith(f"ws-{os.getpid()}-")
    assert not folder.exists()


def test_a_dead_process_folder_is_swept_and_live_ones_are_kept(tmp_path, edf_file):
    dead = base() / f"ws-{dead_pid()}-x"
    mine = base() / f"ws-{os.getpid()}-keep"
    init = base() / "ws-1-keep"  # pid 1 always runs
    other = base() / "ws-not-a-pid"
    made = [dead, mine, init, other]
    try:
        for folder in made:
            (folder / "rec").mkdir(parents=True)
            (folder / "rec" / "1.dat").write_bytes(b"\0" * 1000)
        read_recording(make_zip(tmp_path / "any.zip", {"eeg.edf": edf_file.read_bytes()}))
        assert not dead.exists()
        assert mine.is_dir() and init.is_dir() and other.is_dir()
        assert (mine / "rec" / "1.dat").is_file()
    finally:
        for folder in made:
            zip_reader.shutil.rmtree(folder, ignore_errors=True)


def test_the_sweep_follows_no_link_and_leaves_files_alone(tmp_path):
    pid = dead_pid()
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    link = base() / f"ws-{pid}-link"
    plain_file = base() / f"ws-{pid}-file"
    try:
        link.symlink_to(target)
        plain_file.write_text("x")
        assert zip_reader.sweep_stale_folders() == []
        assert (target / "keep.txt").is_file() and link.is_symlink() and plain_file.is_file()
    finally:
        link.unlink(missing_ok=True)
        plain_file.unlink(missing_ok=True)


@pytest.mark.skipif(os.getuid() != 0, reason="making another user's folder needs root")
def test_the_sweep_leaves_another_users_folder_alone():
    folder = base() / f"ws-{dead_pid()}-other"
    try:
        folder.mkdir()
        os.chown(folder, 65534, 65534)
        assert zip_reader.sweep_stale_folders() == []
        assert folder.is_dir()
    finally:
        zip_reader.shutil.rmtree(folder, ignore_errors=True)


def test_a_read_in_a_worker_thread_leaves_the_signal_handlers_alone(tmp_path, ludb_dir):
    archive = make_zip(tmp_path / "t.zip", ludb_members(ludb_dir))
    before = signal.getsignal(signal.SIGTERM)
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(read_recording(archive)))
    worker.start()
    worker.join(60)
    assert results and results[0].n_channels > 0
    read_recording(archive)  # in the main thread the handler is there for the read only
    assert signal.getsignal(signal.SIGTERM) is before
    assert folders_of(os.getpid()) == []


# --- a reading process that is terminated or killed -----------------------------------------

#: A child that reads the archive; with "pause" it stops once the record is unpacked.
CHILD = textwrap.dedent(
    """
    import sys, time
    from workstation.io import read_recording, zip_reader

    if sys.argv[2] == "pause":
        real = zip_reader.read_wfdb

        def paused(path):
            print("UNPACKED", flush=True)
            time.sleep(60)
            return real(path)

        zip_reader.read_wfdb = paused
    print("START", flush=True)
    read_recording(sys.argv[1])
    print("DONE", flush=True)
    """
)


def start_child(archive: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(archive), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_line(child: subprocess.Popen, line: str) -> None:
    for got in child.stdout:
        if got.strip() == line:
            return
    pytest.fail(f"the child ended before printing {line} (code {child.wait()})")


@pytest.mark.timeout(120)
def test_sigterm_while_the_record_is_unpacked_leaves_no_folder(tmp_path, ludb_dir):
    archive = make_zip(tmp_path / "ludb1.zip", ludb_members(ludb_dir))
    child = start_child(archive, "pause")
    try:
        wait_for_line(child, "UNPACKED")
        folders = folders_of(child.pid)
        assert len(folders) == 1 and (folders[0] / "rec" / "1.dat").is_file()
        child.send_signal(signal.SIGTERM)
        assert child.wait(30) == -signal.SIGTERM  # still ends as SIGTERM ends a process
    finally:
        child.kill()
        child.wait()
    assert folders_of(child.pid) == []


def big_record(tmp_path: Path, n_samples: int = 2_000_000, n_channels: int = 12) -> Path:
    """A stored (uncompressed) zip of a 16-bit WFDB record of about 48 MB."""
    rng = np.random.default_rng(0)
    data = rng.integers(-300, 300, size=(n_samples, n_channels), dtype="<i2")
    names = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
    lines = [f"big {n_channels} 500 {n_samples}"]
    lines += [f"big.dat 16 200/mV 16 0 0 0 0 {names[i]}" for i in range(n_channels)]
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr("big/big.hea", "\n".join(lines) + "\n")
        out.writestr("big/big.dat", data.tobytes())
    return archive


@pytest.mark.timeout(300)
def test_sigterm_in_the_middle_of_a_large_read_leaves_no_folder(tmp_path):
    archive = big_record(tmp_path)
    child = start_child(archive, "read")
    try:
        wait_for_line(child, "START")
        deadline = time.monotonic() + 120
        while not any((f / "big").is_dir() for f in folders_of(child.pid)):
            if child.poll() is not None or time.monotonic() > deadline:
                pytest.skip("the read ended before it could be interrupted")
            time.sleep(0.002)
        child.send_signal(signal.SIGTERM)
        code = child.wait(60)
    finally:
        child.kill()
        child.wait()
    if code == 0:
        pytest.skip("the read ended before the signal arrived")
    assert code == -signal.SIGTERM
    assert folders_of(child.pid) == []


@pytest.mark.timeout(120)
def test_a_killed_readers_folder_is_swept_by_the_next_read(tmp_path, ludb_dir):
    archive = make_zip(tmp_path / "ludb1.zip", ludb_members(ludb_dir))
    child = start_child(archive, "pause")
    try:
        wait_for_line(child, "UNPACKED")
        child.send_signal(signal.SIGKILL)  # nothing can clean up after SIGKILL...
        child.wait(30)
        left = folders_of(child.pid)
        assert len(left) == 1
    finally:
        child.kill()
        child.wait()
    try:
        read_recording(archive)  # ...but the next zip read does
        assert folders_of(child.pid) == []
    finally:
        for folder in left:
            zip_reader.shutil.rmtree(folder, ignore_errors=True)
