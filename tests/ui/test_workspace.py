"""The ECG paper: true scale on the screen, layouts, speeds and gains, calipers, toggles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from workstation.app.ecg_traces import ecg_traces
from workstation.app.progress import Progress
from workstation.app.sessions import ecg_explained
from workstation.io import read_recording
from workstation.ui.ecg.calipers import read_caliper
from workstation.ui.ecg.paper import Layout, PaperScale, layout_cells
from workstation.ui.ecg.view import EcgPaperView
from workstation.ui.shell.preferences import screen_dpi


@pytest.fixture(scope="module")
def traces(ludb_record_module):
    recording = read_recording(ludb_record_module)
    result, attribution = ecg_explained(recording, Progress())
    return ecg_traces(recording, result, attribution)


@pytest.fixture(scope="module")
def ludb_record_module():
    from helpers import shared

    return shared("ludb", "data", "1.hea")


@pytest.fixture
def paper(qtbot, app, traces):
    view = EcgPaperView(traces, screen_dpi(app.primaryScreen()))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.finish_drawing()
    view.reset_zoom()
    return view


def test_one_second_spans_25_mm_of_screen_at_25_mm_per_s(paper, app):
    assert paper.scale.dpi == pytest.approx(screen_dpi(app.primaryScreen()))
    assert paper.screen_mm_per_second() == pytest.approx(25.0, rel=1e-3)
    assert paper.screen_mm_per_millivolt() == pytest.approx(10.0, rel=1e-3)
    paper.set_speed(50.0)
    paper.set_gain(20.0)
    paper.finish_drawing()
    assert paper.screen_mm_per_second() == pytest.approx(50.0, rel=1e-3)
    assert paper.screen_mm_per_millivolt() == pytest.approx(20.0, rel=1e-3)


def test_zoom_scales_and_true_size_returns(paper):
    paper.zoom_by(2.0)
    assert paper.screen_mm_per_second() == pytest.approx(50.0, rel=1e-3)
    paper.reset_zoom()
    assert paper.screen_mm_per_second() == pytest.approx(25.0, rel=1e-3)


def test_a_calibrated_dpi_keeps_the_true_scale(paper):
    paper.set_dpi(120.0)
    assert paper.scale.px_per_mm == pytest.approx(120.0 / 25.4)
    assert paper.screen_mm_per_second() == pytest.approx(25.0, rel=1e-3)


def test_layouts_place_every_lead_and_the_rhythm_strip(traces):
    scale = PaperScale()
    standard = layout_cells(Layout.STANDARD, traces.leads, traces.duration, scale)
    assert len(standard) == 13 and standard[-1].lead == "ii"
    assert standard[-1].t1 - standard[-1].t0 == pytest.approx(10.0)
    assert all(c.t1 - c.t0 == pytest.approx(2.5) for c in standard[:-1])
    six = layout_cells(Layout.SIX_BY_TWO, traces.leads, traces.duration, scale)
    assert len(six) == 12 and {c.row for c in six} == set(range(6))
    single = layout_cells(Layout.SINGLE, traces.leads, traces.duration, scale, "v5")
    assert [c.lead for c in single] == ["v5"]


def test_calipers_read_interval_rate_and_amplitude(paper):
    reading = paper.box.measure(QPointF(10.0, 0.0), QPointF(35.0, 10.0))
    assert reading.interval_ms == pytest.approx(1000.0)
    assert reading.rate_bpm == pytest.approx(60.0)
    assert reading.amplitude_mv == pytest.approx(1.0)
    fast = read_caliper(QPointF(0, 0), QPointF(10, -5), PaperScale(speed_mm_s=50, gain_mm_mv=5))
    assert fast.interval_ms == pytest.approx(200.0) and fast.amplitude_mv == pytest.approx(-1.0)


def test_masks_fiducials_and_attribution_toggle(paper):
    assert paper.strip_count == 13
    paper.show_masks(False)
    paper.show_attribution(False)
    assert not any(item.isVisible() for item in paper._masks + paper._strips)
    paper.show_masks(True)
    assert all(item.isVisible() for item in paper._masks)


def test_a_small_window_opens_on_the_whole_sheet_and_keyboard_zoom_keeps_its_corner(
    qtbot, app, traces
):
    """#20 item 4: at 1280 × 720 the V4-V6 column and the rhythm strip were cut off."""
    view = EcgPaperView(traces, screen_dpi(app.primaryScreen()))
    qtbot.addWidget(view)
    view.resize(820, 420)
    view.show()
    qtbot.waitExposed(view)
    view.finish_drawing()
    assert view.sheet_fits() and view.zoom < 1.0
    zooms: list[float] = []
    view.zoomChanged.connect(zooms.append)
    before = view.box.viewRect()
    view.zoom_step(1.25)
    after = view.box.viewRect()
    assert (after.left(), after.bottom()) == pytest.approx((before.left(), before.bottom()))
    assert after.width() == pytest.approx(before.width() / 1.25)
    assert zooms and zooms[-1] == pytest.approx(view.zoom)
    view.reset_zoom()
    assert not view.sheet_fits()
    view.fit_to_window()
    assert view.sheet_fits()


def test_a_long_statement_stays_whole_when_the_panel_narrows(qtbot) -> None:
    """The statements' rows follow the column's width: a row fitted while the table was
    wide cut a long caveat after two lines once the panel took its real, narrower width."""
    from workstation.app.review import EcgReview
    from workstation.ui.ecg.review_panel import StatementsTable

    caveat = (
        "Sinus rhythm; at 00:05:00-00:06:00 the automatic delineator found a P wave before "
        "fewer than half the QRS complexes: look for P waves, flutter waves or pacing there"
    )
    table = StatementsTable()
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    evidence = {"heart_rate_bpm": 60.1}
    table.show_review(
        EcgReview(statements=[{"code": "sinus_rhythm", "text": caveat, "evidence": evidence}])
    )
    wide = table.rowHeight(0)
    table.resize(260, 300)
    qtbot.waitUntil(lambda: table.rowHeight(0) > wide)
    assert table.rowHeight(0) >= table.sizeHintForRow(0)
    assert table.item(0, 0).toolTip() == f"{caveat}\n\nEvidence: heart_rate_bpm: 60.1"
