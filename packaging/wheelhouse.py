"""Build the offline wheelhouse: every wheel a ward install needs, pinned and hashed.

    .venv/bin/python packaging/wheelhouse.py [--out dist/wheelhouse]

For each variant (cpu: onnxruntime, cuda: onnxruntime-gpu) this writes a self-contained
folder that can be copied onto a ward machine:

    <out>/<variant>/*.whl              the project's wheel and all its dependencies
    <out>/<variant>/requirements.lock  name==version --hash=sha256:... for every wheel
    <out>/<variant>/install-offline.sh, install-offline.ps1, models/, resources/

Run it with the tested development venv's Python: versions come from that venv
(`pip freeze` as constraints), so the ward runs
what the tests ran; only the app's own dependencies are resolved, so torch and the dev
tools stay out. The locks without the project's wheel (whose hash changes on every build)
are kept in packaging/locks/ and committed, so a dependency change shows up in review.
Needs the package index; everything after it does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def constraints() -> list[str]:
    """The dev venv's exact versions; onnxruntime-gpu follows the tested onnxruntime."""
    pins = [
        line
        for line in pip("freeze", "--all").splitlines()
        if "==" in line and not line.startswith(("-e", "#", PROJECT))
    ]
    ort = next(line for line in pins if line.startswith("onnxruntime=="))
    return [*pins, ort.replace("onnxruntime==", "onnxruntime-gpu==")]


def resolve(project_wheel: Path, runtime: str, constraint_file: Path) -> list[str]:
    """Lock lines (name==version --hash) for the project wheel plus `runtime`, wheels only."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        pip(
            "install",
            "--dry-run",
            "--ignore-installed",
            "--only-binary=:all:",
            "--quiet",
            "--report",
            str(report),
            "-c",
            str(constraint_file),
            str(project_wheel),
            runtime,
        )
        installs = json.loads(report.read_text())["install"]
    lines = []
    for item in installs:
        meta = item["metadata"]
        if meta["name"] == PROJECT:
            continue  # added per build, with the hash of the wheel just built
        sha = item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{normalise(meta['name'])}=={meta['version']} --hash=sha256:{sha}")
    return sorted(lines)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    build_dir = out / ".build"
    shutil.rmtree(build_dir, ignore_errors=True)
    pip("wheel", "--no-deps", "--quiet", "-w", str(build_dir), str(ROOT))
    project_wheel = next(build_dir.glob("clinician_workstation-*.whl"))
    constraint_file = build_dir / "constraints.txt"
    constraint_file.write_text("\n".join(constraints()) + "\n")

    locks = ROOT / "packaging" / "locks"
    locks.mkdir(exist_ok=True)
    python = f"CPython {sys.version_info[0]}.{sys.version_info[1]} on {sys.platform}"
    header = f"# {{variant}} wheels for {python}; written by packaging/wheelhouse.py\n"
    shared: Path | None = None
    for variant, runtime in VARIANTS.items():
        lock = locks / f"{variant}.txt"
        lines = resolve(project_wheel, runtime, constraint_file)
        lock.write_text(header.format(variant=variant) + "\n".join(lines) + "\n")

        folder = out / variant
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        if shared is not None:  # hard-link the wheels both variants share: no second download
            names = {line.split("==")[0] for line in lines}
            for wheel in shared.glob("*.whl"):
                if normalise(wheel.name.split("-")[0]) in names:
                    os.link(wheel, folder / wheel.name)
        pip("download", "--no-deps", "--require-hashes", "--quiet", "-d", str(folder),
            "-r", str(lock))  # fmt: skip
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
