"""Reader fuzzing (issue #14): mutated real files through every reader, in capped workers.

Each reader gets seeds built from real files (LUDB record 1 and MIT-BIH 100 from the shared
data, EDF+/EDF+D/BDF written by the tests' own helpers, a zipped record, CSV exports of a
LUDB record, an HMS-layout parquet). Every input is one seed with one or two mutations: bit
flips, overwrites with boundary numbers, format-aware field edits (EDF header fields and
time-keeping annotations, WFDB header tokens, zip central directory and local headers, CSV
cells, parquet column types), truncation, duplication and splicing. The mutated files are
read in long-lived worker processes under an address-space cap and a wall-clock timeout; a
worker that crashes or hangs is replaced.

Outcomes: ``accepted``, ``refused`` (a RecordingError), ``escape`` (any other exception),
``hang``, ``memory-out`` (MemoryError or the memory refusal it becomes), ``crash`` (the
worker died of a signal). Checks on every result ("findings"): an accepted recording with
NaN where the file declares no gap, EDF gaps declared by the time-keeping annotations but
closed, annotations starting outside the recording, absurd amplitudes (> 1e7 µV), duration
or channel count disagreeing with the header, and messages (refusals and warnings) that
quote a Python exception or an internal path. Inputs of every failure class are saved (the
first few of each) so they can become regression tests; their folder is printed at the end.
WFDB and HMS mark missing samples themselves (the invalid-sample value, null cells), so NaN
is counted as unexplained only for EDF (outside declared gaps) and CSV (which has no gaps).

A new reader is one line in ``READERS``: its seed builder and how it is read.

    python benchmarks/fuzz_readers.py [--per-reader 1000] [--seed 0] [--workers 2]
        [--readers edf,wfdb,...] [--out benchmarks/out/fuzz_readers.json]
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import queue
import random
import re
import shutil
import struct
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

from bench_common import machine  # noqa: E402

OUTCOMES = ("accepted", "refused", "escape", "hang", "memory-out", "crash", "harness-error")
FINDINGS = (
    "nan-without-gap",
    "gap-closed",
    "annotation-outside",
    "absurd-amplitude",
    "header-mismatch",
    "python-in-message",
    "internal-path-in-message",
)
#: The failure classes whose inputs are kept as examples.
FAILURES = ("escape", "hang", "memory-out", "crash", "harness-error", *FINDINGS)
EXAMPLES_PER_CLASS = 5
ABSURD_UV = 1e7
_PYTHON_WORDS = re.compile(r"[A-Za-z]+Error|Traceback|Exception")
_INTERNAL_PATHS = re.compile(r"/dev/shm|/tmp/ws-|site-packages")
#: Factor to µV for the units the readers report; unknown units are taken as they are.
_TO_UV = {"uv": 1.0, "µv": 1.0, "μv": 1.0, "mv": 1e3, "v": 1e6, "nv": 1e-3}
_GAP_TEXT = b"Signal gap (no data)"


# --- Seeds ------------------------------------------------------------------------------------


@dataclass
class Seed:
    """The files of one input (name → bytes), the one to open, and its kind (for mutators)."""

    name: str
    kind: str
    files: dict[str, bytes]
    main: str


def _shared(*parts: str) -> Path | None:
    """A shared-data path, or None when the shared data is absent (the seed is then left out)."""
    import pytest
    from helpers import shared

    try:
        return shared(*parts)
    except pytest.skip.Exception:
        return None


def _record_files(
    folder: Path | None, record: str, extensions: tuple[str, ...]
) -> dict[str, bytes]:
    if folder is None:
        return {}
    files = {f"{record}.{e}": (folder / f"{record}.{e}") for e in extensions}
    return {n: p.read_bytes() for n, p in files.items() if p.is_file()}


def _ludb_files() -> dict[str, bytes]:
    return _record_files(_shared("ludb", "data"), "1", ("hea", "dat", "i", "ii", "v1"))


def _edf_plus(scratch: Path, **kwargs: object) -> bytes:
    from helpers import write_edf

    path = scratch / "seed.edf"
    write_edf(path, **kwargs)  # type: ignore[arg-type]
    return path.read_bytes()


def _edf_plus_d() -> bytes:
    """EDF+D of two channels and four 1-s records at 0, 1, 3 and 4 s (one 1-s gap)."""
    from test_io_edf_hostile import _digital, _tal, edf_bytes

    return edf_bytes(
        _digital(4), [0, 1, 3, 4], annotations={0: [_tal(0.25, "Start")], 3: [_tal(4.5, "Mark")]}
    )


def edf_seeds(scratch: Path) -> list[Seed]:
    annotations = [(0.5, 1.0, "note"), (1.5, None, "spike@@C3")]
    small = {"n_seconds": 4, "fs": 64}
    return [
        Seed(
            "edf+", "edf", {"x.edf": _edf_plus(scratch, annotations=annotations, **small)}, "x.edf"
        ),
        Seed("edf+d", "edf", {"x.edf": _edf_plus_d()}, "x.edf"),
        Seed(
            "bdf+ with a slow channel",
            "edf",
            {"x.bdf": _edf_plus(scratch, bdf=True, extra_slow_channel=True, **small)},
            "x.bdf",
        ),
    ]


def wfdb_seeds(scratch: Path) -> list[Seed]:
    seeds = []
    ludb = _ludb_files()
    if ludb:
        seeds.append(Seed("ludb 1", "wfdb", ludb, "1.hea"))
    # Without its 2,274 beat annotations: reading them triples the time per input, and the
    # LUDB seed's per-lead annotation files exercise the annotation reader.
    mitdb = _record_files(_shared("wfdb-samples"), "100", ("hea", "dat"))
    if mitdb:
        seeds.append(Seed("mit-bih 100", "wfdb", mitdb, "100.hea"))
    return seeds


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_seeds(scratch: Path) -> list[Seed]:
    edf = _edf_plus(scratch, n_seconds=3, fs=64, annotations=[(0.5, 1.0, "note")])
    seeds = [Seed("zip of edf+", "zip", {"x.zip": _zipped({"rec/x.edf": edf})}, "x.zip")]
    ludb = _ludb_files()
    if ludb:
        members = {f"rec/{n}": c for n, c in ludb.items()}
        seeds.append(Seed("zip of ludb 1", "zip", {"x.zip": _zipped(members)}, "x.zip"))
    return seeds


def csv_seeds(scratch: Path) -> list[Seed]:
    folder = _shared("ludb", "data")
    if folder is None:
        return []
    import wfdb

    record = wfdb.rdrecord(str(folder / "1"), sampto=1000, channels=[0, 1, 6])
    values = record.p_signal
    names = [f"{n.upper()} (mV)" for n in record.sig_name]
    timed = ["time," + ",".join(names)] + [
        f"{i / 500:.3f}," + ",".join(f"{v:.4f}" for v in row) for i, row in enumerate(values)
    ]
    rated = ["# sampling_rate: 500", ";".join(names)] + [
        ";".join(f"{v:.4f}" for v in row) for row in values
    ]
    return [
        Seed("ludb 1, time column", "csv", {"x.csv": "\n".join(timed).encode() + b"\n"}, "x.csv"),
        Seed("ludb 1, rate comment", "csv", {"x.csv": "\n".join(rated).encode() + b"\n"}, "x.csv"),
    ]


def hms_seeds(scratch: Path) -> list[Seed]:
    """An HMS-layout parquet as tests/test_io_hms_hostile.py builds it (float32, 20 columns)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from workstation.io.hms import HMS_CHANNELS

    rng = np.random.default_rng(0)
    table = pa.table({c: rng.normal(0, 15, 2000).astype(np.float32) for c in HMS_CHANNELS})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return [Seed("hms 20 x 2000", "parquet", {"x.parquet": buffer.getvalue()}, "x.parquet")]


