"""How fast the readers open files, and how much memory they need (JSON on stdout).

Cases: LUDB 12-lead 10 s WFDB records (500 Hz) and a 1-hour 19-channel 256 Hz EDF that
this script generates. Each time is the median of several reads; peak memory is the
tracemalloc peak of one read (NumPy reports its buffers to tracemalloc), beside the size of
the float32 signal it returns, so "read once, not twice" can be checked by their ratio.

    python benchmarks/io_read.py [--data ../shared/data] [--out result.json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

import edfio
import numpy as np
from bench_common import emit, machine

from workstation.io import read_recording

EEG_CHANNELS = [
    "Fp1",
    "Fp2",
    "F3",
    "F4",
    "C3",
    "C4",
    "P3",
    "P4",
    "O1",
    "O2",
    "F7",
    "F8",
    "T3",
    "T4",
    "T5",
    "T6",
    "Fz",
    "Cz",
    "Pz",
]


def write_hour_edf(path: Path, fs: int = 256, seconds: int = 3600) -> None:
    rng = np.random.default_rng(0)
    n = fs * seconds
    t = np.arange(n) / fs
    signals = [
        edfio.EdfSignal(
            (30 * np.sin(2 * np.pi * (6 + i % 8) * t) + rng.normal(0, 10, n)).astype(np.float64),
            fs,
            label=label,
            physical_dimension="uV",
            physical_range=(-500, 500),
        )
        for i, label in enumerate(EEG_CHANNELS)
    ]
    edfio.Edf(signals).write(path)


def measure(path: Path, repeats: int) -> dict:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        rec = read_recording(path)
        times.append(time.perf_counter() - start)
        del rec
    tracemalloc.start()
    rec = read_recording(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "repeats": repeats,
        "peak_python_mib": peak / 2**20,
        "signal_mib": rec.signals.nbytes / 2**20,
        "peak_over_signal": peak / rec.signals.nbytes,
        "channels": rec.n_channels,
        "samples": rec.n_samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("WORKSTATION_DATA", "../shared/data"))
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result: dict = {
        "benchmark": "io_read",
        "date": date.today().isoformat(),
        "machine": machine(),
        "cases": {},
    }
    ludb = sorted((args.data / "ludb" / "data").glob("*.hea"))[:20]
    if ludb:
        per_record = [measure(h, 5) for h in ludb]
        result["cases"]["ludb_12lead_10s_wfdb"] = {
            "records": len(per_record),
            "median_s": statistics.median(r["median_s"] for r in per_record),
            "peak_python_mib": max(r["peak_python_mib"] for r in per_record),
            "signal_mib": per_record[0]["signal_mib"],
        }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hour.edf"
        write_hour_edf(path)
        result["cases"]["edf_1h_19ch_256hz"] = {
            "file_mib": path.stat().st_size / 2**20,
            **measure(path, 3),
        }
    emit(result, args.out)


if __name__ == "__main__":
    main()
