"""The seizure-like-activity detector: grouped CV, training/export, and use on recordings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from eeg_synth import referential_recording
from helpers import shared, write_edf

from workstation.cli import main
from workstation.eeg.analysis import analyze_eeg
from workstation.eeg.seizure import detect, detector_input, explain_window
from workstation.eeg.windows import WINDOW_SAMPLES, sliding_windows, standardise
from workstation.inference.registry import load_model, models_dir

MODELS = models_dir()


class RhythmSession:
    """A stand-in for an ONNX session: 'seizure-like' = power of a 3 Hz rhythm in the window."""

    class _Input:
        name = "eeg"

    def get_inputs(self) -> list:
        return [self._Input()]

    def run(self, outputs, feeds) -> list:
        x = feeds["eeg"][:, 0, :]
        t = np.arange(x.shape[-1]) / 256.0
        c = np.abs(x @ np.exp(-2j * np.pi * 3.0 * t)) / x.shape[-1]
        return [(c / (c + 2.0)).astype(np.float32)]


def test_grouped_folds_never_share_a_segment() -> None:
    from workstation.training.eeg_cv import auc_with_ci, grouped_folds

    groups = np.repeat(np.arange(30), 10)
    labels = (groups >= 20).astype(int)
    for train, test in grouped_folds(labels, groups):
        assert not set(groups[train]) & set(groups[test])
        assert labels[test].sum() > 0
    result = auc_with_ci(labels, labels + 0.1 * np.random.default_rng(0).random(300), groups)
    assert result["auc"] == 1.0 and result["ci95"] == [1.0, 1.0]
    assert result["segments"] == 30


def test_fast_auc_matches_scikit_learn() -> None:
    from sklearn.metrics import roc_auc_score

    from workstation.training.eeg_cv import roc_auc

    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 500)
    scores = np.round(labels * 0.3 + rng.random(500), 1)  # with ties
    assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_windows_are_views_and_standardised() -> None:
    x = np.random.default_rng(0).normal(0, 50, (2, 256 * 20)).astype(np.float32)
    w = sliding_windows(x, 256.0)
    assert w.shape == (2, 9, WINDOW_SAMPLES)
    assert np.shares_memory(w, x)
    np.testing.assert_array_equal(w[1, 3], x[1, 3 * 512 : 3 * 512 + 1024])
    s = standardise(w)
    np.testing.assert_allclose(s.std(axis=-1), 1.0, atol=1e-3)


def test_timeline_names_the_channels_and_seconds_that_drove_it() -> None:
    rec = referential_recording(seconds=40, tones={"T3": 3.0})
    # The rhythm only from 20 s on: zero it before.
    signals = rec.signals.copy()
    t3 = rec.channel_names.index("EEG T3-REF")
    signals[t3, : 20 * 256] = np.random.default_rng(1).normal(0, 10, 20 * 256)
    # Background activity under the rhythm: a bare sine is refused as "not EEG".
    signals[t3] += np.random.default_rng(2).normal(0, 30, signals.shape[1])
    rec = replace(rec, signals=signals)
    session = RhythmSession()
    prepared = detector_input(rec)
    assert prepared.fs == 256.0 and prepared.channel_names[0] == "Fp1-Avg"
    timeline = detect(session, prepared)
    assert timeline.probabilities.shape == (19, 19)
    late = timeline.probability[timeline.times >= 20].min()
    early = timeline.probability[timeline.times + 4 <= 20].max()
    assert late > 0.5 > early
    window = int(np.argmax(timeline.probability))
    assert timeline.top_channels(window)[0][0] == "T7-Avg"
    explanation = explain_window(session, prepared, timeline, window)
    assert explanation.channels[0] == "T7-Avg"
    assert explanation.occlusion_drop.shape == (3, 8)
    assert (explanation.occlusion_drop[0] > 0).all()


def test_analysis_composes_montage_trends_and_detector() -> None:
    labels = [n for n in referential_recording().channel_names if "O2" not in n] + ["EKG"]
    rec = referential_recording(seconds=30, labels=labels, tones={"C3": 3.0})
    c3 = rec.channel_names.index("EEG C3-REF")
    signals = rec.signals.copy()
    signals[c3] += np.random.default_rng(2).normal(0, 30, signals.shape[1])
    rec = replace(rec, signals=signals)
    result = analyze_eeg(rec, RhythmSession(), {"name": "stand-in"}).to_dict()
    assert result["montage"] == "average reference"
    assert "O2" in result["montage_note"]
    assert result["other_channels"] == {"EKG": "ecg"}
    assert len(result["eeg_channels"]) == 18
    assert result["detector"]["windows"][0]["top_channels"][0]["channel"] == "C3-Avg"
    assert {"montage", "trends", "detector", "explanations"} <= set(result["timings_s"])
    json.dumps(result)


@pytest.mark.shared_data
def test_training_a_few_steps_exports_a_verified_model(tmp_path: Path) -> None:
    bonn = shared("bonn-eeg")
    args = ["--per-set", "3", "--max-steps", "2", "--epochs", "1", "--folds", "2"]
    code = main(["train", "eeg-seizure", "--data", str(bonn), "--out", str(tmp_path), *args])
    assert code == 0
    card = json.loads((tmp_path / "eeg-seizure.json").read_text())
    assert "CC BY 4.0" in card["training_data"]["license"]
    assert "Andrzejak" in card["training_data"]["citation"]
    assert "intracranial" in card["training_data"]["caveat"].lower()
    assert "not diagnosis" in card["intended_use"]
    assert set(card["metrics"]) >= {"cnn_raw", "cnn_standardised", "baseline_gbm_raw"}
    assert len(card["metrics"]["cnn_standardised"]["ci95"]) == 2
    model = load_model("eeg-seizure", tmp_path)
    for batch in (1, 7):
        out = model.session.run(None, {"eeg": np.zeros((batch, 1, WINDOW_SAMPLES), np.float32)})
        assert out[0].shape == (batch,)


@pytest.mark.skipif(not (MODELS / "eeg-seizure.onnx").exists(), reason="no shipped model")
def test_cli_analyze_eeg_with_the_shipped_model(tmp_path: Path, capsys) -> None:
    labels = [f"EEG {n}-REF" for n in ("Fp1 Fp2 F7 F3 Fz F4 F8 T3 C3 Cz C4 T4 T5 P3 Pz P4 T6 "
                                       "O1 O2").split()] + ["ECG"]  # fmt: skip
    path = tmp_path / "eeg.edf"
    write_edf(path, n_seconds=30, labels=labels, annotations=[(2.0, 1.0, "Eyes closed")])
    out = tmp_path / "result.json"
    assert main(["analyze", "eeg", str(path), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["montage"] == "double banana"
    assert result["model"]["name"] == "eeg-seizure"
    assert len(result["detector"]["windows"]) == 14
    assert 0.0 <= result["detector"]["max_probability"] <= 1.0
    assert result["six_class"]["installed"] is False
    assert "workstation train eeg-hms" in result["six_class"]["message"]
    assert "not diagnosis" in capsys.readouterr().out


@pytest.mark.shared_data
@pytest.mark.skipif(not (MODELS / "eeg-seizure.onnx").exists(), reason="no shipped model")
def test_shipped_model_separates_bonn_seizure_segments() -> None:
    """A smoke check on training data (not a metric: the card holds the cross-validated AUC)."""
    from workstation.eeg.seizure import run_windows
    from workstation.training.eeg_bonn import load_bonn_windows

    data = load_bonn_windows(shared("bonn-eeg"), per_set=4)
    session = load_model("eeg-seizure").session
    p = run_windows(session, data.windows)
    assert p[data.labels == 1].mean() > 0.8 > 0.2 > p[data.labels == 0].mean()
    rescaled = run_windows(session, data.windows * 10)  # amplitude cannot change the answer
    np.testing.assert_allclose(rescaled, p, atol=1e-3)


def test_a_test_tone_flat_line_and_gap_get_no_probability() -> None:
    """The shipped detector says p = 1.00 to a bare sine; the analysis must not pass it on."""
    rec = referential_recording(seconds=20, tones={"T3": 3.0})
    signals = np.zeros_like(rec.signals)
    t = np.arange(signals.shape[1]) / rec.fs
    signals[:] = 80 * np.sin(2 * np.pi * 3.0 * t)  # one tone on every electrode
    signals[0, : 8 * 256] = np.nan
    tone = replace(rec, signals=signals)
    session, model = load_model("eeg-seizure", threads=1).session, {"name": "eeg-seizure"}
    result = analyze_eeg(tone, session, model).to_dict()
    detector = result["detector"]
    assert detector["max_probability"] is None and detector["windows"] == []
    assert detector["assessable_windows"] == 0 and detector["flagged_windows"] == 0
    reasons = detector["not_assessable"]
    assert set(reasons) <= {
        "the signal is a pure tone, not EEG",
        "the signal is flat",
        "part of the window was not recorded",
    }
    assert sum(reasons.values()) == 19 * detector["total_windows"]
    assert detector["explanations"] == []
    json.dumps(result)


@pytest.mark.shared_data
def test_every_window_of_real_eeg_stays_assessable() -> None:
    """The tone and repetition limits never withhold real EEG: all of Bonn A, D and E."""
    from scipy.io import loadmat
    from scipy.signal import resample_poly

    from workstation.eeg.filters import band_pass
    from workstation.eeg.window_validity import window_validity

    for name in ("Bonn_eeg_AZ_100.mat", "Bonn_eeg_DF_100.mat", "Bonn_eeg_E_100.mat"):
        data = loadmat(shared("bonn-eeg", name))["eeg_data"].astype(float)
        segments = data.T if data.shape[0] == 4097 else data
        at_rate = resample_poly(segments, 25600, 17361, axis=1)
        filtered = band_pass(at_rate, 256.0, 0.53, 40.0)
        codes = window_validity(sliding_windows(filtered, 256.0), 256.0)
        assert not codes.any(), f"{name}: {np.bincount(codes.ravel())}"
