"""Property tests: real headers, EDF files and archives, mutated, give only our own errors.

Each example is read from a fresh temporary folder. A read either returns a valid Recording
or raises a RecordingError whose message names the file; anything else (another exception,
a crash, a hang past the test timeout) fails the test.
"""

import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import SHARED_DATA, write_edf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workstation.errors import RecordingError
from workstation.io import read_recording
from workstation.recording import MAX_SAMPLING_RATE_HZ, MIN_SAMPLING_RATE_HZ

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WFDB_RECORDS = [
    ("ludb/data", "1"),
    ("wfdb-samples", "100"),
    ("wfdb-samples", "binformats"),
    ("wfdb-samples", "flacformats"),
]
FIELD_VALUES = [
    "-1",
    "0",
    "1",
    "1e9",
    "abc",
    "99999999999",
    "",
    "16x0",
    "212",
    "508",
    "nan",
    "-",
    "/",
    "1/0",
    "(5)",
    "x",
]


def _read_or_refuse(path: Path) -> None:
    try:
        rec = read_recording(path)
    except RecordingError as exc:
        assert path.name in str(exc) or (exc.path and Path(exc.path).name in str(exc))
        return
    assert rec.signals.dtype == np.float32 and rec.n_channels > 0 and rec.n_samples > 0
    assert MIN_SAMPLING_RATE_HZ <= rec.fs <= MAX_SAMPLING_RATE_HZ
    assert not np.isinf(rec.signals).any()


def _mutate(data: bytes, draw) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "splice"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    buf = bytearray(data)
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(buf) - 1))
            buf[i] = draw(st.integers(0, 255))
        return bytes(buf)
    start = draw(st.integers(0, len(buf)))
    return bytes(buf[:start]) + draw(st.binary(max_size=64)) + bytes(buf[start:])


def _edit_header_field(text: str, draw) -> str:
    lines = text.splitlines()
    row = draw(st.integers(0, min(len(lines), 4) - 1))
    fields = lines[row].split(" ")
    col = draw(st.integers(0, len(fields) - 1))
    fields[col] = draw(st.sampled_from(FIELD_VALUES))
    lines[row] = " ".join(fields)
    return "\n".join(lines) + "\n"


def _record_files(folder: str, record: str) -> dict[str, bytes]:
    root = SHARED_DATA / folder
    if not root.is_dir():
        pytest.skip(f"real recordings not available: {root} is absent")
    return {
        p.name: p.read_bytes()
        for p in root.glob(f"{record}.*")
        if p.suffix in (".hea", ".dat") or p.name.startswith(f"{record}.d")
    }


@pytest.mark.timeout(300)
@FUZZ
@given(
    data=st.data(),
    which=st.sampled_from(WFDB_RECORDS),
    target=st.sampled_from(["header-field", "header-bytes", "data"]),
)
def test_mutated_wfdb_records(data, which, target):
    files = _record_files(*which)
    header_name = f"{which[1]}.hea"
    if target == "header-field":
        files[header_name] = _edit_header_field(
            files[header_name].decode("latin-1"), data.draw
        ).encode("latin-1")
    elif target == "header-bytes":
        files[header_name] = _mutate(files[header_name], data.draw)
    else:
        name = data.draw(st.sampled_from(sorted(n for n in files if n != header_name)))
        files[name] = _mutate(files[name], data.draw)
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        _read_or_refuse(Path(folder) / header_name)


@pytest.fixture(scope="module")
def edf_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.edf"
        write_edf(
            path, n_seconds=3, fs=64, annotations=[(0.5, 1.0, "note"), (1.5, None, "spike@@C3")]
        )
        return path.read_bytes()


def _edit_edf_field(content: bytes, draw) -> bytes:
    """Overwrite one fixed-width field of the EDF header with a random ASCII value."""
    offsets = [(168, 8), (176, 8), (184, 8), (236, 8), (244, 8), (252, 4)]
    n_signals = int(content[252:256])
    base = 256 + n_signals * 16 + n_signals * 80 + n_signals * 8
    offsets += [(base + k * 8 * n_signals, 8) for k in range(4)]
    offsets += [(256 + n_signals * 216, 8)]
    start, width = draw(st.sampled_from(offsets))
    value = draw(st.sampled_from(FIELD_VALUES + ["-32768", "32767", "0.000001", "1e308"]))
    return content[:start] + value.encode().ljust(width)[:width] + content[start + width :]


@pytest.mark.timeout(300)
@FUZZ
@given(data=st.data(), target=st.sampled_from(["field", "bytes"]), bdf=st.booleans())
def test_mutated_edf_files(edf_bytes, data, target, bdf):
    content = edf_bytes
    if bdf:
        content = b"\xffBIOSEMI" + content[8:]
    content = (
        _edit_edf_field(content, data.draw) if target == "field" else _mutate(content, data.draw)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("x.bdf" if bdf else "x.edf")
        path.write_bytes(content)
        _read_or_refuse(path)


@pytest.mark.timeout(300)
@FUZZ
@given(data=st.data(), inner=st.sampled_from(["edf", "wfdb"]))
def test_mutated_zip_archives(edf_bytes, data, inner):
    members = (
        {"rec/x.edf": edf_bytes}
        if inner == "edf"
        else {f"rec/{n}": c for n, c in _record_files("ludb/data", "1").items()}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    content = _mutate(buffer.getvalue(), data.draw)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.zip"
        path.write_bytes(content)
        _read_or_refuse(path)
