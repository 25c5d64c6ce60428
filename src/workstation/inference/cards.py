"""Model cards and model hashes, without the runtime.

``workstation --version`` lists every shipped model with its card's version and sha256; that
needs the files and ``hashlib``, not onnxruntime, whose import alone takes longer than the
whole listing. The registry builds on these functions to verify a model before it runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from workstation.errors import ModelMissing


def models_dir() -> Path:
    """WORKSTATION_MODELS when set, else the models/ folder of the installation."""
    env = os.environ.get("WORKSTATION_MODELS")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "models"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def card_path(name: str, directory: Path | None = None) -> Path:
    """Where a model's card is; a model without one is refused."""
    path = (directory or models_dir()) / f"{name}.json"
    if not path.is_file():
        raise ModelMissing(name, path)
    return path


def read_card(name: str, directory: Path | None = None) -> dict[str, Any]:
    """The model card; a model without one is refused."""
    return json.loads(card_path(name, directory).read_text())