def dicom_seeds(scratch: Path) -> list[Seed]:
    """pydicom's own 12-lead waveform example."""
    from pydicom.data import get_testdata_file

    path = Path(get_testdata_file("waveform_ecg.dcm"))
    return [Seed("pydicom waveform_ecg", "dicom", {"x.dcm": path.read_bytes()}, "x.dcm")]


def aecg_seeds(scratch: Path) -> list[Seed]:
    """LUDB record 1 (its first 2.5 s) as HL7 aECG, written by the tests' aECG writer."""
    folder = _shared("ludb", "data")
    if folder is None:
        return []
    from aecg_writer import aecg_tree, write_aecg

    from workstation.io import read_recording

    recording = read_recording(folder / "1.hea").slice_time(0, 2.5)
    path = write_aecg(scratch / "seed.xml", aecg_tree(recording, medians=True))
    return [Seed("ludb 1 as aECG", "xml", {"x.xml": path.read_bytes()}, "x.xml")]


def _read_recording(path: Path) -> object:
    from workstation.io import read_recording

    return read_recording(path)


def _read_hms(path: Path) -> object:
    from workstation.io.hms import read_hms_eeg

    return read_hms_eeg(path)


@dataclass(frozen=True)
class Reader:
    seeds: Callable[[Path], list[Seed]]
    read: Callable[[Path], object]


#: One line per reader: where its seeds come from and how an input is read.
READERS: dict[str, Reader] = {
    "edf": Reader(edf_seeds, _read_recording),
    "wfdb": Reader(wfdb_seeds, _read_recording),
    "zip": Reader(zip_seeds, _read_recording),
    "csv": Reader(csv_seeds, _read_recording),
    "hms": Reader(hms_seeds, _read_hms),
    "dicom": Reader(dicom_seeds, _read_recording),
    "aecg": Reader(aecg_seeds, _read_recording),
}


# --- Mutators ---------------------------------------------------------------------------------

TEXT_VALUES = [
    "0", "-1", "1", "-0", "2", "99999999", "-99999999", "4294967296", "1e308", "-1e308",
    "1e-308", "0.000001", "nan", "NaN", "inf", "-inf", "abc", "", " ", "é", "µ", "１２",
    "+1", "1.5", "0x10", "1/0", "(5)", "x", "-", "/",
]  # fmt: skip
BINARY_INTS = [0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]
BINARY_FLOATS = [0.0, -1.0, 1e30, -1e30, 3.4e38, float("nan"), float("inf"), float("-inf")]


def _pick_file(seed: Seed, files: dict[str, bytes], rng: random.Random) -> str:
    return seed.main if rng.random() < 0.6 else rng.choice(sorted(files))


def mutate_bytes(data: bytes, rng: random.Random, pool: list[bytes]) -> tuple[bytes, str]:
    """One generic byte-level mutation of ``data``; ``pool`` holds other files to splice from."""
    if not data:
        return bytes([rng.randrange(256)]), "byte-insert into empty"
    kind = rng.choice(["flip", "overwrite", "int", "float", "truncate", "duplicate", "splice"])
    buf = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == "overwrite":
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    elif kind == "int":
        width, fmt = rng.choice([(2, "<H"), (4, "<I"), (8, "<Q")])
        value = rng.choice(BINARY_INTS) & ((1 << (8 * width)) - 1)
        i = rng.randrange(max(1, len(buf) - width))
        buf[i : i + width] = struct.pack(fmt, value)
    elif kind == "float":
        fmt = rng.choice(["<f", "<d"])
        value = struct.pack(fmt, rng.choice(BINARY_FLOATS))
        i = rng.randrange(max(1, len(buf) - len(value)))
        buf[i : i + len(value)] = value
    elif kind == "truncate":
        cut = rng.choice([rng.randrange(len(buf)), len(buf) - rng.randint(1, 16)])
        return bytes(buf[: max(0, cut)]), "truncate"
    elif kind == "duplicate":
        a = rng.randrange(len(buf))
        b = min(len(buf), a + rng.randint(1, 4096))
        at = rng.randrange(len(buf))
        return bytes(buf[:at] + buf[a:b] + buf[at:]), "duplicate"
    else:
        other = rng.choice(pool) if pool else data
        a = rng.randrange(len(other))
        chunk = other[a : a + rng.randint(1, 2048)]
        at = rng.randrange(len(buf))
        return bytes(buf[:at] + chunk + buf[at + len(chunk) :]), "splice"
    return bytes(buf), kind


