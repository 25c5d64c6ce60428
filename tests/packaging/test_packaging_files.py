"""Light checks of the packaging files; the slow builds themselves run in `make bundle-test`."""

from __future__ import annotations

import configparser
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGING = ROOT / "packaging"
LOCK_LINE = re.compile(r"^(?P<name>[a-z0-9-]+)==(?P<version>\S+)( +--hash=sha256:[0-9a-f]{64})+$")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")
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


def read_lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """A hashed requirements file as {name: (version, hashes)}; fails on an unpinned line."""
    text = (PACKAGING / "locks" / name).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = LOCK_LINE.match(line)
        assert match, f"{name}: unpinned or unhashed line {line!r}"
        pins[match["name"]] = (match["version"], HASH.findall(line))
    return pins


def declared(*extras: str) -> set[str]:
    """Distribution names pyproject.toml asks for, in the base set and the given extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        r for extra in extras for r in project["optional-dependencies"][extra]
    ]
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in wanted}


@pytest.mark.parametrize("variant, runtime", [("cpu", "onnxruntime"), ("cuda", "onnxruntime-gpu")])
def test_ward_lock_pins_every_wheel_with_a_hash_and_no_training_tools(variant, runtime):
    pins = read_lock(f"{variant}.txt")
    assert pins and all(hashes for _version, hashes in pins.values())
    assert not set(pins) & TRAINING_ONLY
    runtimes = {name for name in pins if name.startswith("onnxruntime")}
    assert runtimes == {runtime}, "exactly one onnxruntime, the variant's own"
    assert declared("cpu" if variant == "cpu" else "gpu") <= set(pins)


def test_the_ward_runs_the_versions_the_tests_run():
    dev = read_lock("dev.txt")
    assert declared("cpu", "dev", "train") <= set(dev)
    for name in ("cpu.txt", "cuda.txt", "uv.txt"):
        for package, (version, _hashes) in read_lock(name).items():
            expected = dev.get(package.replace("onnxruntime-gpu", "onnxruntime"))
            assert expected is None or expected[0] == version, f"{name}: {package} {version}"


def test_cpu_and_cuda_variants_lock_the_same_onnxruntime_release():
    cpu, cuda = read_lock("cpu.txt")["onnxruntime"], read_lock("cuda.txt")["onnxruntime-gpu"]
    assert cpu[0] == cuda[0]


def test_dev_lock_takes_the_cpu_build_of_torch():
    assert read_lock("dev.txt")["torch"][0].endswith("+cpu")


def test_every_install_uses_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "pip sync --quiet --python $(BIN)/python --require-hashes $(LOCKS)/$(LOCK).txt" in makefile
    )
    assert "--require-hashes --no-deps -r $(LOCKS)/uv.txt" in makefile
    assert "--require-hashes -r $(LOCKS)/bundle.txt" in makefile
    for line in makefile.splitlines():
        if "pip install" in line:  # locked and hashed, or the project alone without its deps
            assert "--require-hashes" in line or ("--no-deps" in line and line.endswith("-e .")), (
                line
            )


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
