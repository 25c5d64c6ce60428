"""What every benchmark script shares: the machine line and the JSON output."""

from __future__ import annotations

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
