"""The voice from a video's own audio track (or any audio container), decoded in memory;
a video without sound is refused for the voice with that reason."""

from __future__ import annotations

import json

import numpy as np
import pytest
from wellness_signals import FS, syllable_train, vowel, write_talking_video

from workstation.cli import main
from workstation.errors import WellnessInputRejected
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.wellness.baseline import build_baseline
from workstation.wellness.media_audio import RATE, has_audio_track, read_media_audio
from workstation.wellness.session import analyse_inputs
from workstation.wellness.voice import analyse_voice, read_audio


def test_the_audio_track_of_a_video_is_decoded_to_16_khz_with_its_pitch_kept(tmp_path):
    x, _, _ = vowel(150.0, 0.01, 0.03, 2.5)
    quiet = np.random.default_rng(0).normal(0, 2e-4, FS)
    video = write_talking_video(tmp_path / "talk.mp4", np.concatenate([quiet, x, quiet]))
    assert has_audio_track(video)
    audio = read_media_audio(video)
    assert audio.fs == RATE == 16000
    assert len(audio.samples) / RATE == pytest.approx(4.5, abs=0.15)  # AAC adds a little
    assert read_audio(video).samples.shape == audio.samples.shape  # a non-WAV goes the same way
    assert analyse_voice(audio).features["pitch_mean_hz"] == pytest.approx(150.0, rel=0.01)


def test_analyze_wellness_video_reads_face_and_voice_from_one_file(tmp_path, capsys):
    video = write_talking_video(tmp_path / "talk.mp4", syllable_train(4.0, 6.0))
    out = tmp_path / "out.json"
    assert main(["analyze", "wellness", "--video", str(video), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["sources"] == {"video": "talk.mp4", "audio": "talk.mp4 (audio track)"}
    assert data["modalities"]["face"]["quality"]["measurable"]
    voice = data["modalities"]["voice"]
    assert voice["quality"]["measurable"]
    assert voice["features"]["pitch_mean_hz"] == pytest.approx(120.0, rel=0.02)
    assert voice["features"]["speech_rate_syl_s"] == pytest.approx(4.0, rel=0.15)
    assert "voice: measurable" in capsys.readouterr().out


def test_a_video_without_sound_gives_its_face_and_says_why_there_is_no_voice(tmp_path):
    silent = write_clip(tmp_path / "silent.avi", ClipSpec(seconds=1.0, width=320, height=240))
    assert not has_audio_track(silent)
    session = analyse_inputs(build_baseline([]), video=silent)
    assert session.modalities["face"].quality.measurable
    voice = session.modalities["voice"]
    assert not voice.quality.measurable
    assert voice.quality.reason.startswith("The video silent.avi has no audio track")
    assert "audio" not in session.sources


def test_a_silent_video_given_as_the_audio_is_refused_with_a_plain_message(tmp_path, capsys):
    silent = write_talking_video(tmp_path / "silent.mp4", None)
    with pytest.raises(WellnessInputRejected, match="has no audio track"):
        read_media_audio(silent)
    assert main(["analyze", "wellness", "--audio", str(silent)]) == 2
    err = capsys.readouterr().err
    assert "silent.mp4 has no audio track" in err and "Traceback" not in err
    garbage = tmp_path / "noise.m4a"
    garbage.write_bytes(b"\x00\x01not a recording" * 50)
    with pytest.raises(WellnessInputRejected, match="cannot be read as audio or video"):
        read_audio(garbage)


def test_speech_rate_from_a_video_matches_the_same_sound_as_a_wav(tmp_path):
    sound = syllable_train(3.0, 6.0, pause_every=4)
    from_video = analyse_voice(read_media_audio(write_talking_video(tmp_path / "v.mp4", sound)))
    from wellness_signals import write_wav

    from_wav = analyse_voice(read_audio(write_wav(tmp_path / "v.wav", sound, FS)))
    for key in ("speech_rate_syl_s", "pauses_per_min", "pitch_mean_hz"):
        assert from_video.features[key] == pytest.approx(from_wav.features[key], rel=0.05)
