"""A few training steps on real LUDB leads, ONNX export, runtime parity and the registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from workstation.errors import ModelMissing, ModelTampered
from workstation.inference.registry import load_model, sha256_of
from workstation.inference.sessions import CPU


@pytest.fixture(scope="module")
def tiny_model(ludb: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    torch = pytest.importorskip("torch")
    from workstation.training.export import export_onnx
    from workstation.training.segmentation import train_segmentation

    torch.set_num_threads(1)
    result = train_segmentation(ludb, epochs=1, train_ids=[1, 2], validation_ids=[4], max_steps=2)
    folder = tmp_path_factory.mktemp("models")
    path = export_onnx(result.model, folder / "tiny.onnx")
    card = {"name": "tiny", "version": "0", "sha256": sha256_of(path.read_bytes())}
    (folder / "tiny.json").write_text(json.dumps(card))
    return result, folder


def test_training_steps_reduce_nothing_to_nan(tiny_model: tuple) -> None:
    result, _ = tiny_model
    assert np.isfinite(result.validation_loss)
    assert result.best_epoch == 1


def test_onnx_matches_torch_for_any_batch_and_length(tiny_model: tuple) -> None:
    import torch

    result, folder = tiny_model
    model = load_model("tiny", folder)
    assert model.provider == CPU
    for batch, length in ((1, 2048), (3, 5024)):
        x = np.random.default_rng(batch).standard_normal((batch, 1, length)).astype(np.float32)
        onnx_out = model.session.run(None, {"ecg": x})[0]
        with torch.no_grad():
            torch_out = result.model(torch.from_numpy(x)).numpy()
        assert onnx_out.shape == (batch, 4, length)
        np.testing.assert_allclose(onnx_out, torch_out, atol=1e-4)


def test_registry_refuses_a_tampered_model(tiny_model: tuple, tmp_path: Path) -> None:
    _, folder = tiny_model
    shutil.copy(folder / "tiny.json", tmp_path / "tiny.json")
    data = bytearray((folder / "tiny.onnx").read_bytes())
    data[-10] ^= 0xFF
    (tmp_path / "tiny.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelTampered, match="does not match its model card"):
        load_model("tiny", tmp_path)


def test_registry_refuses_a_model_without_card(tiny_model: tuple, tmp_path: Path) -> None:
    _, folder = tiny_model
    shutil.copy(folder / "tiny.onnx", tmp_path / "tiny.onnx")
    with pytest.raises(ModelMissing, match="model card"):
        load_model("tiny", tmp_path)