def _edf_layout(data: bytes) -> dict[str, object] | None:
    """Header size, signal count, labels, samples per record and record count, or None."""
    try:
        n = int(data[252:256].decode("ascii"))
        header_bytes = int(data[184:192].decode("ascii"))
        records = int(data[236:244].decode("ascii"))
        duration = float(data[244:252].decode("ascii"))
        if not (0 < n < 64) or header_bytes != 256 * (n + 1):
            return None
        labels = [data[256 + 16 * i : 272 + 16 * i].decode("ascii").strip() for i in range(n)]
        base = 256 + 216 * n
        spr = [int(data[base + 8 * i : base + 8 * i + 8].decode("ascii")) for i in range(n)]
    except (ValueError, UnicodeDecodeError):
        return None
    return {
        "n": n,
        "header_bytes": header_bytes,
        "records": records,
        "duration": duration,
        "labels": labels,
        "spr": spr,
        "reserved": data[192:236].decode("ascii", "replace").strip(),
        "sample_bytes": 3 if data.startswith(b"\xffBIOSEMI") else 2,
    }


def _edf_field_spans(data: bytes) -> list[tuple[int, int]]:
    spans = [(168, 8), (176, 8), (184, 8), (192, 44), (236, 8), (244, 8), (252, 4)]
    layout = _edf_layout(data)
    if layout is None:
        return spans
    n = int(layout["n"])  # type: ignore[call-overload]
    widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32]  # label … samples per record, reserved
    offset = 256
    for width in widths:
        spans += [(offset + width * i, width) for i in range(n)]
        offset += width * n
    return spans


