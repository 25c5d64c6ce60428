"""An EEG in the app, as a neurophysiologist uses it: the detector and trends run by
themselves in the background and are stored; annotations are edited, saved, survive closing
and reopening (nothing re-runs), and go out in the EDF+ export."""

from __future__ import annotations

from conftest import add_patient, first_run, wait_idle

from workstation.app import eeg_review
from workstation.io import read_recording
from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.shell.preferences import Preferences


def _open_viewer(qtbot, window) -> EegViewer:
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), EegViewer), timeout=30000)
    viewer = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: viewer.analysis is not None and viewer.page is not None, timeout=60000)
    wait_idle(qtbot, window)
    return viewer


def test_an_imported_eeg_is_analysed_stored_annotated_reopened_and_exported(
    qtbot, app, vault_path, edf_file, monkeypatch, errors, tmp_path
):
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0003", "Roe, Richard")
    window.import_file(edf_file)
    viewer = _open_viewer(qtbot, window)
    stored = viewer.analysis
    assert stored.analysed and "detector_probability" in stored.arrays, "the detector did not run"
    assert stored.summary["model"]["name"] == "eeg-seizure"
    assert stored.arrays["cdsa_log_power"].shape == (
        len(stored.arrays["cdsa_freqs"]),
        len(stored.arrays["cdsa_times"]),
    )
    assert not viewer.cdsa.isHidden() and viewer.cdsa.image.image is not None
    times, _ = viewer.timeline.probability.getData()
    assert len(times) == len(stored.arrays["detector_probability"]) > 0
    assert viewer.status_message == "EEG analysis complete and saved with the session."
    assert [m.label for m in viewer.marks.marks] == ["Eyes closed", "Spike"]  # from the file

    viewer.add_annotation(3.25, 0.0, "Sharp wave")
    viewer.relabel_annotation(0, "Eyes closed (confirmed)")
    assert viewer.has_unsaved_review()
    window.save_review()
    qtbot.waitUntil(lambda: not viewer.has_unsaved_review(), timeout=30000)
    wait_idle(qtbot, window)
    session_id = viewer.session_id()
    window.close_tab(window.tabs.currentIndex())

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("a stored EEG review was analysed again")

    monkeypatch.setattr(eeg_review, "analyse_eeg_recording", must_not_run)
    window.open_session(session_id)
    reopened = _open_viewer(qtbot, window)
    labels = {(m.label, m.author) for m in reopened.marks.marks}
    assert ("Sharp wave", "admin") in labels and ("Eyes closed (confirmed)", "recording") in labels
    assert not reopened.has_unsaved_review()

    out = tmp_path / "export.edf"
    window.export_edf_to(session_id, out)
    qtbot.waitUntil(lambda: out.exists() and not window._workers, timeout=30000)
    exported = read_recording(out)
    assert any("Sharp wave" in a.label and abs(a.onset - 3.25) < 0.01 for a in exported.annotations)
    assert not errors
    window.close()
