"""Resource limits of the WFDB reader (issue #14): a header declaring more than a ward can
meet is refused from its declared sizes, before any sample is allocated."""

import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
import wfdb

from workstation.errors import InvalidRecording
from workstation.io import read_recording, wfdb_header
from workstation.io.wfdb_reader import read_wfdb

#: Python allocations allowed while a bomb is refused (the issue's acceptance bound).
PEAK_BYTES = 100 * 1024 * 1024


def tiny_segment(folder: Path, name: str = "seg1") -> None:
    wfdb.wrsamp(
        name,
        fs=100,
        units=["mV"],
        sig_name=["II"],
        p_signal=np.zeros((10, 1)),
        fmt=["16"],
        write_dir=str(folder),
    )


def gap_bomb(folder: Path) -> Path:
    """A multi-segment master header with a 30,000,000-sample gap: 83 hours at 100 Hz."""
    tiny_segment(folder)
    header = folder / "bomb.hea"
    header.write_text("bomb/2 1 100 30000010\nseg1 10\n~ 30000000\n")
    return header


def refused(read, path: Path) -> InvalidRecording:
    """The error refusing ``path``; fails if Python allocated more than PEAK_BYTES meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(InvalidRecording) as info:
            read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MiB allocated while refusing {path.name}"
    return info.value


def plain(error: InvalidRecording) -> None:
    text = str(error)
    assert "Traceback" not in text and "Error" not in text and "wfdb" not in text


def test_a_multi_segment_gap_of_83_hours_is_refused(tmp_path):
    error = refused(read_wfdb, gap_bomb(tmp_path))
    assert "83.3 hours" in str(error) and f"at most {wfdb_header.MAX_HOURS} hours" in str(error)
    plain(error)


def test_the_zipped_gap_bomb_is_refused(tmp_path):
    folder = tmp_path / "rec"
    folder.mkdir()
    gap_bomb(folder)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for member in sorted(folder.iterdir()):
            out.write(member, member.name)
    error = refused(read_recording, archive)
    assert "hours" in str(error) and "72" in str(error)
    plain(error)


@pytest.mark.parametrize("multi_segment", [False, True])
def test_a_header_declaring_99999999_signals_is_refused(tmp_path, multi_segment):
    header = tmp_path / "many.hea"
    if multi_segment:
        tiny_segment(tmp_path)
        header.write_text("many/2 99999999 100 20\nseg1 10\n~ 10\n")
    else:
        header.write_text("many 99999999 500 10\nmany.dat 16 200 16 0 0 0 0 II\n")
        (tmp_path / "many.dat").write_bytes(bytes(20))
    error = refused(read_wfdb, header)
    assert "99,999,999 signals" in str(error)
    assert f"at most {wfdb_header.MAX_CHANNELS} channels" in str(error)
    plain(error)


def test_a_segment_header_declaring_too_many_signals_is_refused(tmp_path):
    (tmp_path / "seg1.hea").write_text("seg1 300 100 10\nseg1.dat 16 200 16 0 0 0 0 II\n")
    (tmp_path / "seg1.dat").write_bytes(bytes(20))
    header = tmp_path / "ms.hea"
    header.write_text("ms/1 1 100 10\nseg1 10\n")
    assert "300 signals" in str(refused(read_wfdb, header))


def test_80_hours_at_500_hz_with_a_short_data_file_is_refused_for_its_length(tmp_path):
    header = tmp_path / "long.hea"
    header.write_text(f"long 1 500 {80 * 3600 * 500}\nlong.dat 16 200 16 0 0 0 0 II\n")
    (tmp_path / "long.dat").write_bytes(bytes(20))
    error = refused(read_wfdb, header)
    assert "80.0 hours" in str(error) and "at most 72 hours" in str(error)


def test_a_skew_longer_than_the_recording_is_refused(tmp_path):
    tiny_segment(tmp_path)
    header = tmp_path / "skew.hea"
    header.write_text("skew 1 100 10\nseg1.dat 16:900000000 200 16 0 0 0 0 II\n")
    error = refused(read_wfdb, header)
    assert "900,000,000 samples" in str(error) and "skew" in str(error)


def test_samples_per_frame_beyond_the_size_cap_are_refused(tmp_path):
    # 256 signals x 60 samples per frame x 100,000 frames x 4 bytes = 5.7 GiB; 1 h at 28 Hz.
    lines = ["big 256 28 100000"] + [f"big.dat 16x60 200 16 0 0 0 0 S{i}" for i in range(256)]
    header = tmp_path / "big.hea"
    header.write_text("\n".join(lines) + "\n")
    (tmp_path / "big.dat").write_bytes(bytes(20))
    error = refused(read_wfdb, header)
    assert "GiB" in str(error) and "at most 4 GiB" in str(error)


def test_normal_records_still_read(ludb_dir, wfdb_samples):
    rec = read_wfdb(ludb_dir / "1.hea")
    assert rec.signals.shape[0] == 12 and rec.n_samples > 0
    multi = read_wfdb(wfdb_samples / "multi-segment" / "041s" / "041s.hea")
    assert multi.n_samples > 0
