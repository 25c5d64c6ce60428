"""Long recordings in the app: the trend overview, its event list and paging the paper.

Driven through the main window as a clinician would: import a 2-lead CPSC 2021 dynamic ECG
with AF and the 30-minute MIT-BIH record 100; each opens on the trend overview, the event
list is the stored rhythm, and a click on an event or the trend pages the paper to that
minute. A 10 s 12-lead LUDB record still opens on 12-lead paper.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import wfdb
from conftest import add_patient, first_run, import_ecg
from helpers import ARTIFACTS, shared
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from workstation.app.ecg_trend import AF, MEASURED, NO_QRS_SEEN, PAGE_S, clock, trend_events
from workstation.dsp.filters import highpass
from workstation.ecg.stress import retime_beats
from workstation.ui.ecg.paper import Layout
from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.shell.preferences import Preferences


@pytest.fixture
def window(qtbot, app, vault_path, monkeypatch, errors):
    launcher = first_run(qtbot, vault_path, Preferences(idle_minutes=30))
    window = launcher.window
    window.resize(1600, 1000)
    window.show()
    add_patient(qtbot, window, monkeypatch, "H-0015", "Holter, Hanna")
    yield window
    assert not errors
    window.close()


def _rows(workspace: EcgWorkspace) -> list[tuple[str, str, str]]:
    table = workspace.trend.table
    rows = range(table.rowCount())
    return [tuple(table.item(r, c).text() for c in range(3)) for r in rows if table.item(r, 1)]


def test_a_long_af_record_opens_on_the_trend_and_pages_to_each_episode(qtbot, window):
    workspace = import_ecg(qtbot, window, shared("cpsc2021-sample", "data_92_19.hea"))
    result = workspace.opened.result
    assert result.form == "rhythm" and result.is_rhythm_form
    trend = workspace.trend
    assert trend is not None and trend.isVisible()
    assert workspace.layout_box.currentText() == Layout.MINUTE

    # The event list is the stored rhythm: every AF episode, pause and excluded stretch,
    # and the stretch measured (where the wave masks are), which the Measurements tab names.
    rhythm = result.rhythm
    assert rhythm.af_episodes, "CPSC 2021 record 92_19 holds an annotated AF episode"
    measured = result.measured_stretch_s
    assert measured is not None and measured[1] - measured[0] == pytest.approx(10.0, abs=0.1)
    events = trend_events(rhythm, measured)
    expected = [(e.label, clock(e.start_s), clock(e.end_s)) for e in events]
    assert _rows(workspace) == expected
    assert (MEASURED, clock(measured[0]), clock(measured[1])) in expected
    rows = workspace.panel.measurements
    named = {rows.item(r, 0).text(): rows.item(r, 1).text() for r in range(rows.rowCount())}
    assert named["Measured on"] == f"{clock(measured[0])}-{clock(measured[1])}"
    assert trend.af_rows() == [(clock(a), clock(b)) for a, b in rhythm.af_episodes]

    # The paper shows the first minute as 10 s rows of each lead, never the whole record.
    paper = workspace.paper
    assert paper.shown_span_s == (0.0, PAGE_S)
    assert {c.lead for c in paper.cells} == set(workspace.opened.traces.leads)
    assert max(c.t1 - c.t0 for c in paper.cells) == pytest.approx(10.0)

    # A click on an AF row pages the paper to the minute of its start and marks it.
    row = next(r for r, e in enumerate(trend.events) if e.kind == AF)
    start = trend.events[row].start_s
    rect = trend.table.visualItemRect(trend.table.item(row, 1))
    qtbot.mouseClick(trend.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    minute = (start // PAGE_S) * PAGE_S
    assert paper.page_start_s == minute
    assert paper.shown_span_s[0] == minute
    assert trend.minute_box.text() == clock(minute)[:-3]
    assert paper.cells and any(c.t0 <= start < c.t1 for c in paper.cells)
    assert clock(minute) in trend.page_label.text()

    # Premature beats of that minute are lettered above the strips (A atrial, V ventricular).
    fs = rhythm.sample_rate_hz
    expected = sorted(
        [(b / fs, "A") for b in rhythm.premature_atrial if minute <= b / fs < minute + PAGE_S]
        + [
            (b / fs, "V")
            for b in rhythm.premature_ventricular
            if minute <= b / fs < minute + PAGE_S
        ]
    )
    assert paper.beat_labels == expected

    # PageDown and PageUp page by a minute; Ctrl+G then a typed time goes there.
    workspace.setFocus()
    qtbot.keyClick(workspace, Qt.Key.Key_PageUp)
    assert paper.page_start_s == minute - PAGE_S
    qtbot.keyClick(workspace, Qt.Key.Key_PageDown)
    assert paper.page_start_s == minute
    qtbot.keyClick(workspace, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert trend.minute_box.hasFocus()
    qtbot.keyClicks(trend.minute_box.lineEdit(), "00:02")
    qtbot.keyClick(trend.minute_box.lineEdit(), Qt.Key.Key_Return)
    assert paper.page_start_s == 2 * PAGE_S


def test_the_30_minute_mit_bih_record_pages_from_a_click_on_the_trend(qtbot, window):
    workspace = import_ecg(qtbot, window, shared("wfdb-samples", "100.hea"))
    assert workspace.trend is not None
    trend, paper = workspace.trend, workspace.paper
    duration = workspace.opened.traces.duration
    assert 30 * 60 < duration < 31 * 60
    assert len(workspace.opened.result.rhythm.hr_trend_bpm) == 31  # the last minute is short
    result = workspace.opened.result
    events = trend_events(result.rhythm, result.measured_stretch_s)
    assert trend.events == events and events[0].kind == MEASURED
    shown = [(e.label, clock(e.start_s), clock(e.end_s)) for e in events]
    assert _rows(workspace) == shown
    if all(e.kind == MEASURED for e in events):  # the list says so rather than only that
        last = trend.table.rowCount() - 1
        assert last == len(events) and trend.table.item(last, 0).text().startswith("No AF")
    # Click the trend at 17 min 30 s: the paper shows 00:17:00-00:18:00.
    box = trend.plot.getPlotItem().vb
    trend.plot.setXRange(0.0, workspace.opened.traces.duration, padding=0.0)
    scene = box.mapViewToScene(QPointF(17.5 * 60.0, trend.top_bpm / 2))
    pos = trend.plot.mapFromScene(scene)
    qtbot.mouseClick(trend.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert paper.page_start_s == 17 * 60.0
    assert paper.shown_span_s == (17 * 60.0, 18 * 60.0)
    # The last minute is the last page, even though it is shorter than a minute.
    trend.minute_box.setValue(trend.minute_box.maximum())
    assert paper.page_start_s == 30 * 60.0
    assert paper.shown_span_s[1] == pytest.approx(workspace.opened.traces.duration)
    assert not trend.next_button.isEnabled()


def test_a_record_under_a_minute_shows_its_rate_inside_the_record(qtbot, window):
    """CPSC 2021 record 8_4: 41 s of two leads opens on the trend too. Its one minute of
    rate is a dot (a line needs two points), and the trend shows the record, not a
    minute-wide view half before its start."""
    workspace = import_ecg(qtbot, window, shared("cpsc2021-sample", "data_8_4.hea"))
    trend = workspace.trend
    assert trend is not None
    duration = workspace.opened.traces.duration
    assert duration < PAGE_S
    assert len([v for v in workspace.opened.result.rhythm.hr_trend_bpm if v is not None]) == 1
    x, _ = trend.rate_dots.getData()
    assert x.tolist() == [pytest.approx(duration / 2)]
    (x0, x1), _ = trend.plot.getPlotItem().vb.viewRange()
    assert x0 >= -1e-6 and x1 <= duration + 1e-6


def test_a_10_s_12_lead_still_opens_on_12_lead_paper(qtbot, window, ludb_record):
    workspace = import_ecg(qtbot, window, ludb_record)
    assert workspace.opened.result.form == "resting"
    assert not workspace.opened.result.is_rhythm_form
    assert workspace.trend is None
    assert workspace.layout_box.currentText() == Layout.STANDARD
    assert len({c.lead for c in workspace.paper.cells}) == 12


@pytest.mark.xvfb
@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_real_window_trend_screens_fit_the_ward_screens(tmp_path, width: int, height: int):
    """Under a real X server, the trend overview of a long AF record opens through the main
    window, fits both ward screen sizes and pages to an event when it is clicked."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (make test installs it)")
    record = shared("cpsc2021-sample", "data_92_19.hea")
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("PATH", "LANG", "WORKSTATION"))},
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "xcb",
        "OMP_NUM_THREADS": "1",
    }
    script = Path(__file__).with_name("xvfb_trend_screens.py")
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24 -dpi 96",
               sys.executable, str(script), str(tmp_path / "vault.db"), str(record),
               str(ARTIFACTS), str(width), str(height)]  # fmt: skip
    done = subprocess.run(
        command, env=env, cwd=Path(__file__).parent, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    window_w, window_h = (int(v) for v in shown["window"].split())
    assert window_w <= width and window_h <= height  # nothing pushed off the screen
    page, _, event = shown["page"].split()
    assert float(page) == (float(event) // PAGE_S) * PAGE_S
    for name in ("trend_overview", "trend_event"):
        image = QImage(str(ARTIFACTS / f"{name}_{width}x{height}.png"))
        assert not image.isNull() and image.width() <= width


def test_no_pause_is_claimed_over_a_window_not_interpreted(qtbot, window, tmp_path):
    """A 9 s sinus arrest made from development record 21_8's own beats: its window is
    refused as poor signal quality, and the trend's summary said "no pause over 2 s" as if
    the whole record had been read; it now says where."""
    path = str(shared("cpsc2021-sample", "data_21_8.hea").with_suffix(""))
    record = wfdb.rdrecord(path, sampto=12000)
    fs = float(record.fs)
    beats = wfdb.rdann(path, "atr", sampto=12000).sample[1:-1]
    kinds = ["n"] * beats.size
    kinds[12:22] = ["x"] * 10
    leads = [highpass(record.p_signal[:, k], fs, 0.5) for k in range(2)]
    made = [retime_beats(y, beats, fs, np.diff(beats) / fs, kinds)[0][:6000] for y in leads]
    wfdb.wrsamp(
        "arrest", fs=fs, units=["mV", "mV"], sig_name=["I", "II"],
        p_signal=np.stack(made, axis=1), fmt=["16", "16"], write_dir=str(tmp_path),
    )  # fmt: skip
    workspace = import_ecg(qtbot, window, tmp_path / "arrest.hea")
    rhythm = workspace.opened.result.rhythm
    assert rhythm.excluded_s and not rhythm.pauses
    trend = workspace.trend
    assert "no pause over 2 s where interpreted" in trend.summary.text()
    # ...and the arrest is said as what the trace shows: no QRS in any lead, listed with
    # the advice as its tooltip, and a click on it shows its start on the paper.
    assert len(rhythm.quiet_s) == 1
    assert "no QRS in any lead: 1 stretch(es), see the events" in trend.summary.text()
    row = next(r for r, e in enumerate(trend.events) if e.kind == NO_QRS_SEEN)
    item = trend.table.item(row, 0)
    assert item.text() == "No QRS seen (any lead)"
    assert "a sinus arrest or asystole, or the signal lost" in item.toolTip()
    start = trend.events[row].start_s
    assert 6.0 < start < 12.0 and trend.events[row].duration_s > 7.0
    rect = trend.table.visualItemRect(trend.table.item(row, 1))
    qtbot.mouseClick(trend.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert any(c.t0 <= start < c.t1 for c in workspace.paper.cells)
    statements = workspace.opened.result.statements
    assert any(s["text"].startswith("No QRS complex in any lead for") for s in statements)


def test_an_ecg_session_stored_without_an_analysis_says_so_in_its_header(qtbot, window):
    """Its header read "Analysis:  on " (no model, no device) when no ECG analysis was
    stored with the session (a session saved by an earlier version, or by another tool)."""
    from workstation.io import read_recording
    from workstation.ui.ecg.workspace import NO_ANALYSIS

    patient = window.vault.list_patients()[0]
    recording = read_recording(shared("ludb", "data", "1.hea"))
    session_id = window.vault.save_session(patient.id, recording)
    before = window.tabs.count()
    window.open_session(session_id)
    qtbot.waitUntil(lambda: window.tabs.count() == before + 1, timeout=60000)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=60000)
    workspace = window.current_workspace()
    header = workspace.header.text()
    assert NO_ANALYSIS in header and "Analysis:  on" not in header
