import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import write_edf

from workstation.errors import InvalidRecording
from workstation.io import read_recording, zip_reader


def make_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def ram_folders() -> set[str]:
    base = Path("/dev/shm")
    return {p.name for p in base.glob("ws-*")} if base.is_dir() else set()


def test_zip_with_one_edf_is_read_in_memory(tmp_path, edf_file):
    archive = make_zip(tmp_path / "bundle.zip", {"study/eeg.edf": edf_file.read_bytes()})
    direct = read_recording(edf_file)
    rec = read_recording(archive)
    np.testing.assert_array_equal(rec.signals, direct.signals)
    assert rec.annotations == direct.annotations
    assert rec.source_name == "bundle.zip" and rec.source_format == "EDF+ (continuous) in ZIP"
    assert rec.metadata["archive_member"].endswith("study/eeg.edf")
    assert rec.source_sha256 != direct.source_sha256


def test_zip_with_a_wfdb_record_uses_a_private_folder_that_is_removed(tmp_path, ludb_dir):
    members = {
        f"rec/1{ext}": (ludb_dir / f"1{ext}").read_bytes() for ext in (".hea", ".dat", ".ii", ".v1")
    }
    archive = make_zip(tmp_path / "ludb1.zip", members)
    before = ram_folders()
    rec = read_recording(archive)
    assert ram_folders() == before
    direct = read_recording(ludb_dir / "1.hea")
    np.testing.assert_array_equal(rec.signals, direct.signals)
    assert {a.channel for a in rec.annotations} == {"ii", "v1"}


def test_zip_with_a_multi_segment_record_is_one_record(tmp_path, wfdb_samples):
    folder = wfdb_samples / "multi-segment" / "041s"
    archive = make_zip(tmp_path / "ms.zip", {p.name: p.read_bytes() for p in folder.iterdir()})
    assert read_recording(archive).n_samples == read_recording(folder / "041s.hea").n_samples


def test_the_private_folder_is_removed_when_reading_fails(tmp_path, ludb_dir):
    archive = make_zip(tmp_path / "broken.zip", {"1.hea": (ludb_dir / "1.hea").read_bytes()})
    before = ram_folders()
    with pytest.raises(InvalidRecording, match="1.dat"):
        read_recording(archive)
    assert ram_folders() == before


@pytest.mark.parametrize(
    "name", ["../evil.edf", "/etc/evil.edf", "a/../../evil.edf", "C:/evil.edf"]
)
def test_path_traversal_and_absolute_names_are_refused(tmp_path, edf_file, name):
    archive = make_zip(tmp_path / "evil.zip", {name: edf_file.read_bytes()})
    with pytest.raises(InvalidRecording, match="outside the archive"):
        read_recording(archive)
    assert not (tmp_path.parent / "evil.edf").exists()


def test_links_are_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("x.hea")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(InvalidRecording, match="link"):
        read_recording(path)


def test_more_than_one_record_is_refused(tmp_path, edf_file, ludb_dir):
    two_edfs = make_zip(
        tmp_path / "two.zip", {"a.edf": edf_file.read_bytes(), "b.edf": edf_file.read_bytes()}
    )
    with pytest.raises(InvalidRecording, match="more than one record"):
        read_recording(two_edfs)
    mixed = make_zip(
        tmp_path / "mixed.zip",
        {
            "a.edf": edf_file.read_bytes(),
            "1.hea": (ludb_dir / "1.hea").read_bytes(),
            "1.dat": (ludb_dir / "1.dat").read_bytes(),
        },
    )
    with pytest.raises(InvalidRecording, match="more than one record"):
        read_recording(mixed)
    two_wfdb = make_zip(
        tmp_path / "two_wfdb.zip",
        {
            f"{r}{ext}": (ludb_dir / f"{r}{ext}").read_bytes()
            for r in ("1", "2")
            for ext in (".hea", ".dat")
        },
    )
    with pytest.raises(InvalidRecording, match="more than one record"):
        read_recording(two_wfdb)


def test_empty_and_recordless_archives(tmp_path):
    with pytest.raises(InvalidRecording, match="no recording"):
        read_recording(make_zip(tmp_path / "empty.zip", {}))
    with pytest.raises(InvalidRecording, match="no recording"):
        read_recording(make_zip(tmp_path / "notes.zip", {"notes.txt": b"hello"}))


def test_zip_bomb_is_refused_before_extraction(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_reader, "RATIO_CHECK_FROM_BYTES", 1 << 20)
    archive = make_zip(tmp_path / "bomb.zip", {"bomb.edf": b"\0" * (16 << 20)})
    assert archive.stat().st_size < (16 << 20) / zip_reader.MAX_RATIO
    with pytest.raises(InvalidRecording, match="zip bomb"):
        read_recording(archive)


def test_declared_size_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(zip_reader, "MAX_UNCOMPRESSED_BYTES", 1000)
    archive = make_zip(tmp_path / "big.zip", {"a.edf": os.urandom(2000)}, zipfile.ZIP_STORED)
    with pytest.raises(InvalidRecording, match="zip bomb"):
        read_recording(archive)


def test_damaged_archive(tmp_path, edf_file):
    archive = make_zip(tmp_path / "damaged.zip", {"a.edf": edf_file.read_bytes()})
    content = bytearray(archive.read_bytes())
    content[len(content) // 2 : len(content) // 2 + 64] = b"\xaa" * 64
    archive.write_bytes(bytes(content))
    with pytest.raises(InvalidRecording):
        read_recording(archive)


def test_zip_named_edf_is_read_and_the_name_is_warned_about(tmp_path):
    path = tmp_path / "eeg.edf"
    write_edf(path)
    archive = make_zip(tmp_path / "renamed.edf.bin", {"eeg.edf": path.read_bytes()})
    rec = read_recording(archive)
    assert any("holds ZIP data" in w for w in rec.warnings)
