"""Fixtures for the vitals tests: a few real PhysioNet 2012 set-A stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import shared

#: Two survivors and two in-hospital deaths of set A (Outcomes-a.txt).
STAYS = ("132539", "132540", "132551", "132598")


@pytest.fixture
def set_a() -> Path:
    return shared("physionet2012-a", "set-a")


@pytest.fixture
def stay_file(set_a: Path) -> Path:
    return set_a / f"{STAYS[2]}.txt"


@pytest.fixture
def stay_files(set_a: Path) -> list[Path]:
    return [set_a / f"{rid}.txt" for rid in STAYS]
