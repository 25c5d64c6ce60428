"""The layer boundaries are contracts (import-linter, configured in pyproject.toml).

They hold on the code as it is, and they are not decorative: a copy of the package in which
one core module imports PySide6 (or the UI imports an engine directly) breaks them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(source_root: Path) -> subprocess.CompletedProcess:
    """Run the project's contracts on the package found under ``source_root``."""
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=source_root,
        timeout=300,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "src" / "workstation",
        tmp_path / "workstation",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return tmp_path


def test_the_architecture_contracts_hold():
    done = lint_imports(ROOT / "src")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "4 kept, 0 broken" in done.stdout


def test_a_core_module_importing_qt_breaks_the_contract(package_copy: Path):
    module = package_copy / "workstation" / "dsp" / "__init__.py"
    module.write_text(module.read_text() + "\nimport PySide6.QtCore  # noqa\n")
    done = lint_imports(package_copy)
    assert done.returncode != 0
    assert "Core code imports no Qt" in done.stdout and "BROKEN" in done.stdout
    assert "workstation.dsp -> PySide6" in done.stdout


def test_the_ui_importing_an_engine_directly_breaks_the_contract(package_copy: Path):
    module = package_copy / "workstation" / "ui" / "jobs.py"
    module.write_text(module.read_text() + "\nfrom workstation.ecg import analysis  # noqa\n")
    done = lint_imports(package_copy)
    assert done.returncode != 0
    assert "workstation.ui.jobs -> workstation.ecg.analysis" in done.stdout
