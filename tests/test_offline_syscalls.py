"""Offline at the level where it could break: the kernel's record of every socket and file.

The real GUI session (first-run set-up, import and analysis of an ECG, its signed report, an
EEG paged, a video file played, at least 60 s open) and every CLI command run under
``strace -f`` with a fresh HOME and TMPDIR. Any AF_INET/AF_INET6 socket or connect fails the
test, and so does any file written outside the app's data and settings folders, the OS temp
folder (which must be empty again afterwards), the outputs the command was asked to write,
and the two stated exceptions: Python's bytecode cache inside the installation, and the
operating system's font index (fontconfig), which Qt refreshes when it finds it stale.

The trace runs in a network namespace without interfaces, so even a regression sends nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, shared, write_edf
from syscall_audit import Trace, namespace_works, traced_run

from workstation.rppg.synthetic import ClipSpec, write_clip

APP_FOLDER = "clinician-workstation"  # platformdirs name of the data and settings folders
ADMIN, PASSWORD, NEW_PASSWORD = "admin", "offline ward password", "another ward password"
EEG_LABELS = "Fp1 Fp2 F3 F4 C3 C4 P3 P4 O1 O2 F7 F8 T3 T4 T5 T6 Fz Cz Pz".split()

pytestmark = [
    pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed"),
    pytest.mark.skipif(
        not namespace_works(),
        reason="unshare -rn is not permitted here: tracing without a network namespace could "
        "let a regression reach the network",
    ),
]


class Sandbox:
    """A fresh HOME, TMPDIR and output folder for traced runs, and what may be written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home, self.tmp, self.out = root / "home", root / "tmp", root / "out"
        for folder in (self.home, self.tmp, self.out):
            folder.mkdir(parents=True)
        self.data = self.home / ".local" / "share" / APP_FOLDER
        self.config = self.home / ".config" / APP_FOLDER
        self.logs = 0

    def env(self) -> dict[str, str]:
        passed = {k: v for k, v in os.environ.items() if k.startswith(("LANG", "LC_", "OPENBLAS"))}
        return {
            **passed,
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(ROOT / "tests"),
        }

    def allowed(self) -> list[Path]:
        installation = [ROOT / "src", Path(sys.prefix)]
        return [
            self.data,
            self.config,
            self.tmp,
            self.out,
            Path("/dev/shm"),  # the zip reader's private RAM folder; checked empty below
            Path("/var/cache/fontconfig"),
            self.home / ".cache" / "fontconfig",
            *installation,
        ]

    def run(self, argv: list[str], stdin: str | None = None, timeout: float = 300):
        self.logs += 1
        log = self.root / f"strace-{self.logs}.log"
        shm_before = set(Path("/dev/shm").iterdir())
        done, trace = traced_run(argv, log, self.env(), self.root, timeout, stdin)
        assert done.returncode == 0, f"{argv[1:]} failed:\n{done.stderr[-3000:]}"
        check(trace, self, " ".join(argv[1:3]))
        assert set(Path("/dev/shm").iterdir()) <= shm_before, "left files in /dev/shm"
        return done


def check(trace: Trace, box: Sandbox, what: str) -> None:
    assert trace.internet == [], f"{what} used the network:\n" + "\n".join(trace.internet[:10])
    outside = trace.written_outside(box.allowed())
    assert outside == [], f"{what} wrote outside the app's folders: {outside[:10]}"
    installation = [ROOT / "src", Path(sys.prefix)]
    for path in trace.written:
        if any(root in path.parents for root in installation):
            assert "__pycache__" in path.parts, f"{what} wrote {path} into the installation"
    assert list(box.tmp.iterdir()) == [], f"{what} left files in the temp folder"
    assert not (box.home / ".cache" / "Microsoft").exists()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("offline_inputs")
    ludb = shared("ludb", "data")
    record = folder / "ecg.zip"
    with zipfile.ZipFile(record, "w") as archive:
        for suffix in (".hea", ".dat"):
            archive.write(ludb / f"1{suffix}", f"1{suffix}")
    write_edf(folder / "eeg.edf", n_seconds=60, labels=EEG_LABELS)
    write_clip(folder / "face.avi", ClipSpec(bpm=72, seconds=14, width=160, height=120))
    return {
        "ecg": ludb / "1.hea",
        "zip": record,
        "eeg": folder / "eeg.edf",
        "video": folder / "face.avi",
        "bonn": shared("bonn-eeg"),
        "ludb": shared("ludb"),
        "vitals": shared("physionet2012-a", "set-a", "132551.txt"),
    }


