"""What the reader fuzz harness (benchmarks/fuzz_readers.py, issue #14) found, one test each.

Every file here is the harness's failing input cut down to the field that mattered, written
from scratch so the tests need no shared data: a zip whose central directory asks for a newer
zip version, WFDB length fields that wfdb skips, values no recording can hold (CSV, parquet,
WFDB gain), a plain EDF whose time-keeping annotations leave a gap, annotations past the
end, and library messages quoting their internals.
"""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
import wfdb
from helpers import write_edf
from test_io_edf_hostile import FS, _digital, _tal, edf_bytes

from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.io.plausibility import MAX_MICROVOLTS

#: What the harness counts as a message quoting Python or an internal path.
PYTHON_OR_PATH = re.compile(r"[A-Za-z]+Error|Traceback|Exception|/dev/shm|/tmp/ws-|site-packages")


def _refused(path: Path, read=read_recording) -> str:
    with pytest.raises(InvalidRecording) as info:
        read(path)
    message = str(info.value)
    assert message.startswith(f"'{path.name}'"), message
    assert not PYTHON_OR_PATH.search(message), message
    return message


def _tiny_wfdb(folder: Path, gain: float = 200.0) -> Path:
    """Two channels, 100 samples at 100 Hz, format 16, in mV."""
    digital = (np.arange(200).reshape(100, 2) % 50 - 25).astype(np.int64)
    wfdb.wrsamp(
        "r",
        fs=100,
        units=["mV", "mV"],
        sig_name=["I", "II"],
        d_signal=digital,
        fmt=["16", "16"],
        adc_gain=[gain, gain],
        baseline=[0, 0],
        write_dir=str(folder),
    )
    return folder / "r.hea"


def _with_record_line(header: Path, line: str) -> Path:
    lines = header.read_text().splitlines()
    lines[0] = line
    header.write_text("\n".join(lines) + "\n")
    return header


# --- zip: a 'version needed to extract' zipfile does not read --------------------------------


def test_zip_asking_for_a_newer_zip_version_is_refused_in_plain_words(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rec/x.edf", b"0       ")
    content = bytearray(buffer.getvalue())
    central = content.find(b"PK\x01\x02")
    content[central + 6 : central + 8] = (0xFF).to_bytes(2, "little")  # version 25.5
    path = tmp_path / "x.zip"
    path.write_bytes(bytes(content))
    message = _refused(path)
    assert "zip variant" in message and "plain .zip" in message


def test_zip_whose_end_record_points_before_the_start_is_refused_as_damaged(tmp_path):
    content = _edf_zip(tmp_path)
    end = content.rfind(b"PK\x05\x06")
    content[end + 16 : end + 20] = (0x7FFFFFFF).to_bytes(4, "little")  # central directory offset
    path = tmp_path / "x.zip"
    path.write_bytes(bytes(content))
    assert "the archive is damaged or incomplete" in _refused(path)


def _edf_zip(tmp_path: Path) -> bytearray:
    edf = tmp_path / "x.edf"
    write_edf(edf, n_seconds=2, fs=64)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rec/x.edf", edf.read_bytes())
    return bytearray(buffer.getvalue())


def test_zip_member_whose_method_says_bzip2_over_deflate_data_is_refused_as_damaged(tmp_path):
    content = _edf_zip(tmp_path)
    central = content.find(b"PK\x01\x02")
    content[central + 10 : central + 12] = (12).to_bytes(2, "little")  # BZIP2
    path = tmp_path / "x.zip"
    path.write_bytes(bytes(content))
    assert "the archive is damaged or incomplete" in _refused(path)


def test_zip_member_name_flagged_utf8_that_is_not_is_refused_as_damaged(tmp_path):
    content = _edf_zip(tmp_path)
    local = content.find(b"PK\x03\x04")
    content[local + 6 : local + 8] = (0x800).to_bytes(2, "little")  # "the name is UTF-8"
    content[local + 30 : local + 30 + len("rec/x.edf")] = b"\xca" * len("rec/x.edf")
    path = tmp_path / "x.zip"
    path.write_bytes(bytes(content))
    assert "the archive is damaged or incomplete" in _refused(path)


def test_zip_member_without_a_name_is_refused_as_damaged(tmp_path):
    """zipfile itself fails on an empty name (ZipInfo.is_dir indexes its last character)."""
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"0       ")
    assert "the archive is damaged or incomplete" in _refused(path)


# --- WFDB: record-line fields that wfdb skips instead of refusing -----------------------------


@pytest.mark.parametrize("length", ["-99999999", "100x", "1e2"])
def test_wfdb_length_field_that_is_not_a_whole_number_is_refused(tmp_path, length):
    header = _with_record_line(_tiny_wfdb(tmp_path), f"r 2 100 {length}")
    message = _refused(header)
    assert f"length field '{length}'" in message


@pytest.mark.parametrize("line", ["r ² 100 100", "r 2 100 １００", "r 2 100 1²"])
def test_wfdb_record_line_with_non_ascii_digits_is_refused(tmp_path, line):
    """Python's str.isdigit() says yes to '²' and '１', and int() then fails (or reads '１００')."""
    header = _tiny_wfdb(tmp_path)
    lines = header.read_text().splitlines()
    header.write_text("\n".join([line, *lines[1:]]) + "\n", encoding="utf-8")
    assert "characters WFDB does not allow" in _refused(header)


def test_wfdb_header_without_its_signal_lines_is_refused(tmp_path):
    header = _tiny_wfdb(tmp_path)
    header.write_text("r 2 100 100\n")
    assert "declares 2 signal(s) but has 0 signal line(s)" in _refused(header)


