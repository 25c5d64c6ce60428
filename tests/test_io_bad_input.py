"""Bad files get InvalidRecording or UnsupportedFormat with a message that names the file."""

import numpy as np
import pytest

from workstation.errors import InvalidRecording, RecordingError, UnsupportedFormat
from workstation.io import detect_format, read_recording
from workstation.io.detect import Format


def test_missing_file(tmp_path):
    with pytest.raises(InvalidRecording, match="'nothing.edf': the file does not exist"):
        read_recording(tmp_path / "nothing.edf")


def test_folder(tmp_path):
    with pytest.raises(UnsupportedFormat, match="folder"):
        read_recording(tmp_path)


@pytest.mark.parametrize("name", ["empty.edf", "empty.hea", "empty.csv", "empty.zip", "empty"])
def test_empty_file(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(InvalidRecording, match="empty"):
        read_recording(tmp_path / name)


@pytest.mark.parametrize("name", ["garbage.edf", "garbage.hea", "garbage.zip", "garbage.bdf"])
def test_binary_garbage_with_a_known_extension(tmp_path, name):
    (tmp_path / name).write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(InvalidRecording):
        read_recording(tmp_path / name)


def test_unknown_format(tmp_path):
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(UnsupportedFormat, match="does not read '.png' files"):
        read_recording(tmp_path / "scan.png")


def write_record(folder, header: str, data: bytes = b"", name="rec"):
    (folder / f"{name}.hea").write_text(header)
    if data:
        (folder / f"{name}.dat").write_bytes(data)
    return folder / f"{name}.hea"


def test_wfdb_header_data_mismatch_and_truncation(tmp_path):
    samples = np.arange(2000, dtype="<i2").tobytes()
    ok = write_record(
        tmp_path,
        "rec 2 500 1000\nrec.dat 16 200/mV 16 0 0 0 0 I\nrec.dat 16 200/mV 16 0 0 0 0 II\n",
        samples,
    )
    assert read_recording(ok).n_samples == 1000
    (tmp_path / "rec.dat").write_bytes(samples[:1500])
    with pytest.raises(InvalidRecording, match="truncated"):
        read_recording(ok)
    longer = write_record(  # 2 h declared, 2 s of data: a mismatched data file
        tmp_path,
        "rec 2 500 3600000\nrec.dat 16 200/mV 16 0 0 0 0 I\nrec.dat 16 200/mV 16 0 0 0 0 II\n",
        samples,
    )
    with pytest.raises(InvalidRecording, match="truncated or does not belong"):
        read_recording(longer)
    absurd = write_record(  # 55,556 h declared: refused by the length limit before any read
        tmp_path,
        "rec 2 500 100000000000\nrec.dat 16 200/mV 16 0 0 0 0 I\nrec.dat 16 200/mV 16 0 0 0 0 II\n",
        samples,
    )
    with pytest.raises(InvalidRecording, match="at most 72 hours"):
        read_recording(absurd)


@pytest.mark.parametrize(
    "header, problem",
    [
        ("rec 0 500 1000\n", "no signals"),
        ("rec 1 0 1000\nrec.dat 16 200/mV 16 0 0 0 0 I\n", "sampling rate"),
        ("rec 1 1e9 1000\nrec.dat 16 200/mV 16 0 0 0 0 I\n", "sampling rate"),
        ("rec 1 500000000 1000\nrec.dat 16 200/mV 16 0 0 0 0 I\n", "not plausible"),
        ("rec 1 500 1000\nrec.dat 16 200/mV 16 0 0 0 0 I\nrec.dat 16 200/mV 16 0 0 0 0 II\n", "."),
        ("this is not a header at all\n", "."),
    ],
)
def test_implausible_wfdb_headers(tmp_path, header, problem):
    path = write_record(tmp_path, header, np.zeros(4000, dtype="<i2").tobytes())
    with pytest.raises(InvalidRecording, match=problem):
        read_recording(path)


def test_errors_name_the_file_and_give_advice(tmp_path):
    (tmp_path / "x.edf").write_bytes(b"not an edf")
    with pytest.raises(RecordingError) as raised:
        read_recording(tmp_path / "x.edf")
    assert raised.value.path.endswith("x.edf")
    assert str(raised.value).startswith("'x.edf':")
    assert raised.value.advice


def test_detect_format_by_content_first(tmp_path, edf_file, ludb_dir):
    assert detect_format(edf_file) is Format.EDF
    assert detect_format(ludb_dir / "1.hea") is Format.WFDB
    assert detect_format(ludb_dir / "1.dat") is Format.WFDB
    assert detect_format(ludb_dir / "1") is Format.WFDB
