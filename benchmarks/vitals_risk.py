"""Vitals risk: the card's cross-validated figures beside SAPS-I, SOFA and NEWS2, plus speed.

1. From models/vitals-risk.json (written by `workstation train vitals-risk`, which ran the
   5-fold cross-validation on the committed split): out-of-fold AUROC and event-1 score
   min(Se, PPV) with bootstrap 95% CIs for the shipped model, the alternative, SAPS-I, SOFA
   and the worst NEWS2 of the first 48 h, on the same folds.
2. With --data DIR: the time to read, score NEWS2, predict and explain real set-A stays on
   one thread (what `workstation analyze vitals` does per file). These stays were in the
   training data, so this measures speed only, never accuracy.

    python benchmarks/vitals_risk.py [--data ../shared/data/physionet2012-a] [--out r.json]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from pathlib import Path

from bench_common import emit, machine

from workstation.inference.cards import read_card

ROWS = ("gbm_summary_features", "gru_hourly", "saps_i", "sofa", "news2_worst_48h")


def card_figures() -> dict:
    card = read_card("vitals-risk")
    m = card["metrics"]
    rows = {
        name: {k: m[name][k] for k in ("auroc", "auroc_ci95", "event1", "event1_ci95", "stays")}
        for name in ROWS
        if name in m
    }
    shipped = m["shipped"]
    return {
        "protocol": m["protocol"],
        "shipped_variant": m["shipped_variant"],
        "rows": rows,
        "shipped_calibrated": {
            k: shipped[k]
            for k in (
                "auroc",
                "auroc_ci95",
                "event1",
                "event1_ci95",
                "brier_calibrated",
                "brier_uncalibrated",
            )  # fmt: skip
        },
        "threshold": card["threshold"]["calibrated_probability"],
    }


def speed(data: Path, n: int = 20) -> dict:
    from workstation.vitals.assessment import assess
    from workstation.vitals.observations import read_vitals
    from workstation.vitals.risk import RiskModel

    files = sorted((data / "set-a").glob("*.txt"))[:n]
    model = RiskModel.load()
    started = time.perf_counter()
    for path in files:
        assess(read_vitals(path), model)
    return {"stays": len(files), "seconds_per_stay": round((time.perf_counter() - started) / n, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    result = {"date": date.today().isoformat(), "machine": machine(), **card_figures()}
    if args.data:
        result["speed"] = speed(args.data)
    emit(result, args.out)


if __name__ == "__main__":
    main()
