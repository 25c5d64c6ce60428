"""Channel names, montages and the reviewer's filters."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from eeg_synth import TEN_TWENTY, referential_recording
from scipy import signal

from workstation.channels import ChannelKind, canonical_electrode, classify_channel
from workstation.eeg.filters import FilterSettings, apply_filters, design_filters
from workstation.eeg.montages import apply_montage, montage_matrix
from workstation.errors import InvalidFilterSetting, MontageNotApplicable


@pytest.mark.parametrize(
    ("label", "electrode"),
    [
        ("EEG Fp1-REF", "Fp1"),
        ("FP1-LE", "Fp1"),
        ("EEG T3-REF", "T7"),
        ("T4", "T8"),
        ("t5", "P7"),
        ("EEG T6-A2", "P8"),
        ("T7", "T7"),
        ("P8", "P8"),
        ("EEG FZ-REF", "Fz"),
        ("A1", "A1"),
    ],
)
def test_labels_resolve_to_canonical_electrodes(label: str, electrode: str) -> None:
    assert canonical_electrode(label) == electrode


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("EKG", ChannelKind.ECG),
        ("EEG ECG", ChannelKind.ECG),
        ("ECG1-ECG2", ChannelKind.ECG),
        ("EOG left", ChannelKind.EOG),
        ("LOC-A2", ChannelKind.EOG),
        ("EMG chin", ChannelKind.EMG),
        ("Resp thorax", ChannelKind.RESPIRATION),
        ("SpO2", ChannelKind.SPO2),
        ("Photic", ChannelKind.OTHER),
        ("Fp1-F7", ChannelKind.OTHER),
        ("EEG C3-REF", ChannelKind.EEG),
    ],
)
def test_channel_kinds(label: str, kind: ChannelKind) -> None:
    assert classify_channel(label) == kind


def test_bipolar_channel_is_difference_of_referential_channels() -> None:
    rec = referential_recording()
    bipolar = apply_montage(rec, "double-banana")
    assert len(bipolar.channel_names) == 18
    diff = rec.channel("EEG T3-REF") - rec.channel("EEG T5-REF")
    np.testing.assert_allclose(bipolar.channel("T7-P7"), diff, atol=1e-4)
    np.testing.assert_allclose(
        bipolar.channel("Fp1-F7"), rec.channel("EEG Fp1-REF") - rec.channel("EEG F7-REF"), atol=1e-4
    )


def test_modern_and_classic_names_give_the_same_montage() -> None:
    classic = referential_recording(seed=3)
    modern_labels = [{"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}.get(n, n) for n in TEN_TWENTY]
    modern = referential_recording(labels=modern_labels, seed=3)
    a = apply_montage(classic, "transverse")
    b = apply_montage(modern, "transverse")
    assert a.channel_names == b.channel_names
    np.testing.assert_array_equal(a.signals, b.signals)


def test_average_reference_subtracts_the_scalp_mean_and_ignores_ecg() -> None:
    labels = [f"EEG {n}-REF" for n in TEN_TWENTY] + ["EKG"]
    rec = referential_recording(labels=labels)
    avg = apply_montage(rec, "average")
    assert "EKG" not in " ".join(avg.channel_names)
    assert len(avg.channel_names) == 19
    mean = rec.signals[:19].mean(axis=0)
    np.testing.assert_allclose(avg.channel("Cz-Avg"), rec.channel("EEG Cz-REF") - mean, atol=1e-3)


def test_linked_ears_reference() -> None:
    labels = ["Fp1", "C3", "A1", "A2"]
    rec = referential_recording(labels=labels)
    le = apply_montage(rec, "linked-ears")
    assert le.channel_names == ("Fp1-A1A2", "C3-A1A2")
    expected = rec.channel("C3") - 0.5 * (rec.channel("A1") + rec.channel("A2"))
    np.testing.assert_allclose(le.channel("C3-A1A2"), expected, atol=1e-4)


def test_millivolt_channels_are_converted_before_subtraction() -> None:
    rec = referential_recording(labels=["Fp1", "F7"])

    mixed = replace(
        rec, signals=rec.signals * np.array([[1.0], [1e-3]], np.float32), units=("uV", "mV")
    )
    out = apply_montage(mixed, "average")
    np.testing.assert_allclose(
        out.channel("Fp1-Avg"), 0.5 * (rec.channel("Fp1") - rec.channel("F7")), atol=1e-3
    )


def test_missing_electrodes_are_named() -> None:
    labels = [n for n in TEN_TWENTY if n not in ("T5", "O2")]
    rec = referential_recording(labels=labels)
    with pytest.raises(MontageNotApplicable) as info:
        apply_montage(rec, "double-banana")
    assert info.value.missing == ["P7", "O2"]
    assert "P7" in str(info.value) and "O2" in str(info.value)
    with pytest.raises(MontageNotApplicable, match="A1, A2"):
        montage_matrix("linked-ears", labels)


def _gain(sos: np.ndarray, fs: float, hz: float) -> float:
    _, h = signal.sosfreqz(sos, worN=[hz], fs=fs)
    return float(np.abs(h[0]) ** 2)  # forward-backward squares the magnitude


def test_filters_attenuate_as_designed() -> None:
    fs = 256.0
    sos = design_filters(FilterSettings(1.0, 35.0, 50.0), fs)
    assert _gain(sos, fs, 10.0) == pytest.approx(1.0, abs=0.02)
    assert _gain(sos, fs, 1.0) == pytest.approx(0.5, abs=0.05)  # -3 dB at the cut-off
    assert _gain(sos, fs, 35.0) == pytest.approx(0.5, abs=0.05)
    assert _gain(sos, fs, 50.0) < 1e-3
    assert _gain(sos, fs, 0.1) < 1e-3

    t = np.arange(int(20 * fs)) / fs
    x = np.stack([np.sin(2 * np.pi * 10 * t), np.sin(2 * np.pi * 50 * t)]).astype(np.float32)
    y = apply_filters(x, fs, FilterSettings(1.0, 35.0, 50.0))
    middle = slice(int(5 * fs), int(15 * fs))
    assert np.std(y[0, middle]) / np.std(x[0, middle]) == pytest.approx(1.0, abs=0.02)
    assert np.std(y[1, middle]) < 1e-3
    np.testing.assert_allclose(np.argmax(y[0, middle]), np.argmax(x[0, middle]), atol=1)


def test_filters_keep_gaps_and_refuse_impossible_settings() -> None:
    x = np.random.default_rng(0).normal(size=(1, 2560)).astype(np.float32)
    x[0, 100:110] = np.nan
    y = apply_filters(x, 256.0, FilterSettings(0.5, 70.0, 60.0))
    assert np.isnan(y[0, 100:110]).all() and np.isfinite(y[0, 200:]).all()
    with pytest.raises(InvalidFilterSetting, match="200 Hz"):
        design_filters(FilterSettings(0.5, 200.0), 256.0)
    with pytest.raises(InvalidFilterSetting, match="not above"):
        design_filters(FilterSettings(30.0, 20.0), 256.0)
