"""Shared by the rPPG benchmarks: running the pyVHR peer and scoring heart rates."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WORKSTATION_DATA", ROOT.parent / "shared" / "data")).parent
PEER_TOOL = SHARED / "tools" / "pyvhr-peer"
PEER_ENV = ROOT / ".peer" / "pyvhr"
#: Our method names and pyVHR's for the same published method.
PYVHR_METHODS = {
    "pos": "cpu_POS",
    "chrom": "cpu_CHROM",
    "green": "cpu_GREEN",
    "lgi": "cpu_LGI",
    "omit": "cpu_OMIT",
    "pca": "cpu_PCA",
    "ica": "cpu_ICA",
}


def peer_available() -> bool:
    return (PEER_ENV / "bin" / "python").exists() and PEER_TOOL.is_dir()


def ensure_peer() -> bool:
    """Build the peer environment with the shared tool's own script when it is missing."""
    if not peer_available() and (PEER_TOOL / "setup.sh").exists():
        subprocess.run(["bash", str(PEER_TOOL / "setup.sh"), str(PEER_ENV)], check=True, cwd=ROOT)
    return peer_available()


def run_pyvhr(jobs: list[dict]) -> list[dict]:
    """All jobs in one pyVHR process (its import alone takes ~20 s)."""
    with tempfile.TemporaryDirectory() as folder:
        job_file = Path(folder) / "jobs.json"
        job_file.write_text(json.dumps(jobs))
        env = {**os.environ, "PYTHONPATH": str(PEER_TOOL / "stubs")}
        done = subprocess.run(
            [
                str(PEER_ENV / "bin" / "python"),
                str(Path(__file__).with_name("_pyvhr_batch.py")),
                str(PEER_TOOL),
                str(job_file),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def errors(estimates: list[float], truth: list[float]) -> dict:
    """MAE, RMSE and Pearson r of estimates against the truth (None when empty)."""
    if not estimates:
        return {"n": 0, "mae": None, "rmse": None, "r": None, "max_abs": None}
    e = np.asarray(estimates, dtype=float)
    t = np.asarray(truth, dtype=float)
    diff = e - t
    r = float(np.corrcoef(e, t)[0, 1]) if len(e) > 2 and e.std() > 0 and t.std() > 0 else None
    return {
        "n": int(len(e)),
        "mae": float(np.abs(diff).mean()),
        "rmse": float(np.sqrt((diff**2).mean())),
        "r": r,
        "max_abs": float(np.abs(diff).max()),
    }
