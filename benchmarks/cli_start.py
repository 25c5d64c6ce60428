"""How long the `workstation` command takes to start, and which imports it waits for (JSON).

Cases: `workstation --version` and `workstation inspect` of LUDB record 1 (WFDB), each run
as a new process through the installed console script, as a script or a clinician would
run it. Each time is the median wall time of several runs after one warm-up run (so the
page cache is warm); the load average is recorded beside them because start-up time on a
shared 2-core machine moves with what else runs. ``python -X importtime`` of each command
gives the imports with the largest cumulative time.

    python benchmarks/cli_start.py [--data ../shared/data] [--runs 5] [--out result.json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench_common import emit, machine

#: Runs ``workstation.cli.main`` exactly as the console script does, under -X importtime.
_AS_CONSOLE_SCRIPT = "import sys; from workstation.cli import main; sys.exit(main())"


def wall_times(command: list[str], runs: int) -> list[float]:
    """Wall seconds of each of ``runs`` runs of ``command``, after one unmeasured warm-up."""
    subprocess.run(command, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def top_imports(arguments: list[str], count: int) -> list[dict[str, Any]]:
    """The ``count`` modules with the largest cumulative import time for these arguments.

    Nested modules are listed too (``scipy.stats`` under ``scipy.signal``), so the chain
    that pulls a heavy library in can be read from the names.
    """
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _AS_CONSOLE_SCRIPT, *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append({"module": name.strip(), "cumulative_ms": int(cumulative) / 1000})
    return sorted(rows, key=lambda row: -row["cumulative_ms"])[:count]


def case(script: str, arguments: list[str], runs: int) -> dict[str, Any]:
    times = wall_times([script, *arguments], runs)
    return {
        "command": " ".join(["workstation", *arguments]),
        "median_s": round(statistics.median(times), 3),
        "runs_s": [round(t, 3) for t in times],
        "top_imports": top_imports(arguments, 12),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("WORKSTATION_DATA", "../shared/data"))
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    script = shutil.which("workstation", path=os.path.dirname(sys.executable))
    if script is None:
        raise SystemExit("the workstation console script is not installed beside this Python")
    result: dict[str, Any] = {
        "benchmark": "cli_start",
        "date": date.today().isoformat(),
        "machine": machine(),
        "load_average_before": os.getloadavg(),
        "cases": {"version": case(script, ["--version"], args.runs)},
    }
    record = args.data / "ludb" / "data" / "1.hea"
    if record.is_file():
        result["cases"]["inspect_ludb"] = case(script, ["inspect", str(record)], args.runs)
    result["load_average_after"] = os.getloadavg()
    emit(result, args.out)


if __name__ == "__main__":
    main()