def test_wfdb_gain_that_scales_counts_to_kilovolts_is_refused(tmp_path):
    # 25 counts at 0.001 counts per mV: 25,000 mV = 25 V.
    message = _refused(_tiny_wfdb(tmp_path, gain=0.001))
    assert "channel 'I'" in message and "calibration" in message


# --- Values beyond any recording, in every reader ---------------------------------------------


def _csv(tmp_path: Path, cell: str) -> Path:
    rows = [f"{i / 100:.2f},{0.1 * (i % 7):.2f},{cell if i == 5 else '0.5'}" for i in range(50)]
    path = tmp_path / "x.csv"
    path.write_text("time,I (mV),II (mV)\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("cell", ["99999999", "4294967296", "3.4e38", "-1e7"])
def test_csv_cell_beyond_any_recording_is_refused_naming_the_channel(tmp_path, cell):
    message = _refused(_csv(tmp_path, cell))
    assert "channel 'II'" in message and "10 V" in message


def test_csv_values_up_to_the_limit_are_read(tmp_path):
    limit_mv = MAX_MICROVOLTS / 1e3
    rec = read_recording(_csv(tmp_path, f"{-0.9 * limit_mv:g}"))
    assert rec.signals[1, 5] == pytest.approx(-0.9 * limit_mv)


pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _hms(tmp_path: Path, **columns: np.ndarray) -> Path:
    from workstation.io.hms import HMS_CHANNELS

    rng = np.random.default_rng(0)
    data = {c: rng.normal(0, 15, 400).astype(np.float32) for c in HMS_CHANNELS}
    data.update(columns)
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table(data), path)
    return path


@pytest.mark.parametrize("value", [-3e38, 1e30, 1.5e7])
def test_hms_cell_beyond_any_recording_is_refused(tmp_path, value):
    from workstation.io.hms import read_hms_eeg

    values = np.zeros(400, np.float32)
    values[7] = value
    message = _refused(_hms(tmp_path, Fp1=values), read_hms_eeg)
    assert "channel 'Fp1'" in message


def test_damaged_parquet_is_refused_without_pyarrow_internals_or_paths(tmp_path):
    from workstation.io.hms import read_hms_eeg

    path = _hms(tmp_path)
    content = path.read_bytes()
    middle = len(content) // 2
    path.write_bytes(content[:middle] + content[middle - 2000 : middle] + content[middle:])
    message = _refused(path, read_hms_eeg)
    assert "not a readable parquet file" in message
    assert "thrift" not in message and str(tmp_path) not in message


# --- EDF: time-keeping annotations of a plain EDF, annotations past the end -------------------


def test_plain_edf_with_time_keeping_gap_is_placed_on_the_true_time_axis(tmp_path):
    """The harness blanked the EDF+D field: the records at 0, 1, 3, 4 s were then read back
    to back and the annotation at 4.5 s lay past the end of a 4 s recording."""
    content = edf_bytes(_digital(4), [0, 1, 3, 4], reserved="", annotations={3: [_tal(4.5, "M")]})
    path = tmp_path / "x.edf"
    path.write_bytes(content)
    rec = read_recording(path)
    assert rec.n_samples == 5 * FS
    assert np.isnan(rec.signals[:, 2 * FS : 3 * FS]).all()
    assert not np.isnan(rec.signals[:, 3 * FS :]).any()
    assert [(a.onset, a.label) for a in rec.annotations] == [(4.5, "M")]
    assert any("1 gap (1.0 s in all)" in w and "continuous (EDF)" in w for w in rec.warnings)


@pytest.mark.parametrize("duration", ["nan", "inf", "-1", "abc"])
def test_edf_record_duration_that_is_not_seconds_is_refused(tmp_path, duration):
    content = bytearray(edf_bytes(_digital(2), [0, 1]))
    content[244:252] = duration.encode().ljust(8)
    path = tmp_path / "x.edf"
    path.write_bytes(bytes(content))
    assert f"data record duration '{duration}'" in _refused(path)


def test_edf_rate_from_a_microsecond_record_is_refused_before_allocating(tmp_path):
    """100 samples per 1 µs record: 100 MHz, and an EDF+D axis of 4e8 samples per channel."""
    path = tmp_path / "x.edf"
    path.write_bytes(edf_bytes(_digital(4), [0, 1, 3, 4], record_duration=1e-6))
    tracemalloc.start()
    try:
        message = _refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "sampling rate 1e+08 Hz" in message
    assert peak < 50 * 2**20


def test_annotation_after_the_end_of_an_edf_is_left_out_with_a_warning(tmp_path):
    path = tmp_path / "x.edf"
    write_edf(path, n_seconds=4, fs=64, annotations=[(1.0, None, "kept"), (30.0, None, "late")])
    rec = read_recording(path)
    assert [a.label for a in rec.annotations] == ["kept"]
    assert any("1 annotation(s) lie outside" in w and "'late'" in w for w in rec.warnings)


# --- WFDB annotation files wfdb cannot parse --------------------------------------------------


def test_unreadable_wfdb_annotation_file_is_named_without_an_exception_name(tmp_path):
    header = _tiny_wfdb(tmp_path)
    (tmp_path / "r.atr").write_bytes(b"\xff" * 7)
    rec = read_recording(header)
    assert rec.warnings == (
        "'r.atr' was not read as annotations: it is damaged or is not a WFDB annotation file.",
    )
