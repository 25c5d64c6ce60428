"""The video-vitals panel, fed generated face clips through the same path a camera uses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import FAST_KDF, add_patient, first_run, wait_idle
from helpers import ARTIFACTS
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QImage

from workstation.app import video_runs
from workstation.app.video_sessions import stored_results
from workstation.cli import main
from workstation.recording import Modality
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.ui.shell.preferences import Preferences
from workstation.ui.video import panel as video_panel
from workstation.ui.video.capture import StopReason
from workstation.ui.video.panel import VideoPanel
from workstation.ui.video.plots import TrendPlot, gap_spans
from workstation.vault import Vault
from workstation.vault.kinds import AnalysisKind

BPM = 80.0


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(
        tmp_path_factory.mktemp("video_panel") / "face.avi",
        ClipSpec(bpm=BPM, seconds=14, width=160, height=120),
    )


@pytest.fixture
def vault(tmp_path) -> Vault:
    vault, _recovery = Vault.create(tmp_path / "vault.db", "dr.meyer", "ward 7 pass!", kdf=FAST_KDF)
    yield vault
    vault.lock()


@pytest.fixture
def panel(qtbot, app, vault) -> VideoPanel:
    patient = vault.add_patient("H-204518", "Doe, Jane", "F")
    widget = VideoPanel(vault, patient)
    qtbot.addWidget(widget)
    yield widget
    widget.close_workers()


class ThreadEnd(QObject):
    """Whether the capture thread still ran when it reported finishing (the panel then
    deletes the worker, so this is recorded as it happens)."""

    def __init__(self, worker) -> None:
        super().__init__()
        self.worker = worker
        self.running: bool | None = None
        self.frames = 0
        worker.finished.connect(self.on_finished)

    @Slot()
    def on_finished(self) -> None:
        self.running = self.worker.isRunning()
        self.frames = self.worker.frames


def _start_file(panel: VideoPanel, clip: Path, realtime: bool) -> ThreadEnd:
    panel.set_video_file(clip)
    panel.realtime_check.setChecked(realtime)
    panel.start()
    return ThreadEnd(panel.worker)


def _wait_stopped(qtbot, panel: VideoPanel, end: ThreadEnd, reason: str) -> None:
    qtbot.waitUntil(lambda: panel.last_stop_reason is not None, timeout=60000)
    assert panel.last_stop_reason == reason
    qtbot.waitUntil(lambda: end.running is not None, timeout=5000)
    assert end.running is False and panel.worker is None


def _wait_result(qtbot, panel: VideoPanel) -> None:
    qtbot.waitUntil(lambda: panel.result is not None and panel._analysis is None, timeout=90000)


def test_a_file_run_shows_the_clip_heart_rate_then_the_whole_run_result(qtbot, panel, clip):
    end = _start_file(panel, clip, realtime=False)
    qtbot.waitUntil(lambda: any(ok for *_, ok in panel.trend_plot.rows), timeout=60000)
    assert abs(float(panel.hr_value.text()) - BPM) <= 1.5
    assert "SNR" in panel.hr_detail.text()
    _wait_stopped(qtbot, panel, end, StopReason.END_OF_FILE)
    assert end.frames == 420
    assert not panel.preview.pixmap().isNull()
    assert panel.pulse_plot.curve.getData()[0] is not None
    _wait_result(qtbot, panel)
    vitals = panel.result.vitals
    assert vitals.status == "ok" and abs(vitals.heart_rate_bpm - BPM) <= 1.5
    assert abs(float(panel.hr_value.text()) - BPM) <= 1.5
    card = panel.result_label.text()
    assert "Measured" in card and "windows measurable" in card
    assert panel.save_button.isEnabled() and panel.start_button.isEnabled()


def test_stop_cancels_the_run_and_the_worker_stops_cleanly(qtbot, panel, clip):
    end = _start_file(panel, clip, realtime=True)
    qtbot.waitUntil(lambda: end.worker.frames >= 45, timeout=20000)
    assert not panel.preview.pixmap().isNull()
    assert panel.stop_button.isEnabled() and not panel.start_button.isEnabled()
    panel.stop_button.click()
    _wait_stopped(qtbot, panel, end, StopReason.CANCELLED)
    assert end.frames < 420 and not panel.stop_button.isEnabled()
    qtbot.waitUntil(lambda: panel._analysis is None, timeout=30000)
    assert panel.start_button.isEnabled()
    assert "too_short" == panel.result.vitals.status
    assert "at least 10 s" in panel.status.text()


def test_a_camera_that_cannot_open_shows_the_error_and_the_panel_stays_usable(qtbot, panel, clip):
    panel.camera_radio.setChecked(True)
    panel.camera_index.setValue(9)
    panel.start()
    qtbot.waitUntil(lambda: panel.last_stop_reason is not None, timeout=20000)
    assert panel.last_stop_reason == StopReason.FAILED
    assert "camera 9" in panel.status.text() and "cannot be opened" in panel.status.text()
    assert panel.start_button.isEnabled() and panel.result is None
    end = _start_file(panel, clip, realtime=False)
    _wait_stopped(qtbot, panel, end, StopReason.END_OF_FILE)


def test_whole_file_analysis_reports_rate_hrv_and_wellness_and_can_be_cancelled(qtbot, panel, clip):
    panel.set_video_file(clip)
    panel.analyse_whole_file()
    panel.cancel_analysis()
    qtbot.waitUntil(lambda: panel._analysis is None, timeout=30000)
    assert panel.result is None and "cancelled" in panel.status.text()
    panel.analyse_button.click()
    _wait_result(qtbot, panel)
    assert abs(panel.result.vitals.heart_rate_bpm - BPM) <= 1.5
    card = panel.result_label.text()
    assert "Not enough clean signal for HRV" in card
    assert "resting heart rate 80" in card and "<b>within</b> the reference range" in card
    assert "a camera pulse is not an ECG" in card
    assert "windows measurable" in card


def test_the_panel_and_the_cli_give_identical_results_on_the_same_file(
    qtbot, panel, clip, tmp_path
):
    out = tmp_path / "cli.json"
    assert main(["analyze", "video", str(clip), "--json", str(out)]) == 0
    cli = json.loads(out.read_text())
    panel.set_video_file(clip)
    panel.analyse_whole_file()
    _wait_result(qtbot, panel)
    gui = json.loads(json.dumps(stored_results(panel.result)))
    assert gui.pop("source") == clip.name
    for result in (cli, gui):
        result.pop("timings")  # wall-clock figures of each run
    assert gui == cli


def test_save_stores_derived_traces_and_results_and_reopening_runs_nothing(
    qtbot, app, vault_path, clip, monkeypatch, errors
):
    launcher = first_run(qtbot, vault_path, Preferences(idle_minutes=30))
    window = launcher.window
    add_patient(qtbot, window, monkeypatch, "H-0007", "Roe, Richard")
    action = next(a for a in window.actions() if a.text() == "&Video vitals…")
    assert action.shortcut().toString() == "Ctrl+Shift+V"
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), VideoPanel), timeout=10000)
    panel = window.tabs.currentWidget()
    panel.set_video_file(clip)
    panel.analyse_whole_file()
    _wait_result(qtbot, panel)
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.opened is not None, timeout=30000)
    wait_idle(qtbot, window)
    session_id = panel.opened.session.id
    assert window.patients.session_ids() == [session_id]
    vault = window.vault
    assert vault.get_session(session_id).modality == Modality.VIDEO
    (info,) = vault.list_analyses(session_id)
    stored = vault.load_analysis(info.id)
    assert stored.kind == AnalysisKind.VIDEO
    assert stored.results == json.loads(json.dumps(stored_results(panel.result)))
    assert set(stored.arrays) == {"rgb", "timestamps", "pulse"}
    np.testing.assert_array_equal(stored.arrays["rgb"], panel.result.rgb)
    np.testing.assert_array_equal(stored.arrays["pulse"], panel.result.vitals.pulse)
    assert stored.arrays["rgb"].shape == (420, 3) and not vault.list_recordings(session_id)
    shown_rate, shown_card = panel.hr_value.text(), panel.result_label.text()

    window.close_tab(window.tabs.indexOf(panel))

    def engine_must_not_run(*_args, **_kwargs):
        raise AssertionError("reopening a saved session ran the engine")

    monkeypatch.setattr(video_runs, "analyze_traces", engine_must_not_run)
    monkeypatch.setattr(video_panel, "LiveVitalsWorker", engine_must_not_run)
    window.open_session(session_id)
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), VideoPanel), timeout=20000)
    wait_idle(qtbot, window)
    reopened = window.tabs.currentWidget()
    assert reopened.review and not reopened.controls.isVisible()
    assert reopened.hr_value.text() == shown_rate
    assert reopened.result_label.text() == shown_card
    assert len(reopened.trend_plot.rows) == stored.results["windows"]
    assert "nothing is re-run" in reopened.header.text()
    assert not errors


def test_non_measurable_windows_become_joined_grey_bands_not_values(qtbot, app):
    rows = [(5.0, 70.0, True), (6.0, 90.0, False), (7.0, 95.0, False), (9.0, 60.0, False)]
    assert gap_spans(rows) == [(5.5, 7.5), (8.5, 9.5)]
    plot = TrendPlot()
    qtbot.addWidget(plot.widget)
    plot.set_rows(rows)
    times, rates = plot.line.getData()
    assert rates[0] == 70.0 and np.isnan(rates[1:]).all()
    assert len(plot._bands) == 2


def _screenshot(work: Path, out: Path) -> None:
    """Run under Xvfb by the test below: a real window, a file run to its end, a picture."""
    from workstation.ui.app import Launcher, application, grab

    app = application()
    clip = write_clip(work / "face.avi", ClipSpec(bpm=74, seconds=24, width=320, height=240))
    vault, _ = Vault.create(work / "vault.db", "dr.meyer", "ward 7 password", kdf=FAST_KDF)
    vault.add_patient("H-204518", "Doe, Jane", "F")
    vault.lock()
    launcher = Launcher(work / "vault.db", FAST_KDF, Preferences(idle_minutes=30))
    launcher.start()
    launcher.dialog.form.user_edit.setText("dr.meyer")
    launcher.dialog.form.password_edit.setText("ward 7 password")
    launcher.dialog.form.sign_in_button.click()
    _pump(app, lambda: launcher.window is not None)
    window = launcher.window
    window.showMaximized()
    _pump(app, lambda: window.patients.patient_list.count() == 1)
    window.patients.patient_list.setCurrentRow(0)
    window.open_video_vitals()
    _pump(app, lambda: isinstance(window.tabs.currentWidget(), VideoPanel))
    panel = window.tabs.currentWidget()
    panel.set_video_file(clip)
    panel.realtime_check.setChecked(False)
    panel.start()
    _pump(app, lambda: panel.result is not None and panel._analysis is None)
    _settle(app, 1.0)
    grab(window).save(str(out / "video_panel.png"))
    window.close()


def _pump(app, done, seconds: float = 120.0) -> None:
    """Process events until ``done()``; a timeout is an error."""
    end = time.monotonic() + seconds
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the panel did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, seconds: float) -> None:
    """Let the window paint for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


@pytest.mark.xvfb
def test_video_panel_screenshot_under_xvfb(tmp_path):
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (make test installs it)")
    target = ARTIFACTS / "video_panel.png"
    target.unlink(missing_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("PATH", "LANG", "WORKSTATION"))},
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(Path(__file__).parents[1]),
    }
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24 -dpi 96", sys.executable, __file__]
        + [str(tmp_path), str(ARTIFACTS)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    image = QImage(str(target))
    assert image.width() >= 1200 and image.height() >= 800
    lightness = np.array(
        [
            image.pixelColor(x, y).lightness()
            for x in range(0, image.width(), 8)
            for y in range(0, image.height(), 8)
        ]
    )
    assert lightness.std() > 5, "the video panel screenshot is blank"


if __name__ == "__main__":
    _screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
