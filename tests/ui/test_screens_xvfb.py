"""Real windows under Xvfb: screenshots of the sign-in dialog, the ECG workspace and the EEG
viewer, each opened through the main window as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import ARTIFACTS, shared, write_edf
from PySide6.QtGui import QImage

pytestmark = pytest.mark.xvfb

SCRIPT = Path(__file__).with_name("xvfb_screens.py")


def _not_blank(path: Path) -> np.ndarray:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} was not written"
    pixels = np.array(
        [
            image.pixelColor(x, y).lightness()
            for x in range(0, image.width(), 12)
            for y in range(0, image.height(), 12)
        ]
    )
    assert pixels.std() > 5, f"{path} is blank"
    return pixels


def test_signin_and_ecg_workspace_screenshots(tmp_path):
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (make test installs it)")
    record = shared("ludb", "data", "1.hea")
    shots = ("signin_dialog.png", "ecg_workspace.png", "ecg_workspace_calipers.png",
             "eeg_viewer.png", "eeg_traces.png")  # fmt: skip
    for name in shots:
        (ARTIFACTS / name).unlink(missing_ok=True)
    eeg = tmp_path / "eeg.edf"
    write_edf(eeg, n_seconds=120, labels=EEG_19)
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("PATH", "LANG", "WORKSTATION"))},
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "xcb",
    }
    done = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24 -dpi 96",
            sys.executable,
            str(SCRIPT),
            str(tmp_path / "vault.db"),
            str(record),
            str(ARTIFACTS),
            str(eeg),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    _not_blank(ARTIFACTS / "signin_dialog.png")
    workspace = QImage(str(ARTIFACTS / "ecg_workspace.png"))
    assert workspace.width() >= 1200 and workspace.height() >= 800
    _not_blank(ARTIFACTS / "ecg_workspace.png")
    _not_blank(ARTIFACTS / "ecg_workspace_calipers.png")
    _not_blank(ARTIFACTS / "eeg_viewer.png")
    _traces_stand_out(ARTIFACTS / "eeg_traces.png")


EEG_19 = "Fp1 Fp2 F3 F4 C3 C4 P3 P4 O1 O2 F7 F8 T3 T4 T5 T6 Fz Cz Pz".split()


def _traces_stand_out(path: Path) -> None:
    """EEG traces are visible: a light page with dark ink on it (they once were drawn dark
    on black, and the page looked empty)."""
    image = QImage(str(path))
    lightness = np.array(
        [
            image.pixelColor(x, y).lightness()
            for x in range(0, image.width(), 3)
            for y in range(0, image.height(), 3)
        ]
    )
    assert np.median(lightness) > 200, "the trace background is not light"
    assert np.mean(lightness < 110) > 0.02, "no dark trace ink on the page"
