"""How fast the DICOM waveform and HL7 aECG readers read an ECG, and refuse a hostile file.

Cases: pydicom's 12-lead example (10 s, 1000 Hz), LUDB record 1 written as aECG by the
test-side writer (10 s, 500 Hz), and the refusals the tests prove: a DICOM declaring 400
million samples per channel (111 h), an aECG lead of 263,000 digits at 1 Hz (73 h), and a
billion-laughs aECG. Each time is the median of several calls of ``read_recording``; peak
memory is the tracemalloc peak of one call.

    python benchmarks/ecg_interchange_read.py [--data ../shared/data] [--out result.json]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
from bench_common import emit, machine
from pydicom.data import get_testdata_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from aecg_writer import HL7, aecg_tree, write_aecg  # noqa: E402  (the test-side writer)

from workstation.errors import InvalidRecording  # noqa: E402
from workstation.io import read_recording  # noqa: E402
from workstation.recording import Recording  # noqa: E402

REPEATS = 7


def measure(call: Callable[[], object]) -> dict[str, float | str]:
    times = []
    outcome = ""
    for _ in range(REPEATS):
        start = time.perf_counter()
        try:
            call()
            outcome = "read"
        except InvalidRecording as exc:
            outcome = f"refused: {exc.problem[:60]}"
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    try:
        call()
    except InvalidRecording:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "peak_mib": round(peak / 2**20, 1),
        "outcome": outcome,
    }


def cases(folder: Path, data: Path) -> dict[str, Path]:
    dicom = pydicom.dcmread(get_testdata_file("waveform_ecg.dcm"))
    dicom.save_as(folder / "ecg.dcm")
    dicom.WaveformSequence[0].NumberOfWaveformSamples = 400_000_000
    dicom.save_as(folder / "bomb.dcm")
    ludb = read_recording(data / "ludb" / "data" / "1.hea")
    write_aecg(folder / "ludb1.xml", aecg_tree(ludb))
    trend = aecg_tree(Recording(np.zeros((1, 10), np.float32), 1.0, ("II",), ("uV",)))
    trend.getroot().find(f".//{{{HL7}}}digits").text = "0 " * 263_000
    write_aecg(folder / "digits.xml", trend)
    laughs = "".join([f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)])
    (folder / "laughs.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE AnnotatedECG [<!ENTITY l0 "lol">{laughs}]>'
        f'<AnnotatedECG xmlns="{HL7}"><x>&l9;</x></AnnotatedECG>'
    )
    return {
        "DICOM 12-lead example, read": folder / "ecg.dcm",
        "DICOM declaring 111 h, refused": folder / "bomb.dcm",
        "aECG LUDB 1, read": folder / "ludb1.xml",
        "aECG 263,000 digits at 1 Hz, refused": folder / "digits.xml",
        "aECG billion laughs, refused": folder / "laughs.xml",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[2] / "shared" / "data")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            name: measure(lambda p=path: read_recording(p))
            for name, path in cases(Path(tmp), args.data).items()
        }
    emit({"machine": machine(), "repeats": REPEATS, "cases": results}, args.out)


if __name__ == "__main__":
    main()