def test_a_60_second_gui_session_opens_no_internet_socket(tmp_path, inputs):
    box = Sandbox(tmp_path)
    driver = ROOT / "tests" / "offline_gui_session.py"
    argv = [sys.executable, str(driver), str(inputs["ecg"]), str(inputs["eeg"]),
            str(inputs["video"]), str(box.out), "--seconds", "60"]  # fmt: skip
    done = box.run(argv, timeout=400)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["seconds"] >= 60
    assert 30 < summary["ecg_heart_rate_bpm"] < 120
    assert summary["report_bytes"] > 10_000
    assert summary["eeg_page_start_s"] > 0
    assert abs(summary["video_heart_rate_bpm"] - 72) < 5
    assert "Inference: CPU" in summary["device"]
    assert (box.data / "vault.db").exists()


def _workstation() -> str:
    return str(Path(sys.executable).parent / "workstation")


def test_every_reading_and_analysis_command_opens_no_internet_socket(tmp_path, inputs):
    box = Sandbox(tmp_path)
    ws, out = _workstation(), box.out
    box.run([ws, "--version"])
    box.run([ws, "inspect", str(inputs["ecg"]), "--json"])
    box.run([ws, "inspect", str(inputs["zip"])])
    box.run([ws, "inspect", str(inputs["eeg"])])
    box.run([ws, "analyze", "ecg", str(inputs["zip"]), "--json", str(out / "ecg.json"),
             "--pdf", str(out / "ecg.pdf")])  # fmt: skip
    box.run([ws, "analyze", "eeg", str(inputs["eeg"]), "--json", str(out / "eeg.json")])
    box.run([ws, "analyze", "video", str(inputs["video"]), "--json", str(out / "video.json")])
    box.run([ws, "analyze", "vitals", str(inputs["vitals"]), "--json", str(out / "vitals.json")])
    box.run([ws, "notes", "extract", "--text", "Denies chest pain. Mother had MI.", "--json",
             str(out / "notes.json")])  # fmt: skip
    box.run([ws, "batch", str(inputs["zip"]), str(inputs["ecg"]), "--engine", "local",
             "--workers", "1", "--into", "folder", "--out", str(out / "batch")])  # fmt: skip
    assert (out / "ecg.pdf").read_bytes().startswith(b"%PDF-")
    assert json.loads((out / "video.json").read_text())["heart_rate_bpm"] > 0
    assert json.loads((out / "notes.json").read_text())
    assert (out / "batch" / "summary.parquet").stat().st_size > 0


