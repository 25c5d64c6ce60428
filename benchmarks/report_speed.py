"""How long the 12-lead ECG report takes to build (target: median ≤ 1 s), as JSON.

Measures ``build_ecg_report`` alone on LUDB records (grid, 12 panels, rhythm strip, both
pages, PDF compression), with a stored-shape analysis so the figure does not depend on the
ECG models; analysis time is the ECG engine's own benchmark (ecg_speed.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reports"))

from stored_analysis import stored_analysis  # noqa: E402

from workstation.io import read_recording  # noqa: E402
from workstation.reports import (  # noqa: E402
    EcgReport,
    PatientHeader,
    ReportSettings,
    Signature,
    build_ecg_report,
)

DATA = Path(os.environ.get("WORKSTATION_DATA", REPO.parent / "shared" / "data"))


def measure(records: list[int], repeats: int) -> dict[str, object]:
    times, sizes = [], []
    signature = Signature("bench", "clinician", True, datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    patient = PatientHeader("BENCH-1", "Benchmark Patient", "female", "51 years")
    for number in records:
        recording = read_recording(DATA / "ludb" / "data" / f"{number}.hea")
        report = EcgReport(recording, stored_analysis(), patient, signature, (), ReportSettings())
        for _ in range(repeats):
            started = time.perf_counter()
            pdf = build_ecg_report(report)
            times.append(time.perf_counter() - started)
            sizes.append(len(pdf))
    return {
        "benchmark": "ecg_report_build",
        "records": records,
        "repeats": repeats,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "target_median_s": 1.0,
        "pdf_bytes_median": int(statistics.median(sizes)),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=list(range(1, 11)))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    result = measure(args.records, args.repeats)
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0 if result["median_s"] <= result["target_median_s"] else 1


if __name__ == "__main__":
    sys.exit(main())
