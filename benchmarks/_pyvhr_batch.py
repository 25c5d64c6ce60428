"""Runs inside the pyVHR peer environment (not ours): many jobs for one pyVHR import.

pyVHR costs ~20 s to import per process, so the rPPG benchmarks send all their jobs here
at once. Each job is {"mode": "video"|"traces", "path": ..., "method": ..., "fps": ...,
"winsize": ...}; the functions are those of ../shared/tools/pyvhr-peer/pyvhr_peer.py, so
the peer is run exactly as that tool runs it. Prints one JSON list.
"""

import argparse
import json
import sys
from pathlib import Path

tools = Path(sys.argv[1])
sys.path.insert(0, str(tools))
import pyvhr_peer  # noqa: E402  (imports pyVHR and applies the tool's patches)

jobs = json.loads(Path(sys.argv[2]).read_text())
results = []
for job in jobs:
    args = argparse.Namespace(
        path=job["path"],
        method=job.get("method", "cpu_POS"),
        winsize=job.get("winsize", 10.0),
        fps=job.get("fps", 30.0),
        approach=job.get("approach", "holistic"),
    )
    run = pyvhr_peer.run_video if job["mode"] == "video" else pyvhr_peer.run_traces
    out = run(args)
    out.update(job=job, import_s=pyvhr_peer.IMPORT_S)
    results.append(out)
    print(
        f"pyVHR done: {job['mode']} {Path(job['path']).name} {args.method}",
        file=sys.stderr,
        flush=True,
    )
print(json.dumps(results))
