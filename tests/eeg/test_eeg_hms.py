"""The HMS six-class pipeline end to end on a tiny synthetic data set in the HMS layout."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hms_synth import write_hms_dataset

from workstation.cli import main
from workstation.eeg.hms import NO_MODEL_MESSAGE, classify_window, hms_inputs, kl_divergence
from workstation.errors import InvalidRecording
from workstation.io.hms import HMS_CLASSES, hms_window, read_hms_eeg, read_hms_labels


def test_kl_metric_matches_a_hand_computed_value() -> None:
    targets = np.array([[0.5, 0.5, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1.0]])
    predictions = np.array([[0.25, 0.25, 0.25, 0.25, 0, 0], [0.1, 0.1, 0.1, 0.1, 0.1, 0.5]])
    # Row 1: 0.5 ln(0.5/0.25) * 2 = ln 2; row 2: ln(1/0.5) = ln 2.
    assert kl_divergence(targets, predictions) == pytest.approx(math.log(2))
    assert kl_divergence(targets, targets) == pytest.approx(0.0)
    # A zero prediction where the experts voted costs -ln(1e-15) scaled by the vote share.
    zero = np.array([[1.0, 0, 0, 0, 0, 0]])
    assert kl_divergence(zero, np.array([[0, 1.0, 0, 0, 0, 0]])) == pytest.approx(-math.log(1e-15))


def test_reader_gives_recordings_windows_and_vote_distributions(tmp_path: Path) -> None:
    root = write_hms_dataset(tmp_path / "hms", per_class=1)
    labels = read_hms_labels(root / "train.csv")
    assert len(labels) == 6
    np.testing.assert_allclose(labels[0].distribution.sum(), 1.0)
    assert int(np.argmax(labels[2].distribution)) == HMS_CLASSES.index("gpd")
    rec = read_hms_eeg(root / "train_eegs" / f"{labels[0].eeg_id}.parquet")
    assert rec.fs == 200.0 and rec.n_channels == 20 and rec.channel_names[-1] == "EKG"
    window = hms_window(rec, labels[0].offset_s)
    assert window.n_samples == 10_000
    inputs = hms_inputs(window)
    assert inputs.raw.shape == (16, 10_000)
    assert inputs.spectrograms.shape == (4, 51, 25)
    with pytest.raises(InvalidRecording, match="beyond the end"):
        hms_window(rec, 30.0)


def test_reader_refuses_a_file_without_hms_columns(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"Fp1": np.zeros(10, np.float32)}), path)
    with pytest.raises(InvalidRecording, match="F3"):
        read_hms_eeg(path)


def test_train_eeg_hms_end_to_end_and_onnx_matches_torch(tmp_path: Path) -> None:
    import onnxruntime as ort

    root = write_hms_dataset(tmp_path / "hms", per_class=3)
    out = tmp_path / "models"
    code = main(["train", "eeg-hms", "--data", str(root), "--out", str(out),
                 "--epochs", "2", "--max-steps", "3"])  # fmt: skip
    assert code == 0
    card = json.loads((out / "eeg-hms.json").read_text())
    assert card["classes"] == list(HMS_CLASSES)
    assert card["metrics"]["validation_kl"] >= 0
    assert card["metrics"]["validation_patients"] >= 1
    session = ort.InferenceSession(str(out / "eeg-hms.onnx"), providers=["CPUExecutionProvider"])
    labels = read_hms_labels(root / "train.csv")
    rec = read_hms_eeg(root / "train_eegs" / f"{labels[0].eeg_id}.parquet")
    probabilities = classify_window(session, hms_window(rec, labels[0].offset_s))
    assert set(probabilities) == set(HMS_CLASSES)
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_onnx_output_matches_torch(tmp_path: Path) -> None:
    import torch

    from workstation.training.eeg_export import check_onnx_matches_torch, export_onnx
    from workstation.training.eeg_hms_model import HmsNet

    torch.manual_seed(0)
    model = HmsNet().eval()
    example = (torch.randn(3, 16, 10_000), torch.randn(3, 4, 51, 25))
    path = export_onnx(model, example, tmp_path / "m.onnx", ["raw", "spectrograms"],
                       ["probabilities"], {"raw": {0: "b"}, "spectrograms": {0: "b"},
                                           "probabilities": {0: "b"}})  # fmt: skip
    other = (torch.randn(5, 16, 10_000), torch.randn(5, 4, 51, 25))
    assert check_onnx_matches_torch(model, other, path, atol=1e-5) < 1e-5


def test_no_six_class_model_ships_and_the_app_says_how_to_train_one() -> None:
    from workstation.inference.registry import models_dir

    assert not (models_dir() / "eeg-hms.onnx").exists()
    assert "workstation train eeg-hms --data" in NO_MODEL_MESSAGE
