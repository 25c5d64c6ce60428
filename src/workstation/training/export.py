"""Export of a trained network to one self-contained ONNX file."""

from __future__ import annotations

from pathlib import Path

import torch

from workstation.training.unet import LeadSetUNet

INPUT_NAME = "ecg"
OUTPUT_NAME = "logits"


def export_onnx(model: LeadSetUNet, path: Path) -> Path:
    """One file (no external data) with dynamic batch, lead count and length, opset the
    runtime knows."""
    model.eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(2, 3, 2048)
    torch.onnx.export(
        model,
        (example,),
        str(path),
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        dynamic_axes={
            INPUT_NAME: {0: "batch", 1: "leads", 2: "length"},
            OUTPUT_NAME: {0: "batch", 1: "leads", 3: "length"},
        },
        opset_version=17,
        dynamo=False,
        external_data=False,
    )
    return path
