"""Batch analysis throughput (#24): engines, the prediction cache, and cost growth.

One run, in a temporary folder, on real records: every LUDB record (200, 12-lead 10 s) plus
the 18 CPSC 2021 sample records (2-lead, minutes long), symlinked into one archive.

1. records/s into a fresh vault per engine: local pool with 1 and 2 workers, Dask LocalCluster
   with 2 workers (start-up included: it is what a user waits for);
2. the same archive again into the vault of the Dask run with ``redo``: every record served
   from the prediction cache; the speed-up over the first run;
3. cost growth: N distinct records (LUDB headers with a ``# copy i`` comment line, so each has
   its own sha256, data files symlinked) analysed into a folder with the local pool of 2, for
   each N in --sizes; the least-squares line through (N, seconds), its R², and the seconds per
   record at each N.

Prints JSON (and writes it with --out). Heavy: run it with ``nice -n 10``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import emit, machine

from workstation.batch.engines import EngineChoice
from workstation.batch.runner import BatchSummary, run_batch
from workstation.batch.sinks import FolderSink, VaultSink
from workstation.vault import Argon2Params, Vault

DATA = Path(os.environ.get("WORKSTATION_DATA", Path(__file__).resolve().parents[2] / "shared/data"))
FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


def _link_record(header: Path, folder: Path, comment: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = header.read_text()
    (folder / header.name).write_text(text + (f"# {comment}\n" if comment else ""))
    for data in header.parent.glob(f"{header.stem}.dat"):
        (folder / data.name).symlink_to(data)


def build_archive(root: Path, ludb: int, cpsc: int) -> int:
    """The first ``ludb`` LUDB and ``cpsc`` CPSC 2021 records (by sorted name)."""
    for header in sorted((DATA / "ludb" / "data").glob("*.hea"))[:ludb]:
        _link_record(header, root / "ludb")
    for header in sorted((DATA / "cpsc2021-sample").glob("*.hea"))[:cpsc]:
        _link_record(header, root / "cpsc2021")
    return len(list(root.rglob("*.hea")))


def build_copies(root: Path, n: int) -> None:
    headers = sorted((DATA / "ludb" / "data").glob("*.hea"))
    for i in range(n):
        _link_record(headers[i % len(headers)], root / f"{i:05d}", f"copy {i}")


def _vault(path: Path) -> Vault:
    vault, _ = Vault.create(path, "admin", "admin password 1", kdf=FAST_KDF)
    return vault


def _figures(summary: BatchSummary) -> dict[str, Any]:
    return {
        "records": summary.processed,
        "analysed": summary.analysed,
        "cached": summary.cached,
        "refused": len(summary.refused),
        "failed": len(summary.failed),
        "seconds": round(summary.seconds, 2),
        "records_per_s": round(summary.records_per_s, 3),
    }


def engines_and_cache(work: Path, ludb: int, cpsc: int) -> dict[str, Any]:
    archive = work / "archive"
    found = build_archive(archive, ludb, cpsc)
    runs: dict[str, Any] = {"records_in_archive": found}
    vaults = {}
    for label, choice in (
        ("local_1", EngineChoice("local", 1)),
        ("local_2", EngineChoice("local", 2)),
        ("dask_localcluster_2", EngineChoice("dask", 2)),
    ):
        vault = _vault(work / label / "vault.db")
        vaults[label] = vault
        summary = run_batch([archive], choice, VaultSink(vault, "BATCH", "Batch, bench"))
        runs[label] = _figures(summary)
        runs[label]["refusals"] = sorted({r for _n, r in summary.refused})[:5]
        print(label, runs[label], flush=True)
    vault = vaults["dask_localcluster_2"]
    cached = run_batch(
        [archive], EngineChoice("dask", 2), VaultSink(vault, "BATCH", "Batch"), redo=True
    )
    runs["cache_rerun_dask_2"] = _figures(cached)
    print("cache rerun", runs["cache_rerun_dask_2"], flush=True)
    runs["cache_speedup"] = round(
        runs["cache_rerun_dask_2"]["records_per_s"] / runs["dask_localcluster_2"]["records_per_s"],
        1,
    )
    for v in vaults.values():
        v.lock()
    return runs


def growth(work: Path, sizes: list[int]) -> dict[str, Any]:
    points = []
    for n in sizes:
        root = work / f"copies_{n}"
        build_copies(root, n)
        started = time.perf_counter()
        summary = run_batch([root], EngineChoice("local", 2), FolderSink(work / f"out_{n}"))
        seconds = time.perf_counter() - started
        points.append({"n": n, "seconds": round(seconds, 2), "s_per_record": seconds / n})
        print(points[-1], summary.analysed, len(summary.refused), flush=True)
    x = np.array([p["n"] for p in points], float)
    y = np.array([p["seconds"] for p in points], float)
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    r2 = 1 - float(residual @ residual) / float(((y - y.mean()) ** 2).sum())
    return {
        "engine": "local, 2 workers, into a folder",
        "points": [{**p, "s_per_record": round(p["s_per_record"], 3)} for p in points],
        "fit_seconds_per_record": round(float(slope), 3),
        "fit_intercept_s": round(float(intercept), 2),
        "fit_r2": round(r2, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--sizes", default="50,200,500,1000,2000")
    parser.add_argument("--ludb", type=int, default=200, help="LUDB records (all 200)")
    parser.add_argument("--cpsc", type=int, default=18, help="CPSC 2021 records (all 18)")
    parser.add_argument("--skip-engines", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    result: dict[str, Any] = {"machine": machine(), "load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="ws-batch-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_engines:
            result["engines"] = engines_and_cache(work, args.ludb, args.cpsc)
        result["growth"] = growth(work, sizes)
    result["load_average_end"] = os.getloadavg()
    emit(result, args.out)


if __name__ == "__main__":
    main()
