"""An EEG imported in the app: the viewer opens and the detector and trends run by themselves
in the background (they used to run only when a test called the viewer directly)."""

from __future__ import annotations

from conftest import add_patient, first_run, wait_idle

from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.shell.preferences import Preferences


def test_an_imported_eeg_shows_its_detector_timeline(
    qtbot, app, vault_path, edf_file, monkeypatch, errors
):
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0003", "Roe, Richard")
    window.import_file(edf_file)
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), EegViewer), timeout=30000)
    viewer = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: viewer.analysis is not None, timeout=60000)
    wait_idle(qtbot, window)
    assert viewer.analysis.timeline is not None, "the detector did not run"
    assert viewer.analysis.model["name"] == "eeg-seizure"
    times, probability = viewer.timeline.probability.getData()
    assert len(times) == len(viewer.analysis.timeline.probability) > 0
    assert viewer.status_message == "EEG analysis complete."
    assert not errors
    window.close()
