"""Fixtures for the ECG engine tests: LUDB beside the project and generated ECGs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("WORKSTATION_DATA", REPO.parent / "shared" / "data"))
MODELS = (REPO / "models" / "ecg-segmentation.onnx", REPO / "models" / "ecg-abnormality.onnx")


@pytest.fixture(scope="session")
def ludb() -> Path:
    path = DATA / "ludb"
    if not (path / "data").is_dir():
        pytest.skip(f"LUDB not available: {path} is absent (see ../shared/data/README.md)")
    return path


@pytest.fixture(scope="session", autouse=True)
def one_thread() -> None:
    """Tests share two cores with other work: keep every runtime to one thread."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def model_available() -> None:
    missing = [m.name for m in MODELS if not m.is_file()]
    if missing:
        pytest.skip(f"models not trained yet: {', '.join(missing)} absent from models/")