def test_every_vault_command_opens_no_internet_socket(tmp_path, inputs):
    box = Sandbox(tmp_path)
    ws, out = _workstation(), box.out
    init = box.run([ws, "vault", "init", "--admin", ADMIN, "--password-stdin"], PASSWORD + "\n")
    recovery_key = init.stdout.split("RECOVERY KEY")[1].splitlines()[1].strip()
    stdin = f"{PASSWORD}\n"
    box.run([ws, "vault", "adduser", "dr.b", "--admin", ADMIN, "--password-stdin"],
            f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    box.run([ws, "vault", "passwd", "dr.b", "--password-stdin"], f"{PASSWORD}\n{NEW_PASSWORD}\n")
    box.run([ws, "vault", "users", "--admin", ADMIN, "--password-stdin"], stdin)
    imported = box.run([ws, "import", str(inputs["zip"]), "--patient", "MRN-OFFLINE-3",
                        "--name", "Offline, Testpatient", "--user", ADMIN, "--json",
                        "--password-stdin"], stdin)  # fmt: skip
    session_id = json.loads(imported.stdout)["session_id"]
    box.run([ws, "report", str(session_id), "--user", ADMIN, "--out", str(out / "report.pdf"),
             "--password-stdin"], stdin)  # fmt: skip
    box.run([ws, "vault", "verify", "--user", ADMIN, "--password-stdin"], stdin)
    box.run([ws, "vault", "backup", str(out / "backup.db"), "--admin", ADMIN, "--password-stdin"],
            stdin)  # fmt: skip
    box.run([ws, "vault", "deluser", "dr.b", "--admin", ADMIN, "--password-stdin"], stdin)
    box.run([ws, "vault", "restore", str(out / "backup.db"), "--admin", ADMIN, "--force",
             "--password-stdin"], stdin)  # fmt: skip
    box.run([ws, "vault", "recover", "--admin", ADMIN, "--password-stdin"],
            f"{recovery_key}\n{NEW_PASSWORD}\n")  # fmt: skip
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.timeout(1200)  # four trainings under strace -f: minutes each on a busy 2-core box
def test_every_training_command_opens_no_internet_socket(tmp_path, inputs):
    box = Sandbox(tmp_path)
    ws, out = _workstation(), box.out
    box.run([ws, "train", "eeg-seizure", "--data", str(inputs["bonn"]), "--out", str(out),
             "--per-set", "3", "--max-steps", "2", "--epochs", "1", "--folds", "2"])  # fmt: skip
    ludb = ["--data", str(inputs["ludb"]), "--out", str(out)]
    box.run([ws, "train", "ecg-segmentation", "--epochs", "1", *ludb])
    box.run([ws, "train", "ecg-abnormality", *ludb])
    hms = _hms_dataset(box.root / "hms")
    box.run([ws, "train", "eeg-hms", "--data", str(hms), "--out", str(out),
             "--epochs", "1", "--max-steps", "2"])  # fmt: skip
    assert (out / "eeg-seizure.onnx").stat().st_size > 0
    assert (out / "eeg-hms.onnx").stat().st_size > 0
    assert (out / "ecg-segmentation.onnx").stat().st_size > 0
    assert (out / "ecg-abnormality.onnx").stat().st_size > 0


def _hms_dataset(folder: Path) -> Path:
    """A small synthetic HMS data set, written by the EEG tests' own generator."""
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from hms_synth import write_hms_dataset; write_hms_dataset(Path(sys.argv[2]), 3)"
    )
    subprocess.run([sys.executable, "-c", code, str(ROOT / "tests" / "eeg"), str(folder)],
                   check=True, timeout=120)  # fmt: skip
    return folder


def _raw_onnxruntime_probe(seconds: int) -> str:
    """Python that starts onnxruntime without the workstation (so telemetry stays on)."""
    model = ROOT / "models" / "ecg-segmentation.onnx"
    return (
        "import time, onnxruntime as ort\n"
        f"ort.InferenceSession({str(model)!r}, providers=['CPUExecutionProvider'])\n"
        f"time.sleep({seconds})\n"
    )


def test_the_audit_catches_onnxruntime_telemetry_when_it_is_switched_on(tmp_path):
    """Shows that the checks above can fail: the same trace and the same check, on a process
    that starts onnxruntime without the workstation's switch, in the empty namespace."""
    box = Sandbox(tmp_path)
    done, trace = traced_run([sys.executable, "-c", _raw_onnxruntime_probe(20)],
                             tmp_path / "probe.log", box.env(), tmp_path, 120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert trace.internet, "onnxruntime telemetry did not show up: is this onnxruntime < 1.32?"
    with pytest.raises(AssertionError, match="used the network"):
        check(trace, box, "onnxruntime with telemetry on")
    written = trace.written_outside(box.allowed())
    assert any("Microsoft" in path.parts for path in written)


def test_workstation_switches_telemetry_off_even_when_the_environment_turns_it_on(tmp_path):
    env = {**Sandbox(tmp_path).env(), "ORT_DISABLE_TELEMETRY": "0"}
    code = "import os, workstation; print(os.environ['ORT_DISABLE_TELEMETRY'])"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "1", done.stderr


def test_no_model_runs_when_onnxruntime_was_started_before_the_workstation(tmp_path):
    code = (
        "import onnxruntime\n"
        "from workstation.errors import TelemetryNotOff\n"
        "from workstation.inference.registry import load_model\n"
        "try:\n    load_model('ecg-segmentation')\n"
        "except TelemetryNotOff as error:\n    print('refused:', error)\n"
    )
    env = Sandbox(tmp_path).env()
    done = subprocess.run(["unshare", "-rn", sys.executable, "-c", code], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.stdout.startswith("refused: The model runtime (onnxruntime)"), done.stderr
