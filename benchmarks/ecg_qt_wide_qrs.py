"""QTc statements on LUDB records with a wide QRS: the usual Bazett limits against the
modified QT (QT - 50 % of QRS, Bogossian 2014) that the engine now judges them by.

LUDB has no QT reference, so this shows how many long-QTc statements the correction takes
away and on which records (with LUDB's conduction and pacing labels), not which are right.
Both columns come from the same run: "by Bazett" applies the usual limit to the engine's
Bazett QTc, "stated" is what the engine says, and "within limits note" lists the records
where it says why a Bazett QTc over the limit is not called prolonged. Split as committed
(development = train + validation, test held out).

Prints JSON (``--out`` also writes it).
"""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path
from typing import Any

from bench_common import emit, machine

from workstation.ecg.analysis import analyze_ecg, sex_from_metadata
from workstation.ecg.interpretation import LONG_QTC_MS
from workstation.ecg.measurements import WIDE_QRS_MS
from workstation.io import read_recording
from workstation.training.split import load_split

DATA = Path(
    os.environ.get("WORKSTATION_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    folder = DATA / "ludb"
    with (folder / "ludb.csv").open(newline="") as fh:
        labels = {int(row["ID"]): row for row in csv.DictReader(fh)}
    test = set(load_split()["test"])
    parts: dict[str, dict[str, Any]] = {
        part: {
            "wide_qrs_records": 0,
            "long_by_bazett": [],
            "long_stated": [],
            "within_limits_note": [],
            "records": [],
        }
        for part in ("development", "test")
    }
    for rid, row in sorted(labels.items()):
        rec = read_recording(folder / "data" / f"{rid}.hea")
        result = analyze_ecg(rec)
        m = result.measurements
        if m.qrs_ms is None or m.qrs_ms < WIDE_QRS_MS or m.qtc_bazett_ms is None:
            continue
        part = parts["test" if rid in test else "development"]
        part["wide_qrs_records"] += 1
        stated = next((s for s in result.statements if s.code == "long_qtc"), None)
        if m.qtc_bazett_ms > LONG_QTC_MS[sex_from_metadata(rec)]:  # the limit the engine used
            part["long_by_bazett"].append(rid)
        if stated is not None:
            part["long_stated"].append(rid)
        if any(s.code == "qtc_wide_qrs_within_limits" for s in result.statements):
            part["within_limits_note"].append(rid)
        part["records"].append(
            {
                "id": rid,
                "qrs_ms": m.qrs_ms,
                "qt_ms": m.qt_ms,
                "qtc_bazett_ms": m.qtc_bazett_ms,
                "qtc_modified_bazett_ms": m.qtc_modified_ms,
                "conduction": " / ".join(row["Conduction abnormalities"].split("\n")).strip(),
                "pacing": row["Cardiac pacing"].strip(),
            }
        )
    emit({"benchmark": "ecg_qt_wide_qrs", "machine": machine(), **parts}, args.out)


if __name__ == "__main__":
    main()
