"""A live wellness session through the main window: a fake webcam playing a generated face
clip and a fake microphone playing generated syllables (the only things replaced), the live
readout, Stop, the whole-session analysis and Save; no frame or sound left anywhere."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest
from fake_devices import install_fake_camera, install_fake_microphone
from scipy.io import wavfile
from test_wellness_panel import window  # noqa: F401 (the fixture)
from test_wellness_vault import _blobs
from wellness_signals import FS, syllable_train

from workstation.app import wellness
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.ui.wellness.panel import WellnessPanel
from workstation.vault.wellness_store import raw_media_names

SPEECH = syllable_train(4.0, 8.0)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """What the fake webcam films (made once, outside every folder the tests scan)."""
    return write_clip(
        tmp_path_factory.mktemp("camera") / "face.avi",
        ClipSpec(bpm=75, seconds=4.0, width=320, height=240),
    )


@pytest.fixture
def devices(monkeypatch, clip):
    install_fake_camera(monkeypatch, clip)
    install_fake_microphone(monkeypatch, SPEECH)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _open_tab(window) -> WellnessPanel:  # noqa: F811
    action = next(
        a for a in window.actions() if a.text().replace("&", "") == "Wellness observation…"
    )
    action.trigger()
    panel = window.tabs.currentWidget()
    assert isinstance(panel, WellnessPanel)
    return panel


def _live_until_measurable(qtbot, panel: WellnessPanel) -> str:
    live = panel.live_capture
    live.start_button.click()
    assert live.is_running and not live.start_button.isEnabled()

    def both_measurable() -> bool:
        state = live.live.indicators() if live.live else None
        return bool(
            state
            and state.face
            and state.face.measurable
            and state.voice
            and state.voice.measurable
        )

    qtbot.waitUntil(both_measurable, timeout=60000)
    qtbot.wait(2 * 500)  # two refreshes of the readout
    return live.readout.text()


def test_a_live_session_shows_indicators_and_stores_derived_features_only(
    qtbot,
    window,  # noqa: F811
    devices,
    tmp_path,
    monkeypatch,
):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder_before = _files(tmp_path)
    blobs_before = _blobs(window.vault)
    panel = _open_tab(window)
    text = _live_until_measurable(qtbot, panel)
    assert "Face</b> (last 5 s): found 100 %" in text and "measurable" in text
    assert "Voice</b> (last 10 s): speech" in text and "SNR" in text
    assert "analysed in memory and dropped" in text
    panel.live_capture.stop_button.click()
    qtbot.waitUntil(lambda: panel.session is not None, timeout=60000)
    session = panel.session
    assert session.sources == {"video": "camera 0", "audio": "microphone"}
    face, voice = session.modalities["face"], session.modalities["voice"]
    assert face.quality.measurable and face.quality.checks["face_found_fraction"] > 0.9
    assert voice.quality.measurable
    assert voice.features["pitch_mean_hz"] == pytest.approx(120.0, rel=0.03)
    assert voice.features["speech_rate_syl_s"] == pytest.approx(4.0, rel=0.2)
    panel.save()
    qtbot.waitUntil(lambda: not panel.save_button.isEnabled(), timeout=30000)
    qtbot.waitUntil(lambda: not window._workers, timeout=30000)
    history = wellness.wellness_history(window.vault, panel.patient_id)
    assert len(history) == 1 and not history[0].raw_media_kept
    assert "voice.speech_rate_syl_s" in history[0].features
    # Derived numbers only: no new blob in the vault, nothing in the temporary or working
    # folders, and the stored results far smaller than the sound they came from.
    assert _blobs(window.vault) == blobs_before
    assert os.listdir(scratch) == []
    assert _files(tmp_path) == folder_before  # the vault's own files, nothing added
    assert len(str(history[0].results)) < len(SPEECH) * 2 / 10
    assert panel.live is None  # the session's sound was dropped after saving


def test_keeping_raw_media_keeps_the_microphone_sound_only_when_ticked(
    qtbot,
    window,  # noqa: F811
    devices,
):
    panel = _open_tab(window)
    panel.keep_raw.setChecked(True)
    _live_until_measurable(qtbot, panel)
    panel.live_capture.stop_button.click()
    qtbot.waitUntil(lambda: panel.session is not None, timeout=60000)
    panel.save()
    qtbot.waitUntil(lambda: not window._workers and panel.live is None, timeout=30000)
    saved = wellness.wellness_history(window.vault, panel.patient_id)[0]
    assert saved.raw_media_kept
    assert raw_media_names(window.vault, saved.observation_id) == ["microphone.wav"]
    with window.vault._reading() as store:
        (data,) = store.db.execute("SELECT data FROM wellness_raw_media").fetchone()
    fs, pcm = wavfile.read(io.BytesIO(data))
    assert fs == FS and len(pcm) >= 5 * FS  # the recorded sound, not a frame of video


def test_without_a_microphone_the_voice_is_not_measurable_and_cancel_keeps_nothing(
    qtbot,
    window,  # noqa: F811
    clip,
    monkeypatch,
):
    from PySide6.QtMultimedia import QAudioDevice

    from workstation.ui.wellness import microphone

    install_fake_camera(monkeypatch, clip)

    class NoDevices:  # a computer without a microphone
        @staticmethod
        def defaultAudioInput() -> QAudioDevice:  # noqa: N802
            return QAudioDevice()

    monkeypatch.setattr(microphone, "QMediaDevices", NoDevices)
    panel = _open_tab(window)
    live = panel.live_capture
    live.start_button.click()
    qtbot.waitUntil(lambda: "No microphone was found" in live.readout.text(), timeout=30000)
    qtbot.waitUntil(lambda: "Face</b> (last 5 s): found" in live.readout.text(), timeout=30000)
    assert live.is_running  # the face goes on without the microphone
    live.cancel_button.click()
    qtbot.waitUntil(lambda: not live.is_running, timeout=30000)
    assert "cancelled: nothing was kept" in live.readout.text()
    assert live.live is None and panel.session is None
    assert wellness.wellness_history(window.vault, panel.patient_id) == []


def test_stop_with_the_microphone_missing_names_it_in_the_session(
    qtbot,
    window,  # noqa: F811
    clip,
    monkeypatch,
):
    install_fake_camera(monkeypatch, clip)
    panel = _open_tab(window)
    live = panel.live_capture
    live.use_microphone.setChecked(False)
    live.start_button.click()
    qtbot.waitUntil(lambda: "Face</b> (last 5 s): found" in live.readout.text(), timeout=30000)
    assert "not measurable: the microphone was not used" in live.readout.text()
    live.stop_button.click()
    qtbot.waitUntil(lambda: panel.session is not None, timeout=60000)
    voice = panel.session.modalities["voice"]
    assert not voice.quality.measurable
    assert voice.quality.reason == "the microphone was not used in this session"
    panel.save()
    qtbot.waitUntil(lambda: not window._workers and not panel.has_unsaved_review(), timeout=30000)
    stored = wellness.wellness_history(window.vault, panel.patient_id)[0].results
    assert stored["modalities"]["voice"]["quality"]["reason"].startswith("the microphone was not")
