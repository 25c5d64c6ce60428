"""A real GUI session, driven as a clinician would use it, for the network-syscall audit.

tests/test_offline_syscalls.py runs this under ``strace -f`` with a fresh HOME and TMPDIR:
first-run set-up of the vault in its default place, a patient, an ECG imported and analysed,
its signed report exported, an EEG opened and paged, a video file played through the
video-vitals panel, and the window kept open until at least ``--seconds`` have passed (the
onnxruntime telemetry that this audit exists for fired within a minute). It prints one JSON
line saying what was done, so the test can tell that the session really did each step.

Usage: python offline_gui_session.py ECG_RECORD EEG_FILE VIDEO_FILE OUT_DIR [--seconds N]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from workstation.ui.app import Launcher, application
from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.shell.preferences import Preferences
from workstation.ui.video.panel import VideoPanel
from workstation.vault import Argon2Params

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
USER, PASSWORD = "dr.offline", "offline ward password"


def pump(app: QApplication, done: Callable[[], bool], timeout: float = 180.0) -> None:
    """Process events until ``done()``; a timeout is an error."""
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def first_run(app: QApplication) -> Launcher:
    """Create the vault in its default place through the first-run dialog."""
    launcher = Launcher(None, FAST_KDF, Preferences(idle_minutes=30))
    launcher.start()
    dialog = launcher.dialog
    dialog.user_edit.setText(USER)
    dialog.password_edit.setText(PASSWORD)
    dialog.repeat_edit.setText(PASSWORD)
    dialog.create_button.click()
    pump(app, lambda: dialog.vault is not None)
    dialog.written_down.setChecked(True)
    dialog.finish_button.click()
    pump(app, lambda: launcher.window is not None)
    return launcher


def run(ecg: Path, eeg: Path, video: Path, out: Path, seconds: float) -> dict:
    started = time.monotonic()
    app = application()
    window = first_run(app).window
    window.show()
    patient = window.vault.add_patient("MRN-OFFLINE-2", "Offline Testpatient", "F")
    window.refresh_patients(select=patient.id)
    pump(app, lambda: window.patients.patient_list.count() == 1)
    window.patients.patient_list.setCurrentRow(0)
    pump(app, lambda: window.patients.current_patient_id() is not None)

    window.import_file(ecg)
    pump(app, lambda: window.current_workspace() is not None and not window._workers)
    workspace: EcgWorkspace = window.current_workspace()
    workspace.finish_building()
    report = out / "report.pdf"
    window.export_report_to(workspace.opened.session.id, report)
    pump(app, lambda: report.exists() and not window._workers)

    window.import_file(eeg)
    pump(app, lambda: isinstance(window.tabs.currentWidget(), EegViewer))
    viewer: EegViewer = window.tabs.currentWidget()
    pump(app, lambda: viewer.page is not None)
    viewer.next_page()
    pump(app, lambda: viewer.page is not None and viewer.page.start_s > 0)

    window.open_video_vitals()
    pump(app, lambda: isinstance(window.tabs.currentWidget(), VideoPanel))
    panel: VideoPanel = window.tabs.currentWidget()
    panel.set_video_file(video)
    panel.realtime_check.setChecked(True)
    panel.start()
    pump(app, lambda: panel.result is not None and panel._analysis is None)

    pump(app, lambda: time.monotonic() - started >= seconds, timeout=seconds + 60)
    summary = {
        "ecg_heart_rate_bpm": workspace.opened.result.heart_rate_bpm,
        "report_bytes": report.stat().st_size,
        "eeg_page_start_s": viewer.page.start_s,
        "video_heart_rate_bpm": panel.result.vitals.heart_rate_bpm,
        "device": window.device_label.text(),
        "seconds": round(time.monotonic() - started, 1),
    }
    for index in reversed(range(window.tabs.count())):
        window.close_tab(index)
    window.close()
    window.vault.lock()
    app.processEvents()
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ecg", type=Path)
    parser.add_argument("eeg", type=Path)
    parser.add_argument("video", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(run(args.ecg, args.eeg, args.video, args.out, args.seconds)))


if __name__ == "__main__":
    main()
