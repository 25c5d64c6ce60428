"""CSV exports: one column per channel, with a time column or a stated sampling rate.

Column headers may carry units as ``II (mV)`` or ``II [mV]``. The sampling rate comes from a
time column (``time``, ``t``, ``seconds``, ``time_s``, ``time_ms`` …, which must increase
evenly), from a leading comment line such as ``# sampling_rate: 500``, or from the caller
(``--fs`` on the command line). A CSV has no convention for a missing sample, so an empty or
NaN cell is an error, not a gap.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from workstation.errors import InvalidRecording
from workstation.recording import Recording, infer_modality, sha256_of_files

_TIME_COLUMNS = {"time", "t", "seconds", "sec", "s", "time_s", "time (s)", "time [s]", "timestamp"}
_TIME_MS_COLUMNS = {"time_ms", "ms", "time (ms)", "time [ms]", "milliseconds"}
_RATE_COMMENT = re.compile(
    r"^#\s*(?:sampling[_ ]rate|fs|sample[_ ]rate|sampling[_ ]frequency)\s*[:=]\s*([0-9.eE+-]+)",
    re.IGNORECASE,
)
_UNIT_IN_NAME = re.compile(r"^(.*?)\s*[\(\[]\s*([^\)\]]*)\s*[\)\]]\s*$")
#: Relative spread of the sampling interval tolerated in a time column (export rounding).
_JITTER_TOLERANCE = 0.02


def read_csv(path: Path, fs: float | None = None, content: bytes | None = None) -> Recording:
    raw = content if content is not None else path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidRecording(path, "the file is not a text (UTF-8) CSV file.") from exc
    comment_rate = _rate_from_comments(text)
    table = _parse(text, path)
    columns = [str(c).strip() for c in table.columns]
    time_index, time_scale = _find_time_column(columns)
    values = _numeric(table, path)
    if time_index is not None:
        times = values[:, time_index] * time_scale
        values = np.delete(values, time_index, axis=1)
        del columns[time_index]
        rate = _rate_from_times(times, path)
    elif fs is not None or comment_rate is not None:
        rate = float(fs if fs is not None else comment_rate)
    else:
        raise InvalidRecording(
            path,
            "the CSV has no time column and no stated sampling rate.",
            "Add a 'time' column in seconds, a first line '# sampling_rate: 500', or give the "
            "rate with --fs.",
        )
    if values.shape[1] == 0:
        raise InvalidRecording(path, "the CSV has a time column but no signal columns.")
    names, units = zip(*(_name_and_unit(c) for c in columns), strict=True)
    return Recording(
        signals=np.ascontiguousarray(values.T, dtype=np.float32),
        fs=rate,
        channel_names=names,
        units=units,
        modality=infer_modality(names),
        source_name=path.name,
        source_sha256=sha256_of_files([io.BytesIO(raw)]),
        source_format="CSV",
    )


def _rate_from_comments(text: str) -> float | None:
    for line in text.splitlines()[:20]:
        match = _RATE_COMMENT.match(line.strip())
        if match:
            try:
                return float(match.group(1))
            except ValueError:
                return None
    return None


def _parse(text: str, path: Path) -> pd.DataFrame:
    if not text.strip():
        raise InvalidRecording(path, "the file is empty.")
    try:
        table = pd.read_csv(io.StringIO(text), comment="#", sep=_delimiter(text), engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        raise InvalidRecording(path, f"the CSV cannot be parsed ({exc}).") from exc
    if table.shape[1] == 0 or table.shape[0] == 0:
        raise InvalidRecording(path, "the CSV holds no data rows.")
    return table


def _delimiter(text: str) -> str:
    """The separator of the header line: semicolon and tab exports are common in Europe."""
    header = next(
        (line for line in text.splitlines() if line.strip() and not line.startswith("#")), ""
    )
    for candidate in ("\t", ";"):
        if candidate in header:
            return candidate
    return ","


def _find_time_column(columns: list[str]) -> tuple[int | None, float]:
    for i, name in enumerate(columns):
        key = name.casefold()
        if key in _TIME_COLUMNS:
            return i, 1.0
        if key in _TIME_MS_COLUMNS:
            return i, 1e-3
    return None, 1.0


def _numeric(table: pd.DataFrame, path: Path) -> np.ndarray:
    numeric = table.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() & ~table.isna()
    if bad.any().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        raise InvalidRecording(
            path,
            f"row {row + 2}, column '{table.columns[col]}' is not a number "
            f"({table.iat[row, col]!r}).",
        )
    values = numeric.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        row, col = np.argwhere(~np.isfinite(values))[0]
        raise InvalidRecording(
            path,
            f"row {row + 2}, column '{table.columns[col]}' is empty, NaN or infinite.",
            "A CSV has no way to mark a missing sample: fill or remove the row and export again.",
        )
    return values


def _rate_from_times(times: np.ndarray, path: Path) -> float:
    if times.size < 2:
        raise InvalidRecording(
            path, "the CSV has fewer than two rows: no sampling rate can be derived."
        )
    steps = np.diff(times)
    if (steps <= 0).any():
        row = int(np.argmax(steps <= 0)) + 3
        raise InvalidRecording(path, f"the time column does not increase at row {row}.")
    median = float(np.median(steps))
    if np.max(np.abs(steps - median)) > _JITTER_TOLERANCE * median:
        raise InvalidRecording(
            path,
            "the time column is not evenly spaced (irregular sampling).",
            "Resample the export to a fixed rate, or give the rate with --fs and drop the time "
            "column.",
        )
    return 1.0 / median


def _name_and_unit(column: str) -> tuple[str, str]:
    match = _UNIT_IN_NAME.match(column)
    if match and match.group(1):
        return match.group(1).strip(), match.group(2).strip()
    return column, ""
