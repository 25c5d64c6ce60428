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


def test_onnx_matches_torch_for_any_batch_lead_count_and_length(tiny_model: tuple) -> None:
    import torch

    result, folder = tiny_model
    model = load_model("tiny", folder)
    assert model.provider == CPU
    for batch, leads, length in ((1, 12, 2048), (3, 1, 5024), (2, 15, 1024)):
        rng = np.random.default_rng(batch + leads)
        x = rng.standard_normal((batch, leads, length)).astype(np.float32)
        onnx_out = model.session.run(None, {"ecg": x})[0]
        with torch.no_grad():
            torch_out = result.model(torch.from_numpy(x)).numpy()
        assert onnx_out.shape == (batch, leads, 4, length)
        np.testing.assert_allclose(onnx_out, torch_out, atol=1e-4)


def test_each_lead_is_read_with_the_others(tiny_model: tuple) -> None:
    """Changing one lead changes what the model says about another: the leads are read
    together. Read alone, a lead's labels do not depend on what other rows hold."""
    import torch

    result, _ = tiny_model
    x = np.random.default_rng(7).standard_normal((1, 3, 2048)).astype(np.float32)
    changed = x.copy()
    changed[0, 2] *= 5.0
    with torch.no_grad():
        together = [result.model(torch.from_numpy(v))[0, 0].numpy() for v in (x, changed)]
        alone = [result.model(torch.from_numpy(v[0][:, None]))[0, 0].numpy() for v in (x, changed)]
    assert np.abs(together[0] - together[1]).max() > 1e-4
    np.testing.assert_array_equal(alone[0], alone[1])


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
