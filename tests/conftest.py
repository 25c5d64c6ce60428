"""Fixtures: the real recordings beside the project, and small generated files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import shared, write_edf

# GUI tests run without a screen unless a test starts its own X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def ludb_dir() -> Path:
    return shared("ludb", "data")


@pytest.fixture
def wfdb_samples() -> Path:
    return shared("wfdb-samples")


@pytest.fixture
def edf_file(tmp_path: Path) -> Path:
    path = tmp_path / "eeg.edf"
    write_edf(path, annotations=[(1.0, 2.0, "Eyes closed"), (5.5, None, "Spike@@C3")])
    return path
