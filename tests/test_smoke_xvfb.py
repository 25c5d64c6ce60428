"""A real window under Xvfb, started the way `make run` starts it, with a screenshot (a fresh
HOME, so the first-run set-up dialog is what appears)."""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import ARTIFACTS, ROOT
from PySide6.QtGui import QImage

pytestmark = pytest.mark.xvfb


def test_app_starts_in_a_real_window_and_draws(tmp_path):
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (make test installs it)")
    shot = ARTIFACTS / "first_run.png"
    shot.unlink(missing_ok=True)
    script = Path(ROOT / ".venv" / "bin" / "workstation")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            str(script),
            "gui",
            "--screenshot",
            str(shot),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert image.width() >= 400 and image.height() >= 250
    pixels = np.array(
        [
            image.pixelColor(x, y).lightness()
            for x in range(0, image.width(), 16)
            for y in range(0, image.height(), 16)
        ]
    )
    assert pixels.std() > 5, "the screenshot is blank"
