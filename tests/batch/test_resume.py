"""A batch killed half-way (a real SIGKILL) resumes: finished records are not redone and no
file is left half-written; the folder sink's JSON and Parquet hold every record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from workstation.batch.sinks import LEDGER, RECORDS, SUMMARY


def _batch(archive: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "workstation.cli", "batch", str(archive),
        "--into", "folder", "--out", str(out), "--workers", "1", "--quiet", "--json",
    ]  # fmt: skip


def _ledger_lines(out: Path) -> int:
    path = out / LEDGER
    return len(path.read_text().splitlines()) if path.is_file() else 0


def test_killed_batch_resumes_without_redoing_finished_records(
    three_records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = subprocess.Popen(
        _batch(three_records, out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its worker processes share its process group
    )
    deadline = time.monotonic() + 120
    while _ledger_lines(out) < 1 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    finished = _ledger_lines(out)
    assert 1 <= finished < 3, "the kill came too late to interrupt the run"
    written = {p.name: p.stat().st_mtime_ns for p in (out / RECORDS).glob("*.json")}
    assert len(written) >= finished  # a result is written before it is marked finished

    second = subprocess.run(_batch(three_records, out), capture_output=True, text=True)

    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["done_in_earlier_run"] == finished
    assert summary["analysed"] == 3 - finished
    files = sorted((out / RECORDS).iterdir())
    assert len(files) == 3 and all(p.suffix == ".json" for p in files)  # no temporary left
    for path in files:
        document = json.loads(path.read_text())  # complete JSON, every one
        assert document["status"] == "analysed"
        assert document["analysis"]["heart_rate_bpm"] > 0
    redone = [n for n, t in written.items() if (out / RECORDS / n).stat().st_mtime_ns != t]
    assert len(written) - len(redone) >= finished  # the finished records were not rewritten
    table = pq.read_table(out / SUMMARY).to_pylist()
    assert sorted(r["record"] for r in table) == ["1.hea", "2.hea", "3.hea"]
    assert all(r["status"] == "analysed" and r["qrs_ms"] > 0 for r in table)
    assert all("qtc_modified_ms" in r for r in table)  # the QTc judged over a wide QRS
