"""The main window, offscreen, with real files read by the real worker."""

import pytest
from PySide6.QtWidgets import QMessageBox

from workstation.ui.main_window import DISCLAIMER, MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


def _cell(window, key):
    table = window._table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == key:
            return table.item(row, 1).text()
    raise AssertionError(f"no row {key}")


def test_opening_a_recording_shows_its_summary(qtbot, window, ludb_dir):
    with qtbot.waitSignal(
        window.statusBar().messageChanged,
        timeout=10000,
        check_params_cb=lambda m: m.startswith("Opened"),
    ):
        window.open_recording(ludb_dir / "1.hea")
    assert _cell(window, "Format") == "WFDB (format 16)"
    assert _cell(window, "Sampling rate") == "500 Hz"
    assert _cell(window, "Channels").startswith("i, ii, iii")


def test_a_bad_file_shows_the_readers_message(qtbot, window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text: shown.append((title, text))
    )
    bad = tmp_path / "broken.edf"
    bad.write_bytes(b"garbage")
    window.open_recording(bad)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0][0] == "Cannot open recording"
    assert "'broken.edf'" in shown[0][1] and "EDF" in shown[0][1]
    assert window._table.isHidden()


def test_the_window_states_its_limits(window):
    assert DISCLAIMER in window._subtitle.text()
    assert window.windowTitle() == "Clinician Workstation"
