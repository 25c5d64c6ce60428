"""The rPPG methods on RGB traces with a known pulse."""

import numpy as np
import pytest

from workstation.rppg.heart_rate import MIN_SNR_DB, rate_series, spectral_rate, summary_rate
from workstation.rppg.methods import METHODS, pulse
from workstation.rppg.synthetic import pulse_wave

SKIN_RGB = np.array([180.0, 120.0, 95.0])
PBV_RGB = np.array([0.33, 0.77, 0.53])


def traces(bpm, seconds=30, fps=30.0, noise=0.05, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * fps)) / fps
    wave = 0.004 * pulse_wave(t, bpm)
    light = 1 + 0.05 * np.sin(2 * np.pi * 0.05 * t)
    return SKIN_RGB * light[:, None] * (1 + wave[:, None] * PBV_RGB) + rng.normal(
        0, noise, (t.size, 3)
    )


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("bpm", [45, 72, 110, 150])
def test_every_method_recovers_a_known_rate(method, bpm):
    series = rate_series(traces(bpm), 30.0, method)
    assert len(series) == 21
    assert all(w.measurable for w in series)
    assert summary_rate(series) == pytest.approx(bpm, abs=1.5)


def test_pos_and_chrom_reject_a_common_illumination_change():
    """A light flicker in the pulse band scales all channels alike; POS/CHROM cancel it."""
    t = np.arange(900) / 30.0
    flicker = 1 + 0.01 * np.sin(2 * np.pi * 2.0 * t)
    rgb = SKIN_RGB * flicker[:, None] * (1 + 0.004 * pulse_wave(t, 66)[:, None] * PBV_RGB)
    for method in ("pos", "chrom"):
        assert summary_rate(rate_series(rgb, 30.0, method)) == pytest.approx(66, abs=1.5)
    assert summary_rate(rate_series(rgb, 30.0, "green")) == pytest.approx(120, abs=1.5)


def test_noise_alone_is_not_measurable():
    rng = np.random.default_rng(7)
    rgb = SKIN_RGB + rng.normal(0, 1.0, (1800, 3))
    series = rate_series(rgb, 30.0, "pos")
    assert sum(w.measurable for w in series) <= 1
    assert np.mean([w.snr_db for w in series]) < MIN_SNR_DB


def test_motion_flags_windows_whatever_the_snr():
    motion = np.zeros(900)
    motion[450] = 0.5
    series = rate_series(traces(72), 30.0, "pos", motion=motion)
    flagged = [w for w in series if not w.measurable]
    assert flagged and all(abs(w.time_s - 15.0) <= 5.0 for w in flagged)


def test_sub_bin_interpolation():
    fps = 30.0
    t = np.arange(300) / fps
    bpm, snr = spectral_rate(np.sin(2 * np.pi * 1.2345 * t)[None], fps)
    assert bpm[0] == pytest.approx(1.2345 * 60, abs=0.2)
    assert snr[0] > 10


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown rPPG method"):
        pulse(np.ones((1, 3, 300)), 30.0, "magic")


def test_short_trace_gives_no_window():
    assert rate_series(traces(72, seconds=5), 30.0) == []
