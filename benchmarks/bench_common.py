"""What every benchmark script shares: the machine line, the LUDB arguments, the JSON output."""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path
from typing import Any


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def emit(result: dict[str, Any], out: Path | None) -> None:
    """Print the result as JSON, and write it to ``out`` when given (``--out``)."""
    text = json.dumps(result, indent=1)
    print(text)
    if out is not None:
        out.write_text(text + "\n")


def ludb_parser(description: str | None) -> argparse.ArgumentParser:
    """``--data`` (the LUDB folder, under $WORKSTATION_DATA or ../shared/data) and ``--out``;
    a script adds its own arguments before parsing."""
    default = Path(os.environ.get("WORKSTATION_DATA", "../shared/data")) / "ludb"
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--out", type=Path)
    return parser
