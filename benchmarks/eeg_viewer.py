"""EEG viewer speed: open a 1-hour 19-channel 256 Hz EDF and draw pages (JSON on stdout).

Measures, offscreen: the time from choosing the file to the first page on screen (read +
widget + first page rendered on the worker and drawn), the tracemalloc peak of that, and
the page-flip time (Page Down to the page drawn and painted), median over many flips with a short
reading pause between them (the worker prepares the next page meanwhile) and back to back
(holding Page Down), with the double-banana montage and the default 0.5-70 Hz filters.
The headless page time (what the worker spends) is reported separately.

    python benchmarks/eeg_viewer.py [--out result.json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from bench_common import emit, machine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from io_read import write_hour_edf  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workstation.eeg.paging import PageSource  # noqa: E402
from workstation.io import read_recording  # noqa: E402

FLIPS = 40
#: Between flips a reader looks at the page; the worker uses that time to prepare the next.
READING_PAUSE_S = 0.3


def _wait_for(signal, timeout_ms: int = 10_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def _flip(app: QApplication, viewer) -> float:
    """Page Down until the new page is drawn and painted (it may be shown synchronously)."""
    shown = []
    loop = QEventLoop()
    viewer.pageShown.connect(shown.append)
    viewer.pageShown.connect(loop.quit)
    started = time.perf_counter()
    key = QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewer, key)
    if not shown:
        QTimer.singleShot(10_000, loop.quit)
        loop.exec()
    viewer.grab()
    elapsed = time.perf_counter() - started
    viewer.pageShown.disconnect(shown.append)
    viewer.pageShown.disconnect(loop.quit)
    return elapsed


def _pause(app: QApplication, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def measure(path: Path) -> dict:
    from workstation.ui.eeg.viewer import EegViewer

    app = QApplication.instance() or QApplication([])
    tracemalloc.start()
    started = time.perf_counter()
    recording = read_recording(path)
    read_s = time.perf_counter() - started
    viewer = EegViewer(recording)
    viewer.resize(1600, 1000)
    viewer.show()
    if viewer.page is None:
        _wait_for(viewer.pageShown)
    first_page_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    back_to_back = [_flip(app, viewer) for _ in range(FLIPS)]
    reading = []
    for _ in range(FLIPS):
        _pause(app, READING_PAUSE_S)
        reading.append(_flip(app, viewer))
    viewer.close_workers()
    viewer.deleteLater()
    app.processEvents()

    source = PageSource(recording)
    headless = []
    for i in range(FLIPS):
        t0 = time.perf_counter()
        source.page(100.0 + 10 * i, 1600)
        headless.append(time.perf_counter() - t0)
    return {
        "read_s": round(read_s, 3),
        "first_page_s": round(first_page_s, 3),
        "first_page_peak_python_mib": round(peak / 2**20, 1),
        "signal_mib": round(recording.signals.nbytes / 2**20, 1),
        "page_flip_median_ms": round(1000 * statistics.median(reading), 1),
        "page_flip_p90_ms": round(1000 * sorted(reading)[int(0.9 * FLIPS)], 1),
        "page_flip_back_to_back_median_ms": round(1000 * statistics.median(back_to_back), 1),
        "page_compute_median_ms": round(1000 * statistics.median(headless), 1),
        "montage": viewer.montage,
        "filters": viewer.filters.describe(),
        "flips": FLIPS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.edf"
        write_hour_edf(path)
        result = {
            "benchmark": "eeg_viewer",
            "date": date.today().isoformat(),
            "machine": machine(),
            "case": "1-hour 19-channel 256 Hz EDF (generated), double banana, 10 s pages",
            **measure(path),
        }
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