def mutate_edf(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """An EDF header field or a time-keeping onset overwritten with a boundary value."""
    layout = _edf_layout(data)
    if rng.random() < 0.35 and layout is not None:
        tal = _edf_tal_position(layout, data, rng)
        if tal is not None:
            start, stop = tal
            value = rng.choice(
                ["+0", "+1", "+2", "-1", "+1e9", "+nan", "+inf", "+99999", "+0.5", "+3", "+100000"]
            ).encode()
            return data[:start] + value + data[stop:], f"time-keeping onset -> {value.decode()}"
    start, width = rng.choice(_edf_field_spans(data))
    value = rng.choice(
        [
            *TEXT_VALUES,
            "-32768",
            "32767",
            "-8388608",
            "8388607",
            "EDF+D",
            "EDF+C",
            "EDF Annotations",
        ]
    )
    raw = value.encode("utf-8").ljust(width)[:width]
    return data[:start] + raw + data[start + width :], f"edf field @{start} -> {value!r}"


def _edf_tal_position(
    layout: dict[str, object], data: bytes, rng: random.Random
) -> tuple[int, int] | None:
    """Where the onset of one record's time-keeping TAL is written (start, stop), or None."""
    labels: list[str] = layout["labels"]  # type: ignore[assignment]
    spr: list[int] = layout["spr"]  # type: ignore[assignment]
    sb = int(layout["sample_bytes"])  # type: ignore[call-overload]
    names = ("EDF Annotations", "BDF Annotations")
    which = next((i for i, label in enumerate(labels) if label in names), None)
    records = int(layout["records"])  # type: ignore[call-overload]
    if which is None or records <= 0:
        return None
    record_bytes = sum(spr) * sb
    start = int(layout["header_bytes"]) + rng.randrange(records) * record_bytes  # type: ignore[call-overload]
    start += sum(spr[:which]) * sb
    end = data.find(b"\x14", start, start + spr[which] * sb)
    return None if end < 0 else (start, end)


def mutate_wfdb_header(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A token of the record line or a signal line replaced, or a line removed or repeated."""
    lines = data.decode("latin-1").splitlines()
    content = [i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    if not content:
        return data, "no header lines"
    row = rng.choice(content[:1] * 3 + content)
    choice = rng.random()
    if choice < 0.1 and len(content) > 1:
        del lines[rng.choice(content[1:])]
        what = "signal line removed"
    elif choice < 0.2:
        lines.insert(row, lines[row])
        what = f"line {row} repeated"
    else:
        tokens = lines[row].split(" ")
        col = rng.randrange(len(tokens))
        value = rng.choice(
            [*TEXT_VALUES, "16", "212", "80", "310", "508", "1e9", "1(1e9)/mV", "0(0)/mV",
             "200(0)/uV", "1x0", "16x4", "16x0", "16:1000", "16+99999999", "µV", "~"]
        )  # fmt: skip
        tokens[col] = value
        lines[row] = " ".join(tokens)
        what = f"header line {row} token {col} -> {value!r}"
    return ("\n".join(lines) + "\n").encode("latin-1", "replace"), what


def _zip_records(data: bytes) -> list[tuple[int, list[tuple[int, int]]]]:
    """Offsets of zip structures and their (field offset, width) lists: central directory
    headers, local headers and the end record."""
    layouts = {
        b"PK\x01\x02": [(6, 2), (8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2),
                        (32, 2), (34, 2), (38, 4), (42, 4)],
        b"PK\x03\x04": [(6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)],
        b"PK\x05\x06": [(4, 2), (8, 2), (10, 2), (12, 4), (16, 4), (20, 2)],
    }  # fmt: skip
    found = []
    for magic, fields in layouts.items():
        at = data.find(magic)
        while at >= 0:
            found.append((at, fields))
            at = data.find(magic, at + 4)
    return found


def mutate_zip(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A field of the central directory, a local header or the end record overwritten."""
    records = _zip_records(data)
    if not records:
        return data, "no zip records"
    at, fields = rng.choice(records)
    offset, width = rng.choice(fields)
    values = [0, 1, 2, 8, 12, 14, 93, 99, 0x41, 0xA1ED << 16, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF]
    value = rng.choice(values + [rng.randrange(1 << (8 * width))]) & ((1 << (8 * width)) - 1)
    raw = value.to_bytes(width, "little")
    start = at + offset
    return data[:start] + raw + data[
        start + width :
    ], f"zip field {data[at : at + 4]!r}+{offset} -> {value}"


def mutate_zip_members(data: bytes, rng: random.Random, pool: list[bytes]) -> tuple[bytes, str]:
    """The archive rebuilt with one member mutated (by its own format's mutators), renamed,
    duplicated or removed, or a hostile member added."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {i.filename: archive.read(i) for i in archive.infolist()}
    except Exception:  # noqa: BLE001 - damaged by an earlier mutation: mutate its bytes instead
        return mutate_bytes(data, rng, pool)
    if not members:
        return mutate_bytes(data, rng, pool)
    name = rng.choice(sorted(members))
    choice = rng.random()
    if choice < 0.6:
        suffix = name.rsplit(".", 1)[-1].lower()
        if suffix in ("edf", "bdf") and rng.random() < 0.6:
            members[name], what = mutate_edf(members[name], rng)
        elif suffix == "hea" and rng.random() < 0.6:
            members[name], what = mutate_wfdb_header(members[name], rng)
        else:
            members[name], what = mutate_bytes(members[name], rng, pool)
        what = f"member {name}: {what}"
    elif choice < 0.7:
        del members[name]
        what = f"member {name} removed"
    elif choice < 0.8:
        new = rng.choice(
            ["../x.edf", "/abs.hea", "rec/copy.hea", "rec/x.bdf", "C:/x.edf", "rec/.x"]
        )
        members[new] = members[name]
        what = f"member {name} copied as {new}"
    else:
        new = rng.choice([f"{name}.bak", name.upper(), name.replace("rec/", ""), f"a/{name}"])
        members[new] = members.pop(name)
        what = f"member {name} renamed {new}"
    return _zipped(members), what


def mutate_csv(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A cell, a column name, the rate comment or whole rows edited."""
    lines = data.decode("utf-8", "replace").split("\n")
    body = [i for i, ln in enumerate(lines) if ln and not ln.startswith("#")]
    if not body:
        return data, "no csv rows"
    sep = ";" if ";" in lines[body[0]] else ","
    choice = rng.random()
    if choice < 0.45:
        row = rng.choice(body[1:] or body)
        cells = lines[row].split(sep)
        col = rng.randrange(len(cells))
        value = rng.choice([*TEXT_VALUES, "1e7", "-1e9", "3.4e38", "1e39", "NA", "null", '"1"'])
        cells[col] = value
        lines[row] = sep.join(cells)
        what = f"cell {row},{col} -> {value!r}"
    elif choice < 0.6:
        cells = lines[body[0]].split(sep)
        col = rng.randrange(len(cells))
        value = rng.choice(
            ["time", "time_ms", "t", "", "II (V)", "II (nV)", "II [mV", cells[-1], "ms"]
        )
        cells[col] = value
        lines[body[0]] = sep.join(cells)
        what = f"column {col} named {value!r}"
    elif choice < 0.7:
        value = rng.choice(["0", "-1", "nan", "inf", "1e9", "1e-9", "abc", "500", "0.001"])
        lines.insert(0, f"# sampling_rate: {value}")
        what = f"rate comment {value}"
    elif choice < 0.85:
        a = rng.choice(body[1:] or body)
        b = min(len(lines), a + rng.randint(1, 50))
        if rng.random() < 0.5:
            del lines[a:b]
            what = f"rows {a}-{b} removed"
        else:
            lines[a:a] = lines[a:b]
            what = f"rows {a}-{b} repeated"
    else:
        row = rng.choice(body)
        lines[row] = lines[row].replace(sep, rng.choice([";", ",", "\t", " ", ""]))
        what = f"separators of row {row} changed"
    return "\n".join(lines).encode("utf-8"), what


PARQUET_TYPES = (
    "int16", "int32", "int64", "float16", "float64", "string", "bool", "null", "dictionary",
    "list", "decimal", "timestamp", "binary",
)  # fmt: skip


def mutate_parquet(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A column's type swapped, cells set to extremes or nulls, or columns dropped or added."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (OSError, ValueError, pa.ArrowException):  # already damaged by a byte mutation
        return mutate_bytes(data, rng, [])
    names = table.column_names
    name = rng.choice(names)
    column = table.column(name)
    n = table.num_rows
    choice = rng.random()
    if choice < 0.35:
        target = rng.choice(PARQUET_TYPES)
        values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
        new = {
            "int16": lambda: pa.array(values.astype(np.int16)),
            "int32": lambda: pa.array(values.astype(np.int32)),
            "int64": lambda: pa.array(values.astype(np.int64)),
            "float16": lambda: pa.array(values.astype(np.float16)),
            "float64": lambda: pa.array(values),
            "string": lambda: pa.array([f"{v:g}" for v in values]),
            "bool": lambda: pa.array(values > 0),
            "null": lambda: pa.nulls(n),
            "dictionary": lambda: pa.array([f"{v:.0f}" for v in values]).dictionary_encode(),
            "list": lambda: pa.array([[v] for v in values]),
            "decimal": lambda: pa.array(values.round(2)).cast(pa.decimal128(12, 2)),
            "timestamp": lambda: pa.array(values.astype(np.int64)).cast(pa.timestamp("s")),
            "binary": lambda: pa.array([struct.pack("<f", v) for v in values]),
        }[target]()
        table = table.set_column(names.index(name), name, new)
        what = f"column {name} as {target}"
    elif choice < 0.7:
        values = np.array(column.to_numpy(zero_copy_only=False), dtype=np.float32)
        mask = None
        rows = [rng.randrange(n) for _ in range(rng.randint(1, 20))] if n else []
        value = rng.choice([float("nan"), float("inf"), 1e30, -3e38, 65504.0, 1e8, 0.0, None])
        if value is None:
            mask = np.zeros(n, dtype=bool)
            mask[rows] = True
        else:
            values[rows] = value
        table = table.set_column(names.index(name), name, pa.array(values, mask=mask))
        what = f"column {name}: {len(rows)} cell(s) -> {value}"
    elif choice < 0.8:
        table = table.remove_column(names.index(name))
        what = f"column {name} dropped"
    elif choice < 0.9:
        table = table.append_column(rng.choice([name, "extra"]), column)
        what = f"column {name} added again"
    else:
        keep = rng.choice([0, 1, 2, n // 2])
        table = table.slice(0, keep)
        what = f"only {keep} row(s)"
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue(), what


_XML_VALUE = re.compile(rb'(?:value|head|origin|scale|unit|code)="[^"]*"|-?\d+(?:\.\d+)?')


def mutate_xml(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """An attribute value or a number of an XML document replaced by a boundary value."""
    spots = [m.span() for m in _XML_VALUE.finditer(data)]
    if not spots:
        return data, "no xml values"
    start, stop = rng.choice(spots)
    old = data[start:stop]
    value = rng.choice([*TEXT_VALUES, "1e30", "-1e30", "99999999999999999999"]).encode()
    if b"=" in old:
        value = old.split(b"=", 1)[0] + b'="' + value + b'"'
    return data[:start] + value + data[stop:], f"xml {old[:40]!r} -> {value[:40]!r}"


_DICOM_KEYWORDS = (
    "NumberOfWaveformChannels", "NumberOfWaveformSamples", "SamplingFrequency",
    "WaveformBitsAllocated", "WaveformSampleInterpretation", "ChannelSensitivity",
    "ChannelBaseline", "ChannelSensitivityCorrectionFactor", "ChannelSampleSkew",
    "WaveformPaddingValue", "MultiplexGroupTimeOffset",
)  # fmt: skip


def mutate_dicom(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A waveform element of the DICOM file set to a boundary value, through pydicom."""
    import pydicom

    try:
        dataset = pydicom.dcmread(io.BytesIO(data))
        items = []
        for group in dataset.get("WaveformSequence", []):
            items += [group, *group.get("ChannelDefinitionSequence", [])]
        elements = [(item, k) for item in items for k in _DICOM_KEYWORDS if k in item]
    except Exception:  # noqa: BLE001 - damaged by an earlier mutation: mutate its bytes instead
        return mutate_bytes(data, rng, [])
    if not elements:
        return mutate_bytes(data, rng, [])
    item, keyword = rng.choice(elements)
    value = rng.choice(
        ["0", "-1", "1", "1e30", "nan", "inf", "65535", "4294967295", "SB", "XX", ""]
    )
    try:
        setattr(item, keyword, value)
        buffer = io.BytesIO()
        dataset.save_as(buffer)
    except Exception:  # noqa: BLE001 - pydicom would not write that value: try bytes instead
        return mutate_bytes(data, rng, [])
    return buffer.getvalue(), f"dicom {keyword} -> {value!r}"


def make_input(
    seeds: list[Seed], reader: str, index: int, seed: int
) -> tuple[Seed, dict[str, bytes], str]:
    """The seed, the mutated files and a description of input ``index`` (deterministic)."""
    rng = random.Random(f"{seed}/{reader}/{index}")
    base = rng.choice(seeds)
    files = dict(base.files)
    pool = [c for s in seeds for c in s.files.values()]
    steps = []
    for _ in range(1 if rng.random() < 0.75 else 2):
        name = _pick_file(base, files, rng)
        data = files[name]
        structured = rng.random() < 0.6
        try:
            if structured and base.kind == "edf":
                data, what = mutate_edf(data, rng)
            elif structured and base.kind == "wfdb" and name.endswith(".hea"):
                data, what = mutate_wfdb_header(data, rng)
            elif structured and base.kind == "zip":
                data, what = (mutate_zip(data, rng) if rng.random() < 0.5
                              else mutate_zip_members(data, rng, pool))  # fmt: skip
            elif structured and base.kind == "csv":
                data, what = mutate_csv(data, rng)
            elif structured and base.kind == "parquet":
                data, what = mutate_parquet(data, rng)
            elif structured and base.kind == "xml":
                data, what = mutate_xml(data, rng)
            elif structured and base.kind == "dicom":
                data, what = mutate_dicom(data, rng)
            else:
                data, what = mutate_bytes(data, rng, pool)
        except Exception as exc:  # noqa: BLE001 - a structured edit of an already broken file
            data, what = mutate_bytes(files[name], rng, pool)
            what = f"{what} (structured edit failed: {type(exc).__name__})"
        files[name] = data
        steps.append(f"{name}: {what}")
    return base, files, f"{base.name} | " + " ; ".join(steps)


# --- Checks on a result -----------------------------------------------------------------------


def message_findings(text: str) -> list[str]:
    found = []
    if _PYTHON_WORDS.search(text):
        found.append("python-in-message")
    if _INTERNAL_PATHS.search(text):
        found.append("internal-path-in-message")
    return found


def _declared_edf(data: bytes) -> dict[str, object] | None:
    """What an EDF file's own header and time-keeping annotations declare, read independently
    of the reader: main-rate channel count, stored samples, and whether records leave gaps."""
    layout = _edf_layout(data)
    if layout is None or int(layout["records"]) <= 0:  # type: ignore[call-overload]
        return None
    labels: list[str] = layout["labels"]  # type: ignore[assignment]
    spr: list[int] = layout["spr"]  # type: ignore[assignment]
    # The annotation signal is "BDF Annotations" in a BDF file: one labelled "EDF Annotations"
    # there is an ordinary signal (and the other way round).
    names = ("BDF Annotations",) if layout["sample_bytes"] == 3 else ("EDF Annotations",)
    ordinary = [s for label, s in zip(labels, spr, strict=True) if label not in names]
    if not ordinary or min(ordinary) <= 0:
        return None
    records = int(layout["records"])  # type: ignore[call-overload]
    duration = float(layout["duration"])  # type: ignore[arg-type]
    declared: dict[str, object] = {
        "channels": ordinary.count(max(ordinary)),
        "samples": records * max(ordinary),
        "gaps": None,
    }
    which = next((i for i, label in enumerate(labels) if label in names), None)
    if which is None or duration <= 0:
        return declared
    sb = int(layout["sample_bytes"])  # type: ignore[call-overload]
    record_bytes = sum(spr) * sb
    onsets = []
    for r in range(records):
        start = int(layout["header_bytes"]) + r * record_bytes + sum(spr[:which]) * sb  # type: ignore[call-overload]
        match = re.match(rb"([+-]\d+(?:\.\d*)?)[\x14\x15]", data[start : start + spr[which] * sb])
        if match is None:
            return declared
        onsets.append(float(match.group(1)))
    steps = [b - a for a, b in zip(onsets, onsets[1:], strict=False)]
    declared["gaps"] = any(s > duration * (1 + 1e-6) + 1e-9 for s in steps)
    declared["span_s"] = onsets[-1] - onsets[0] + duration
    return declared


def _wfdb_declared(header: bytes) -> tuple[int, float, int | None] | None:
    """(signals, frame rate, frames) from a single-segment WFDB record line, or None."""
    lines = [
        ln for ln in header.decode("latin-1").splitlines() if ln.strip() and not ln.startswith("#")
    ]
    if not lines:
        return None
    fields = lines[0].split()
    try:
        if "/" in fields[0]:
            return None
        n_sig = int(fields[1])
        fs = float(fields[2].split("/")[0].split("(")[0])
        frames = int(fields[3]) if len(fields) > 3 else None
    except (IndexError, ValueError):
        return None
    return n_sig, fs, frames


def accepted_findings(kind: str, files: dict[str, bytes], main: str, rec: object) -> list[str]:
    """The nonsense signatures of an accepted recording (see the module docstring)."""
    import numpy as np

    found: list[str] = []
    signals = rec.signals  # type: ignore[attr-defined]
    duration = float(rec.duration)  # type: ignore[attr-defined]
    tolerance = 1.0 / float(rec.fs)  # type: ignore[attr-defined]
    for a in rec.annotations:  # type: ignore[attr-defined]
        if a.onset < -tolerance or a.onset > duration + tolerance:
            found.append("annotation-outside")
            break
    for row, unit in zip(signals, rec.units, strict=True):  # type: ignore[attr-defined]
        scale = _TO_UV.get(unit.strip().casefold(), 1.0)
        finite = row[np.isfinite(row)]
        if finite.size and float(np.max(np.abs(finite))) * scale > ABSURD_UV:
            found.append("absurd-amplitude")
            break
    for warning in rec.warnings:  # type: ignore[attr-defined]
        found += message_findings(warning)
    has_nan = bool(np.isnan(signals).any())
    told_gap = any("discontinuous" in w or "missing data" in w for w in rec.warnings)  # type: ignore[attr-defined]
    content = files[main]
    if kind == "zip":
        content = _zip_inner_edf(content) or b""
    if kind == "csv" and has_nan:
        found.append("nan-without-gap")
    if kind in ("edf", "zip") and str(rec.source_format).startswith(("EDF", "BDF")):  # type: ignore[attr-defined]
        if has_nan and not told_gap and _GAP_TEXT not in content:
            found.append("nan-without-gap")
        declared = _declared_edf(content)
        if declared is not None:
            if declared["gaps"] and not has_nan:
                found.append("gap-closed")
            elif declared["gaps"] and duration + tolerance < float(declared["span_s"]):  # type: ignore[arg-type]
                found.append("gap-closed")
            left_out = sum("was left out" in w for w in rec.warnings)  # type: ignore[attr-defined]
            if (
                rec.n_channels != declared["channels"]
                and rec.n_channels + left_out != declared["channels"]
            ):  # type: ignore[attr-defined]
                found.append("header-mismatch")
            # edfio reads every whole record when the count field is wrong, and says so.
            recounted = any("data records" in w for w in rec.warnings)  # type: ignore[attr-defined]
            stored = rec.n_samples  # type: ignore[attr-defined]
            if not (declared["gaps"] or recounted) and stored != declared["samples"]:
                found.append("header-mismatch")
    if kind == "wfdb":
        declared_wfdb = _wfdb_declared(content)
        if declared_wfdb is not None:
            n_sig, frame_fs, frames = declared_wfdb
            left_out = sum("was left out" in w for w in rec.warnings)  # type: ignore[attr-defined]
            if rec.n_channels + left_out != n_sig:  # type: ignore[attr-defined]
                found.append("header-mismatch")
            elif frames and abs(duration - frames / frame_fs) > 1.5 / frame_fs:
                found.append("header-mismatch")
    if kind == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_metadata(io.BytesIO(content)).num_rows
        if rec.n_samples != rows or rec.n_channels != 20:  # type: ignore[attr-defined]
            found.append("header-mismatch")
    return sorted(set(found))


def _zip_inner_edf(data: bytes) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith((".edf", ".bdf", ".rec")):
                    return archive.read(info)
    except Exception:  # noqa: BLE001 - the reader accepted it; the check just has no inner file
        return None
    return None


# --- Workers ----------------------------------------------------------------------------------


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain = []
    while exc is not None and len(chain) < 10:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return chain


def run_case(
    reader: str, seeds: list[Seed], index: int, seed: int, folder: Path
) -> dict[str, object]:
    """Build input ``index``, read it, and classify what happened (in a worker)."""
    from workstation.errors import RecordingError

    try:
        base, files, what = make_input(seeds, reader, index, seed)
    except Exception as exc:  # noqa: BLE001 - a mutator's bug is the harness's, not a reader's
        message = f"{type(exc).__name__}: {exc}"
        return {"reader": reader, "index": index, "outcome": "harness-error", "message": message}
    case = folder / f"c{index}"
    case.mkdir()
    for name, content in files.items():
        (case / name).write_bytes(content)
    result: dict[str, object] = {"reader": reader, "index": index, "what": what, "findings": []}
    started = time.perf_counter()
    try:
        rec = READERS[reader].read(case / base.main)
    except MemoryError:
        result["outcome"] = "memory-out"
    except RecordingError as exc:
        chain = _cause_chain(exc)
        if any(isinstance(e, MemoryError) for e in chain):
            result["outcome"] = "memory-out"
        else:
            result["outcome"] = "refused"
        inner = [e for e in chain[1:] if not isinstance(e, RecordingError)]
        if inner and "could not be read: its content is damaged" in str(exc):
            result["catch_all"] = f"{type(inner[0]).__name__}: {str(inner[0])[:120]}"
        result["message"] = str(exc)
        result["findings"] = message_findings(str(exc))
    except Exception as exc:  # noqa: BLE001 - an escape is what this harness counts
        result["outcome"] = "escape"
        result["message"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    else:
        result["outcome"] = "accepted"
        result["findings"] = accepted_findings(base.kind, files, base.main, rec)
    result["seconds"] = time.perf_counter() - started
    for name in files:
        (case / name).unlink(missing_ok=True)
    case.rmdir()
    return result


_READER_MODULES = (
    "workstation.io",
    "workstation.io.edf_reader",
    "workstation.io.wfdb_reader",
    "workstation.io.zip_reader",
    "workstation.io.csv_reader",
    "workstation.io.hms",
    "workstation.io.dicom_reader",
    "workstation.io.aecg_reader",
    "pyarrow.parquet",
)
#: How long a worker may take to start and import the readers (a loaded machine is slow).
_START_TIMEOUT_S = 300


def _worker(conn: object, seeds_file: str, memory_bytes: int, scratch: str) -> None:
    import pickle
    import resource
    import warnings

    warnings.filterwarnings("ignore")  # the readers record the warnings they pass on themselves
    seeds = pickle.loads(Path(seeds_file).read_bytes())
    for module in _READER_MODULES:  # imported before the clock of the first input starts
        try:
            importlib.import_module(module)
        except ImportError:
            continue
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    folder = Path(tempfile.mkdtemp(prefix="w", dir=scratch))
    conn.send("ready")  # type: ignore[attr-defined]
    while True:
        job = conn.recv()  # type: ignore[attr-defined]
        if job is None:
            return
        reader, index, seed = job
        conn.send(run_case(reader, seeds[reader], index, seed, folder))  # type: ignore[attr-defined]


@dataclass
class Slot:
    """One worker process, started on demand and replaced after a crash or a hang."""

    context: object
    args: tuple[object, ...]
    process: object = None
    conn: object = None
    restarts: int = 0

    def start(self) -> None:
        parent, child = self.context.Pipe()  # type: ignore[attr-defined]
        self.process = self.context.Process(target=_worker, args=(child, *self.args), daemon=True)  # type: ignore[attr-defined]
        self.process.start()  # type: ignore[attr-defined]
        child.close()
        self.conn = parent
        if not parent.poll(_START_TIMEOUT_S) or parent.recv() != "ready":
            raise RuntimeError("a fuzz worker did not start")

    def kill(self) -> int | None:
        self.process.kill()  # type: ignore[attr-defined]
        self.process.join()  # type: ignore[attr-defined]
        code = self.process.exitcode  # type: ignore[attr-defined]
        self.process = None
        self.restarts += 1
        return code

    def run(self, job: tuple[str, int, int], timeout: float) -> dict[str, object]:
        if self.process is None:
            self.start()
        reader, index, _ = job
        result: dict[str, object] = {"reader": reader, "index": index, "findings": []}
        try:
            self.conn.send(job)  # type: ignore[attr-defined]
            if self.conn.poll(timeout):  # type: ignore[attr-defined]
                return self.conn.recv()  # type: ignore[attr-defined]
            self.kill()
            result["outcome"] = "hang"
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self.process.join(5)  # type: ignore[attr-defined]
            code = self.kill()
            result["outcome"] = "crash"
            result["message"] = f"worker exit code {code}"
        return result


# --- The run ----------------------------------------------------------------------------------


@dataclass
class Tally:
    outcomes: Counter = field(default_factory=Counter)
    findings: Counter = field(default_factory=Counter)
    catch_all: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _keep_example(*args: object) -> None:
    """``_save_example``, never stopping the run: a harness error cannot be rebuilt either."""
    try:
        _save_example(*args)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001
        print(f"example not saved: {type(exc).__name__}: {exc}", file=sys.stderr)


def _save_example(
    examples: Path,
    seeds: dict[str, list[Seed]],
    result: dict[str, object],
    cls: str,
    seed: int,
    kept: Counter,
) -> None:
    reader = str(result["reader"])
    if kept[(reader, cls)] >= EXAMPLES_PER_CLASS:
        return
    kept[(reader, cls)] += 1
    base, files, what = make_input(seeds[reader], reader, int(result["index"]), seed)  # type: ignore[call-overload]
    folder = examples / reader / cls / str(result["index"])
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (folder / "case.json").write_text(
        json.dumps({**result, "what": what, "open": base.main}, indent=1)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # `make fuzz` runs 10,000 per reader; `make bench` (run_all.py) takes this quicker default.
    parser.add_argument("--per-reader", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--memory-gib", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "fuzz_readers.json")
    parser.add_argument("--examples", type=Path, default=None, help="folder for failing inputs")
    args = parser.parse_args()
    import multiprocessing
    import pickle

    readers = [r.strip() for r in args.readers.split(",") if r.strip()]
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-readers-"))
    examples = args.examples or scratch / "examples"
    seeds = {r: READERS[r].seeds(scratch) for r in readers}
    missing = [r for r, s in seeds.items() if not s]
    readers = [r for r in readers if seeds[r]]
    seeds_file = scratch / "seeds.pickle"
    seeds_file.write_bytes(pickle.dumps(seeds))
    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    os.environ.update(env)
    context = multiprocessing.get_context("spawn")
    memory = int(args.memory_gib * 2**30)
    slots = [Slot(context, (str(seeds_file), memory, str(scratch))) for _ in range(args.workers)]
    jobs: queue.Queue = queue.Queue()
    for i in range(args.per_reader):
        for r in readers:
            jobs.put((r, i, args.seed))
    tallies = {r: Tally() for r in readers}
    kept: Counter = Counter()
    lock = threading.Lock()
    progress = args.out.with_suffix(".progress")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done = [0]
    total = args.per_reader * len(readers)

    def drive(slot: Slot) -> None:
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                return
            result = slot.run(job, args.timeout)
            with lock:
                tally = tallies[job[0]]
                tally.outcomes[result["outcome"]] += 1
                tally.seconds += float(result.get("seconds", args.timeout))  # type: ignore[arg-type]
                tally.findings.update(result.get("findings", []))  # type: ignore[arg-type]
                if "catch_all" in result:
                    tally.catch_all[str(result["catch_all"]).split(":")[0]] += 1
                classes = [result["outcome"], *result.get("findings", [])]  # type: ignore[misc]
                for cls in classes:
                    if cls in FAILURES:
                        _keep_example(examples, seeds, result, str(cls), args.seed, kept)
                if "catch_all" in result:
                    _keep_example(examples, seeds, result, "catch-all", args.seed, kept)
                done[0] += 1
                if done[0] % 200 == 0 or done[0] == total:
                    elapsed = time.perf_counter() - started
                    line = f"{done[0]}/{total} inputs, {elapsed:.0f} s, " + json.dumps(
                        {r: dict(t.outcomes) | dict(t.findings) for r, t in tallies.items()}
                    )
                    progress.write_text(line + "\n")
                    print(line, file=sys.stderr, flush=True)

    threads = [threading.Thread(target=drive, args=(s,)) for s in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for slot in slots:
        if slot.process is not None:
            slot.conn.send(None)  # type: ignore[attr-defined]
            slot.process.join(10)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    seeds_file.unlink()
    for folder in scratch.glob("w*"):  # the workers' folders (examples, if there, are kept)
        shutil.rmtree(folder, ignore_errors=True)
    result = {
        "benchmark": "fuzz_readers",
        "machine": machine(),
        "command": " ".join(["python", "benchmarks/fuzz_readers.py", *sys.argv[1:]]),
        "per_reader": args.per_reader,
        "seed": args.seed,
        "workers": args.workers,
        "memory_cap_gib": args.memory_gib,
        "timeout_s": args.timeout,
        "elapsed_s": round(elapsed, 1),
        "readers_without_seeds": missing,
        "examples": str(examples),
        "readers": {
            r: {
                "seeds": [s.name for s in seeds[r]],
                "outcomes": {o: t.outcomes.get(o, 0) for o in OUTCOMES},
                "findings": {f: t.findings.get(f, 0) for f in FINDINGS},
                "refused_by_last_resort": dict(t.catch_all),
                "mean_read_ms": round(1000 * t.seconds / max(1, sum(t.outcomes.values())), 1),
            }
            for r, t in tallies.items()
        },
        "worker_restarts": sum(s.restarts for s in slots),
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    _print_table(result)
    print(f"examples of failures: {examples}\nJSON: {args.out}")
    bad = sum(
        t.outcomes[o] for t in tallies.values() for o in ("escape", "hang", "memory-out", "crash")
    ) + sum(sum(t.findings.values()) for t in tallies.values())
    return 1 if bad else 0


def _print_table(result: dict[str, object]) -> None:
    columns = [*OUTCOMES, *FINDINGS]
    print("| reader | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for reader, figures in result["readers"].items():  # type: ignore[attr-defined]
        cells = [str(figures["outcomes"].get(c, figures["findings"].get(c, 0))) for c in columns]
        print(f"| {reader} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
