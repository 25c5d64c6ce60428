"""Build the offline wheelhouse: every wheel a ward install needs, pinned and hashed.

    .venv/bin/python packaging/wheelhouse.py [--out dist/wheelhouse]

For each variant (cpu: onnxruntime, cuda: onnxruntime-gpu) this writes a self-contained
folder that can be copied onto a ward machine:

    <out>/<variant>/*.whl              the project's wheel and all its dependencies
    <out>/<variant>/requirements.lock  name==version --hash=sha256:... for every wheel
    <out>/<variant>/install-offline.sh, install-offline.ps1, models/, resources/

Nothing is resolved here: the wheels are exactly those of the committed locks
(packaging/locks/<variant>.txt, written by `make lock` with the versions the tests run), and
pip refuses any file whose hash differs. Needs the package index; everything after it does not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "packaging" / "locks"
VARIANTS = {"cpu": "onnxruntime", "cuda": "onnxruntime-gpu"}
PROJECT = "clinician-workstation"
SHIPPED_ALONGSIDE = ["models", "resources"]  # found beside the installed package, see below
INSTALLERS = ["install-offline.sh", "install-offline.ps1"]


def pip(*args: str) -> str:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout


def normalise(name: str) -> str:
    """A distribution name as the lock writes it (wheel files escape '-' as '_')."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    build_dir = out / ".build"
    shutil.rmtree(build_dir, ignore_errors=True)
    # The dev venv's locked setuptools builds it: nothing is fetched for the build either.
    pip("wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(build_dir), str(ROOT))
    project_wheel = next(build_dir.glob("clinician_workstation-*.whl"))
    shared: Path | None = None
    for variant in VARIANTS:
        lock = LOCKS / f"{variant}.txt"
        folder = out / variant
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        if shared is not None:  # hard-link the wheels both variants share: no second download
            names = locked_names(lock)
            for wheel in shared.glob("*.whl"):
                if normalise(wheel.name.split("-")[0]) in names:
                    os.link(wheel, folder / wheel.name)
        pip("download", "--no-deps", "--require-hashes", "--only-binary=:all:", "--quiet",
            "-d", str(folder), "-r", str(lock))  # fmt: skip
        shutil.copy2(project_wheel, folder)
        project_line = f"{PROJECT}=={project_version(project_wheel)}"
        project_line += f" --hash=sha256:{sha256(project_wheel)}"
        (folder / "requirements.lock").write_text(lock.read_text() + project_line + "\n")
        for name in INSTALLERS:
            shutil.copy2(ROOT / "packaging" / name, folder)
        for name in SHIPPED_ALONGSIDE:
            shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns(".*"))
        shared = folder
    shutil.rmtree(build_dir)


def locked_names(lock: Path) -> set[str]:
    """The distribution names a lock pins."""
    return {
        normalise(line.split("==")[0])
        for line in lock.read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }


def project_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "wheelhouse")
    args = parser.parse_args()
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
