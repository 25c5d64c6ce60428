"""The EEG viewer widget, offscreen: paging, montage and filter menus, annotations, timeline."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from eeg_synth import TEN_TWENTY, referential_recording
from PySide6.QtCore import Qt

from workstation.eeg.filters import FilterSettings
from workstation.eeg.paging import PageSource, decimate_minmax
from workstation.recording import Annotation


def test_minmax_decimation_keeps_a_one_sample_spike() -> None:
    t = np.arange(2560) / 256.0
    x = np.zeros((1, 2560), np.float32)
    x[0, 1234] = 100.0
    times, values = decimate_minmax(t, x, 300)
    assert values.shape[1] <= 600 and times.shape == (values.shape[1],)
    assert values.max() == 100.0
    assert times[-1] == pytest.approx(t[-1])


def test_page_source_montages_filters_and_pages() -> None:
    rec = referential_recording(seconds=35)
    source = PageSource(rec, "double-banana", FilterSettings(None, None, None))
    assert source.n_pages == 4
    page = source.page(10.0, max_points=None)
    assert page.values.shape == (18, 2560)
    first, second = rec.channel_index("EEG Fp1-REF"), rec.channel_index("EEG F7-REF")
    expected = rec.signals[first, 2560:5120] - rec.signals[second, 2560:5120]
    np.testing.assert_allclose(page.values[0], expected, atol=1e-4)
    last = source.page(30.0, max_points=None)
    assert last.values.shape[1] == 5 * 256


@pytest.fixture
def viewer(qtbot):
    from workstation.ui.eeg.viewer import EegViewer

    rec = referential_recording(seconds=60)
    rec = rec.__class__(**{**{f: getattr(rec, f) for f in rec.__slots__},
                           "annotations": (Annotation(12.0, 2.0, "Eyes closed"),)})  # fmt: skip
    widget = EegViewer(rec)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.page is not None, timeout=5000)
    yield widget
    widget.close_workers()


def test_keyboard_paging(viewer, qtbot) -> None:
    assert viewer.page.start_s == 0.0 and len(viewer.page.names) == 18
    with qtbot.waitSignal(viewer.pageShown, timeout=5000) as shown:
        qtbot.keyClick(viewer, Qt.Key.Key_PageDown)
    assert shown.args == [10.0]
    with qtbot.waitSignal(viewer.pageShown, timeout=5000) as shown:
        qtbot.keyClick(viewer, Qt.Key.Key_End)
    assert shown.args == [50.0]
    with qtbot.waitSignal(viewer.pageShown, timeout=5000) as shown:
        qtbot.keyClick(viewer, Qt.Key.Key_PageUp)
    assert shown.args == [40.0]


def test_montage_menu_and_missing_electrode_message(qtbot) -> None:
    from workstation.ui.eeg.viewer import EegViewer

    rec = referential_recording(seconds=20, labels=[n for n in TEN_TWENTY if n != "O2"])
    widget = EegViewer(rec)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.page is not None, timeout=5000)
    assert widget.montage == "average"  # no double banana without O2
    widget.montage_box.setCurrentIndex(list(widget.montage_box.itemData(i) for i in range(
        widget.montage_box.count())).index("transverse"))  # fmt: skip
    assert "O2" in widget.last_error and widget.montage == "average"
    widget.close_workers()


def test_filters_and_sensitivity(viewer, qtbot) -> None:
    with qtbot.waitSignal(viewer.pageShown, timeout=5000):
        viewer.high_box.setCurrentIndex(viewer.high_box.findText("15 Hz"))
    assert viewer.filters.high_cut_hz == 15.0
    before = viewer.units_per_microvolt()
    viewer.sensitivity_box.setCurrentIndex(viewer.sensitivity_box.findText("70 µV/mm"))
    assert viewer.units_per_microvolt() == pytest.approx(before / 10)
    with qtbot.waitSignal(viewer.pageShown, timeout=5000):
        viewer.page_box.setCurrentIndex(viewer.page_box.findText("20 s"))
    assert viewer.page.duration_s == 20.0


def test_annotations_shown_and_editable(viewer, qtbot) -> None:
    with qtbot.waitSignal(viewer.pageShown, timeout=5000):
        viewer.jump_to(13.0)
    assert any(getattr(i, "annotation_index", None) == 0 for i in viewer._annotation_items)
    with qtbot.waitSignal(viewer.annotationsChanged):
        viewer.move_annotation(0, 15.0, 1.0)
    assert viewer.annotations[0].onset == 15.0
    with qtbot.waitSignal(viewer.annotationsChanged):
        viewer.add_annotation(11.0, 0.0, "Spike")
    assert len(viewer._annotation_items) == 4
    viewer.remove_annotation(1)
    assert [a.label for a in viewer.annotations] == ["Eyes closed"]


def test_timeline_shows_analysis_and_click_jumps(viewer, qtbot) -> None:
    with qtbot.waitSignal(viewer.analysisShown, timeout=20000):
        viewer.start_analysis()
    assert viewer.analysis is not None
    assert len(viewer.timeline.trend.getData()[0]) == 6
    with qtbot.waitSignal(viewer.pageShown, timeout=5000) as shown:
        viewer.timeline.jumpRequested.emit(37.0)
    assert shown.args == [30.0]
    assert viewer.timeline.page_band.getRegion() == (30.0, 40.0)


def test_following_page_is_prepared_and_shown_without_the_worker(viewer, qtbot) -> None:
    with qtbot.waitSignal(viewer.pageShown, timeout=5000):
        viewer.jump_to(0.0)  # at the widget's final width, which the prepared page matches
    width = max(200, viewer.traces.width())
    qtbot.waitUntil(lambda: any(k[0] == 10.0 and k[-1] == 2 * width for k in viewer._prepared),
                    timeout=5000)  # fmt: skip
    shown = []
    viewer.pageShown.connect(shown.append)
    viewer.next_page()  # drawn synchronously from the prepared page
    assert shown == [10.0]


def test_double_click_on_traces_marks_an_event(viewer, qtbot) -> None:
    class DoubleClick:
        def __init__(self, pos) -> None:
            self._pos = pos

        def double(self) -> bool:
            return True

        def scenePos(self):
            return self._pos

    vb = viewer.traces.getPlotItem().vb
    scene_pos = vb.mapViewToScene(pg.Point(4.0, 5.0))
    with qtbot.waitSignal(viewer.annotationsChanged):
        viewer._on_traces_clicked(DoubleClick(scene_pos))
    assert viewer.annotations[-1].label == "Event"
    assert viewer.annotations[-1].onset == pytest.approx(4.0, abs=0.05)
