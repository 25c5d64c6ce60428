"""Light checks of the packaging files; the slow builds themselves run in `make bundle-test`."""

from __future__ import annotations

import configparser
import re
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGING = ROOT / "packaging"
LOCK_LINE = re.compile(r"^[a-z0-9-]+==[^\s]+ --hash=sha256:[0-9a-f]{64}$")
TRAINING_ONLY = {"torch", "onnx", "onnxscript", "skl2onnx", "tensorflow", "pytest"}


@pytest.mark.parametrize("name", ["workstation.spec", "wheelhouse.py", "launch.py"])
def test_python_files_compile(name):
    path = PACKAGING / name
    compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize("name", ["install-offline.sh", "smoke-test.sh"])
def test_shell_scripts_parse(name):
    subprocess.run(["sh", "-n", str(PACKAGING / name)], check=True)


@pytest.mark.parametrize("name", ["install-offline.sh", "install-offline.ps1"])
def test_installers_never_reach_an_index_and_check_hashes(name):
    text = (PACKAGING / name).read_text()
    assert "--no-index" in text and "--require-hashes" in text


@pytest.mark.parametrize("variant, runtime", [("cpu", "onnxruntime"), ("cuda", "onnxruntime-gpu")])
def test_lock_pins_every_wheel_with_a_hash_and_no_training_tools(variant, runtime):
    lines = [
        line
        for line in (PACKAGING / "locks" / f"{variant}.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines and all(LOCK_LINE.match(line) for line in lines), "unpinned or unhashed line"
    names = {line.split("==")[0] for line in lines}
    assert not names & TRAINING_ONLY
    runtimes = {name for name in names if name.startswith("onnxruntime")}
    assert runtimes == {runtime}, "exactly one onnxruntime, the variant's own"
    assert "pyside6-essentials" in names and "sqlcipher3" in names


def test_spec_leaves_training_out():
    spec = (PACKAGING / "workstation.spec").read_text()
    for module in ["workstation.training", "torch", "onnx", "onnxscript", "skl2onnx"]:
        assert f'"{module}"' in spec


def test_desktop_entry_has_what_a_launcher_needs():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "workstation.desktop")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Exec"].endswith("workstation gui")
    assert (PACKAGING / Path(desktop["Icon"]).name).is_file(), "the icon the bundle ships"
