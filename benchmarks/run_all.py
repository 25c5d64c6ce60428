"""Run every benchmark in this folder and write each JSON result to benchmarks/out/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    failed = []
    for script in sorted(HERE.glob("*.py")):
        helper = script.name.startswith("_") or script.stem.endswith("_common")
        if script.name == Path(__file__).name or helper:
            continue
        print(f"== {script.name}", flush=True)
        done = subprocess.run(
            [sys.executable, str(script), "--out", str(out / f"{script.stem}.json")]
        )
        if done.returncode:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
