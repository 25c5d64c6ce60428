"""Export of the EEG networks to one self-contained ONNX file each, and their model cards."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from workstation.inference.sessions import create_session


def export_onnx(
    model: nn.Module,
    example: tuple[torch.Tensor, ...],
    path: Path,
    input_names: list[str],
    output_names: list[str],
    dynamic_axes: dict[str, dict[int, str]],
) -> Path:
    """One file (no external data), dynamic batch, checked against torch on the example."""
    model.eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        example,
        str(path),
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=17,
        dynamo=False,
        external_data=False,
    )
    check_onnx_matches_torch(model, example, path)
    return path


def check_onnx_matches_torch(
    model: nn.Module, example: tuple[torch.Tensor, ...], path: Path, atol: float = 1e-4
) -> float:
    """Largest absolute difference between torch and onnxruntime; raises above ``atol``."""
    session = create_session(path, threads=1, prefer_gpu=False)
    feeds = {i.name: t.numpy() for i, t in zip(session.get_inputs(), example, strict=True)}
    onnx_out = session.run(None, feeds)[0]
    with torch.no_grad():
        torch_out = model(*example).numpy()
    diff = float(np.max(np.abs(onnx_out - torch_out)))
    if diff > atol:
        raise RuntimeError(f"ONNX output differs from torch by {diff:g} (> {atol:g})")
    return diff


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_card(onnx_path: Path, card: dict[str, Any]) -> Path:
    """The card beside the model, with the model's sha256 that the registry verifies."""
    card = {**card, "file": onnx_path.name, "sha256": sha256_file(onnx_path)}
    path = onnx_path.with_suffix(".json")
    path.write_text(json.dumps(card, indent=2) + "\n")
    return path
