"""read_hms_eeg on hostile parquet files: every wrong column type is refused in plain words."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from workstation.errors import InvalidRecording  # noqa: E402
from workstation.io.hms import HMS_CHANNELS, HMS_FS_HZ, read_hms_eeg  # noqa: E402

N = 400
EXCEPTION_NAME = re.compile(r"\b\w*(Error|Exception|Invalid)\b|Traceback")


def _columns() -> dict[str, object]:
    rng = np.random.default_rng(0)
    return {ch: pa.array(rng.normal(0, 15, N).astype(np.float32)) for ch in HMS_CHANNELS}


def _write(tmp_path: Path, **replace: object) -> Path:
    columns = _columns()
    columns.update(replace)
    path = tmp_path / "hostile.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(InvalidRecording) as info:
        read_hms_eeg(path)
    message = str(info.value)
    assert not EXCEPTION_NAME.search(message.replace("InvalidRecording", "")), message
    return message


def test_valid_synthetic_file_still_reads(tmp_path: Path) -> None:
    rec = read_hms_eeg(_write(tmp_path))
    assert rec.signals.shape == (len(HMS_CHANNELS), N)
    assert rec.signals.dtype == np.float32
    assert rec.fs == HMS_FS_HZ
    assert rec.channel_names == HMS_CHANNELS


def test_float64_column_is_accepted(tmp_path: Path) -> None:
    rec = read_hms_eeg(_write(tmp_path, Cz=pa.array(np.linspace(-50, 50, N))))
    assert rec.signals[HMS_CHANNELS.index("Cz"), -1] == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("column", "words"),
    [
        (pa.array([str(i) for i in range(N)]), "text"),
        (pa.array([[1.0, 2.0]] * N), "lists of values"),
        (pa.array([{"a": 1.0}] * N), "records"),
        (
            pa.array([dt.datetime(2024, 1, 1) + dt.timedelta(seconds=i) for i in range(N)]),
            "dates and times",
        ),
        (pa.array(np.arange(N, dtype=np.int64)), "whole numbers"),
        (pa.array(np.arange(N) % 2 == 0), "true/false"),
        (pa.array([None] * N), "no values"),
        (pa.array([str(i % 3) for i in range(N)]).dictionary_encode(), "categories"),
    ],
    ids=["string", "list", "struct", "timestamp", "int64", "bool", "null", "dictionary"],
)
def test_non_float_channel_column_is_refused_naming_it(
    tmp_path: Path, column: object, words: str
) -> None:
    message = _refusal(_write(tmp_path, F3=column))
    assert "'F3'" in message
    assert words in message
    assert "hostile.parquet" in message


def test_nulls_and_nan_are_gaps(tmp_path: Path) -> None:
    values = np.random.default_rng(1).normal(0, 15, N)
    with_null = pa.array([None if i < 10 else float(v) for i, v in enumerate(values)])
    with_nan = values.astype(np.float32)
    with_nan[20:30] = np.nan
    rec = read_hms_eeg(_write(tmp_path, O1=with_null, O2=pa.array(with_nan)))
    o1 = rec.signals[HMS_CHANNELS.index("O1")]
    o2 = rec.signals[HMS_CHANNELS.index("O2")]
    assert np.isnan(o1[:10]).all() and np.isfinite(o1[10:]).all()
    assert np.isnan(o2[20:30]).all() and np.isfinite(o2[:20]).all()
    assert rec.has_gaps


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e300])
def test_infinite_or_overflowing_values_are_refused(tmp_path: Path, bad: float) -> None:
    values = np.zeros(N)
    values[5] = bad
    message = _refusal(_write(tmp_path, P4=pa.array(values)))
    assert "'P4'" in message
    assert "infinite" in message


def test_duplicate_channel_column_is_refused(tmp_path: Path) -> None:
    columns = _columns()
    table = pa.table(columns).append_column("C3", pa.array(np.zeros(N, np.float32)))
    path = tmp_path / "dup.parquet"
    pq.write_table(table, path)
    message = _refusal(path)
    assert "C3" in message


def test_not_a_parquet_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"not parquet at all" * 10)
    _refusal(path)
