"""A small 1-D U-Net that labels every sample of one ECG lead as none, P, QRS or T.

Small on purpose: it must segment 12 leads × 10 s in a few milliseconds on one CPU thread,
and LUDB's 2,400 leads do not support a large network. It works at 250 Hz inside (average
pooling in, linear upsampling of the logits out): ECG waves have no content above 40 Hz that
matters for their boundaries, and it halves the cost at every level.
"""

from __future__ import annotations

import torch
from torch import nn

DEPTH = 4
DOWNSAMPLE = 2 ** (DEPTH + 1)
WIDTHS = (8, 12, 16, 24, 32)


def _block(c_in: int, c_out: int, kernel: int) -> nn.Sequential:
    pad = kernel // 2
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel, padding=pad),
        nn.BatchNorm1d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv1d(c_out, c_out, kernel, padding=pad),
        nn.BatchNorm1d(c_out),
        nn.ReLU(inplace=True),
    )


class UNet1d(nn.Module):
    """Input (batch, 1, length), length a multiple of 32; output logits (batch, 4, length)."""

    def __init__(self, n_classes: int = 4, kernel: int = 7) -> None:
        super().__init__()
        widths = list(WIDTHS)
        self.encoders = nn.ModuleList(
            _block(c_in, c_out, kernel)
            for c_in, c_out in zip([1, *widths[:-2]], widths[:-1], strict=True)
        )
        self.bottom = _block(widths[-2], widths[-1], kernel)
        self.ups = nn.ModuleList(
            nn.ConvTranspose1d(widths[i + 1], widths[i], 2, stride=2) for i in range(DEPTH)
        )
        self.decoders = nn.ModuleList(
            _block(2 * widths[i], widths[i], kernel) for i in range(DEPTH)
        )
        self.head = nn.Conv1d(widths[0], n_classes, 1)
        self.pool = nn.MaxPool1d(2)
        self.decimate = nn.AvgPool1d(2)
        self.interpolate = nn.Upsample(scale_factor=2, mode="linear", align_corners=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.decimate(x)
        skips = []
        for encoder in self.encoders:
            x = encoder(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottom(x)
        for i in reversed(range(DEPTH)):
            x = self.decoders[i](torch.cat([self.ups[i](x), skips[i]], dim=1))
        return self.interpolate(self.head(x))
