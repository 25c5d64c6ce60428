"""The Dask engine: a LocalCluster of two worker processes analyses a few records."""

from __future__ import annotations

import json
from pathlib import Path

from workstation.batch.engines import EngineChoice
from workstation.batch.runner import run_batch
from workstation.batch.sinks import RECORDS, FolderSink


def test_dask_local_cluster_with_two_workers_analyses_every_record(
    three_records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    summary = run_batch(
        [three_records], EngineChoice("dask", 2), FolderSink(out), show_progress=False
    )
    assert (summary.analysed, summary.refused, summary.failed) == (3, [], [])
    assert summary.engine == "dask, 2 workers"
    documents = [json.loads(p.read_text()) for p in (out / RECORDS).glob("*.json")]
    assert sorted(d["record"] for d in documents) == ["1.hea", "2.hea", "3.hea"]
    assert all(d["analysis"]["statements"] for d in documents)
