"""Regional spectrograms, the compressed spectral array and quantitative trends."""

from __future__ import annotations

import numpy as np
import pytest
from eeg_synth import referential_recording

from workstation.eeg.montages import apply_montage
from workstation.eeg.resample import resample_recording, resample_signals
from workstation.eeg.spectrograms import compressed_spectral_array, regional_spectrograms
from workstation.eeg.trends import channel_side, compute_trends, rhythmicity


def test_regional_spectrogram_peaks_at_the_generated_frequency_in_its_region() -> None:
    # A 7 Hz rhythm on T3 (left temporal) shows in the LL chain (F7-T7 and T7-P7), not RR.
    rec = referential_recording(seconds=60, tones={"T3": 7.0})
    regions = regional_spectrograms(rec, epoch_s=2.0)
    assert set(regions) == {"LL", "LP", "RP", "RR"}
    assert regions["LL"].peak_frequency() == pytest.approx(7.0, abs=0.5)
    ll = regions["LL"].log_power[np.argmin(np.abs(regions["LL"].freqs - 7.0))].mean()
    rr = regions["RR"].log_power[np.argmin(np.abs(regions["RR"].freqs - 7.0))].mean()
    assert ll > rr + 1.0
    assert regions["LL"].log_power.shape == (regions["LL"].freqs.size, 30)


def test_csa_covers_the_whole_recording() -> None:
    rec = apply_montage(
        referential_recording(seconds=120, tones={"O1": 10.0, "O2": 10.0}), "average"
    )
    csa = compressed_spectral_array(rec, epoch_s=4.0)
    assert csa.times.size == 30
    assert csa.peak_frequency() == pytest.approx(10.0, abs=0.5)


def test_trends_band_powers_ratio_asymmetry_and_rhythmicity() -> None:
    rec = apply_montage(
        referential_recording(seconds=100, tones={"O1": 10.0, "T3": 2.0}), "double-banana"
    )
    trends = compute_trends(rec, epoch_s=10.0)
    assert trends.times.size == 10
    assert set(trends.band_power) == {"delta", "theta", "alpha", "beta"}
    o1 = rec.channel_names.index("P7-O1")
    f = rec.channel_names.index("Fp2-F4")
    assert trends.band_power["alpha"][o1].mean() > 10 * trends.band_power["alpha"][f].mean()
    assert (trends.asymmetry > 0.2).all()  # both rhythms on the left
    assert trends.rhythmicity[o1].mean() > 0.3
    assert trends.rhythmicity[f].mean() < 0.2
    summary = trends.summary()
    assert summary["alpha_delta_ratio"] > 0


def test_rhythmicity_of_a_pure_tone_and_of_noise() -> None:
    fs = 256.0
    freqs = np.fft.rfftfreq(512, 1 / fs)
    tone = np.zeros((1, 1, freqs.size))
    tone[..., np.argmin(np.abs(freqs - 5))] = 1.0
    flat = np.ones((1, 1, freqs.size))
    assert rhythmicity(freqs, tone)[0, 0] == pytest.approx(1.0)
    assert rhythmicity(freqs, flat)[0, 0] < 0.1


@pytest.mark.parametrize(
    ("name", "side"),
    [
        ("Fp1-F7", "left"),
        ("EEG T4-REF", "right"),
        ("Fz-Cz", None),
        ("Fp1-Fp2", None),
        ("O2-Avg", "right"),
    ],
)
def test_channel_side(name: str, side: str | None) -> None:
    assert channel_side(name) == side


def test_resampling_keeps_a_sine() -> None:
    fs = 173.61
    t = np.arange(4097) / fs
    x = np.sin(2 * np.pi * 6 * t)[None, :]
    y = resample_signals(x, fs, 256.0)
    assert y.shape[1] == round(4097 * 256 / fs)
    t2 = np.arange(y.shape[1]) / 256.0
    np.testing.assert_allclose(y[0, 200:-200], np.sin(2 * np.pi * 6 * t2)[200:-200], atol=0.05)
    rec = referential_recording(seconds=10, fs=250.0)
    assert resample_recording(rec).fs == 256.0
    assert resample_recording(rec).n_samples == 2560
