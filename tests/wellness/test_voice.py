"""Voice features against signals with set pitch, jitter, shimmer and syllable rate.

espeak-ng is not installed on the build machine, so speech at set rates is made of
synthetic voiced/unvoiced syllable trains instead of synthesised words.
"""

from __future__ import annotations

import numpy as np
import pytest
from wellness_signals import FS, syllable_train, vowel, write_wav

from workstation.errors import WellnessInputRejected
from workstation.wellness.voice import Audio, analyse_voice, read_audio


def _padded(x: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    quiet = np.zeros(FS)
    return np.concatenate([quiet, x, quiet]) + rng.normal(0, 2e-4, len(x) + 2 * FS)


@pytest.mark.parametrize(("f0", "jitter"), [(120.0, 0.01), (200.0, 0.02), (120.0, 0.003)])
def test_pitch_and_jitter_of_a_synthetic_vowel_are_recovered(f0, jitter):
    x, true_jitter, true_shimmer = vowel(f0, jitter, 0.03, 3.0)
    result = analyse_voice(Audio(_padded(x), FS, "vowel"))
    assert result.quality.measurable
    assert result.features["pitch_mean_hz"] == pytest.approx(f0, rel=0.01)
    assert result.features["jitter_local_pct"] == pytest.approx(true_jitter, abs=0.25)
    assert result.features["shimmer_local_pct"] == pytest.approx(true_shimmer, abs=1.0)


def test_more_jitter_measures_as_more_jitter():
    low = analyse_voice(Audio(_padded(vowel(120.0, 0.005, 0.03, 3.0)[0]), FS, "a"))
    high = analyse_voice(Audio(_padded(vowel(120.0, 0.02, 0.03, 3.0)[0]), FS, "b"))
    assert high.features["jitter_local_pct"] > 2 * low.features["jitter_local_pct"]


@pytest.mark.parametrize("rate", [3.0, 4.0, 5.0])
def test_syllable_rate_of_a_syllable_train_is_recovered(rate):
    x = syllable_train(rate, 8.0)
    result = analyse_voice(Audio(x, FS, "train"))
    assert result.quality.measurable
    assert result.features["articulation_rate_syl_s"] == pytest.approx(rate, rel=0.1)


def test_pauses_are_counted():
    x = syllable_train(4.0, 12.0, pause_every=8)
    result = analyse_voice(Audio(x, FS, "pauses"))
    n_pauses = int(12.0 * 4.0) // 8 - 1  # the last pause runs into the trailing quiet
    span_min = result.features["pauses_per_min"]
    assert span_min * (len(x) / FS - 1.0) / 60.0 == pytest.approx(n_pauses, abs=1.0)
    assert result.features["mean_pause_s"] == pytest.approx(0.6 + 0.55 * 0.25, abs=0.2)


def test_noise_without_speech_is_not_measurable():
    rng = np.random.default_rng(3)
    result = analyse_voice(Audio(rng.normal(0, 0.05, 5 * FS), FS, "noise"))
    assert not result.quality.measurable
    assert result.features == {}


def test_speech_buried_in_noise_is_refused_for_its_signal_to_noise_ratio():
    x = syllable_train(4.0, 6.0)
    noisy = x + np.random.default_rng(4).normal(0, 0.03, len(x))  # about 5 dB
    result = analyse_voice(Audio(noisy, FS, "noisy"))
    assert not result.quality.measurable


def test_a_wav_is_read_and_a_file_that_is_no_audio_is_refused(tmp_path):
    x, _, _ = vowel(150.0, 0.01, 0.03, 2.5)
    audio = read_audio(write_wav(tmp_path / "v.wav", _padded(x)))
    assert audio.fs == FS
    assert analyse_voice(audio).features["pitch_mean_hz"] == pytest.approx(150.0, rel=0.01)
    bad = tmp_path / "v.wav.txt"
    bad.write_text("not audio")
    with pytest.raises(WellnessInputRejected, match="cannot be read as audio or video"):
        read_audio(bad)
