"""A 1-hour EEG in the app, through the main window (JSON on stdout).

Offscreen, signed in to a new vault: import a 1-hour 19-channel 256 Hz EDF and measure the
time to the first page on screen, then the longest GUI-thread stall (a 10 ms heartbeat)
while the detector and trends run and are stored in the background, the time until the
timeline shows them, and the events found. Then close the tab and reopen the stored session:
time to the first page and to the stored timeline (nothing is re-run).

    python benchmarks/eeg_in_app.py [--out result.json]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_common import emit, machine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))

from io_read import write_hour_edf  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workstation.ui.app import Launcher, application  # noqa: E402
from workstation.ui.eeg.viewer import EegViewer  # noqa: E402
from workstation.ui.shell.preferences import Preferences  # noqa: E402
from workstation.vault import Argon2Params, Vault  # noqa: E402

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


class Heartbeat:
    """A 10 ms GUI-thread timer that records the longest gap between its beats."""

    def __init__(self, app: QApplication) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer = QTimer(app)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._beat)
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest, self._last = max(self.longest, now - self._last), now

    def stop(self) -> float:
        self._timer.stop()
        return self.longest


def pump(app: QApplication, done, timeout: float = 600.0) -> float:
    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.002)
    return time.perf_counter() - started


def run(folder: Path) -> dict:
    edf = folder / "hour.edf"
    write_hour_edf(edf)
    app = application()
    vault, _ = Vault.create(folder / "vault.db", "dr.bench", "bench password 1", kdf=FAST_KDF)
    vault.add_patient("B-1", "Bench, Mark", "M")
    vault.lock()
    launcher = Launcher(folder / "vault.db", FAST_KDF, Preferences(idle_minutes=60))
    launcher.start()
    form = launcher.dialog.form
    form.user_edit.setText("dr.bench")
    form.password_edit.setText("bench password 1")
    form.sign_in_button.click()
    pump(app, lambda: launcher.window is not None)
    window = launcher.window
    window.show()
    pump(app, lambda: window.patients.patient_list.count() == 1)
    window.patients.patient_list.setCurrentRow(0)
    pump(app, lambda: not window._workers)

    started = time.perf_counter()
    window.import_file(edf)
    pump(app, lambda: isinstance(window.tabs.currentWidget(), EegViewer))
    viewer = window.tabs.currentWidget()
    pump(app, lambda: viewer.page is not None)
    first_page_s = time.perf_counter() - started
    beat = Heartbeat(app)
    analysed_s = pump(app, lambda: viewer.analysis is not None and not window._workers)
    stall_s = beat.stop()
    events = viewer._flagged_windows()
    session_id = viewer.session_id()
    window.close_tab(window.tabs.currentIndex())
    pump(app, lambda: not window._workers)

    started = time.perf_counter()
    window.open_session(session_id)
    pump(app, lambda: isinstance(window.tabs.currentWidget(), EegViewer))
    reopened = window.tabs.currentWidget()
    pump(app, lambda: reopened.page is not None)
    reopen_first_page_s = time.perf_counter() - started
    pump(app, lambda: reopened.analysis is not None)
    reopen_timeline_s = time.perf_counter() - started
    window.close()
    return {
        "recording": "1 h, 19 channels, 256 Hz EDF (benchmarks/io_read.py write_hour_edf)",
        "import_to_first_page_s": round(first_page_s, 3),
        "background_analysis_and_store_s": round(analysed_s, 3),
        "max_gui_stall_during_analysis_s": round(stall_s, 3),
        "detector_events": [(round(a, 1), round(b, 1), text) for a, b, text in events],
        "reopen_to_first_page_s": round(reopen_first_page_s, 3),
        "reopen_to_stored_timeline_s": round(reopen_timeline_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"machine": machine(), "eeg_in_app": run(Path(tmp))}
    emit(result, args.out)


if __name__ == "__main__":
    main()
