"""The live wellness analysis without a screen: frames from the same frame source and
capture worker as video vitals, sound in device-sized blocks, the live indicators and the
whole-session result (the same as analysing the recording at once)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot
from scipy.io import wavfile
from wellness_signals import FS, syllable_train

from workstation.rppg.frames import Frame, open_video
from workstation.rppg.live import LiveVitals
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.ui.video.capture import StopReason, VideoCaptureWorker
from workstation.wellness.live import LiveWellness, decode_pcm
from workstation.wellness.voice import Audio, analyse_voice


@pytest.fixture(scope="module")
def face_clip(tmp_path_factory):
    return write_clip(
        tmp_path_factory.mktemp("live") / "face.avi",
        ClipSpec(seconds=6.0, width=320, height=240),
    )


def test_pcm_from_a_device_becomes_mono_samples_in_unit_range():
    stereo = np.array([[16384, -16384], [32767, 32767], [-32768, 0]], dtype="<i2")
    assert decode_pcm(stereo.tobytes(), "int16", 2) == pytest.approx([0.0, 1.0, -0.5], abs=1e-4)
    floats = np.array([0.25, -0.5], dtype="<f4")
    assert decode_pcm(floats.tobytes(), "float32", 1) == pytest.approx([0.25, -0.5])
    assert decode_pcm(bytes([128, 255, 0]), "uint8", 1) == pytest.approx([0.0, 0.992, -1.0], 1e-3)
    with pytest.raises(ValueError, match="unknown sample format"):
        decode_pcm(b"\x00\x00", "int24", 1)


def test_live_indicators_and_the_session_equal_the_analysis_of_the_whole_recording(face_clip):
    live = LiveWellness()
    speech = syllable_train(4.0, 6.0)
    with open_video(face_clip) as source:
        for frame in source:
            live.add_frame(frame)
    for start in range(0, len(speech), 1600):  # 0.1 s blocks, as a sound device delivers
        live.add_audio(speech[start : start + 1600], FS)
    state = live.indicators()
    assert state.frames_received == 180 and state.audio_s == pytest.approx(len(speech) / FS)
    assert state.face.measurable and state.face.checks["face_found_fraction"] == 1.0
    assert state.voice.measurable and state.voice.checks["snr_db"] > 20
    results = live.results()
    assert results["face"].quality.measurable
    assert results["face"].quality.checks["frames_analysed"] == pytest.approx(60, abs=1)
    whole = analyse_voice(Audio(speech.astype(np.float32).astype(np.float64), FS, "x"))
    assert results["voice"].features == pytest.approx(whole.features, nan_ok=True)
    fs, pcm = wavfile.read(io.BytesIO(live.audio_wav()))
    assert fs == FS and len(pcm) == len(speech)
    live.discard()
    assert "voice" not in live.results() and live.audio_wav() is None


def test_silence_and_a_face_free_scene_read_not_measurable_live(tmp_path):
    scene = write_clip(
        tmp_path / "scene.avi", ClipSpec(seconds=2.0, width=320, height=240, content="scene")
    )
    live = LiveWellness(use_model=False)
    with open_video(scene) as source:
        for frame in source:
            live.add_frame(frame)
    quiet = np.random.default_rng(0).normal(0, 1e-3, 3 * FS)
    for start in range(0, len(quiet), 800):
        live.add_audio(quiet[start : start + 800], FS)
    state = live.indicators()
    assert not state.face.measurable and "face was found in only" in state.face.reason
    assert not state.voice.measurable and "too noisy or silent" in state.voice.reason
    with pytest.raises(ValueError, match="changed its rate"):
        live.add_audio(quiet[:100], 48000)


class Stops(QObject):
    def __init__(self, worker) -> None:
        super().__init__()
        self.reasons: list[str] = []
        worker.stopped.connect(self.on_stopped)

    @Slot(str)
    def on_stopped(self, reason: str) -> None:
        self.reasons.append(reason)


class Counter:
    """A second consumer: sees every frame the worker read, in its thread."""

    def __init__(self) -> None:
        self.indices: list[int] = []

    def add_frame(self, frame) -> None:
        self.indices.append(frame.index)


def test_the_capture_worker_hands_every_frame_to_each_consumer(qtbot, face_clip):
    live, counter = LiveWellness(use_model=False), Counter()
    worker = VideoCaptureWorker(lambda: open_video(face_clip), consumers=[live, counter])
    stops = Stops(worker)
    with qtbot.waitSignal(worker.stopped, timeout=60000):
        worker.start()
    assert worker.wait(5000)
    assert stops.reasons == [StopReason.END_OF_FILE]
    assert counter.indices == list(range(worker.frames)) and worker.frames == 180
    assert live.indicators().frames_received == 180
    assert live.results()["face"].quality.measurable


def test_a_starved_camera_gives_no_pulse_estimate_rather_than_failing(face_clip):
    """1.2 frames a second cannot sample the pulse band; the window is skipped, not run."""
    vitals = LiveVitals()
    with open_video(face_clip) as source:
        estimates = [vitals.add(Frame(f.index, f.index / 1.2, f.image)) for f in source][:30]
    assert vitals.measured_fps() == pytest.approx(1.2)
    assert estimates == [None] * 30
