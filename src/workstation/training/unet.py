"""A small 1-D U-Net that labels every sample of every ECG lead as none, P, QRS or T,
looking at all the recording's leads at once.

Small on purpose: it must segment 12 leads × 10 s in a few milliseconds on one CPU thread,
and LUDB's 200 records do not support a large network. It works at 250 Hz inside (average
pooling in, linear upsampling of the logits out): ECG waves have no content above 40 Hz that
matters for their boundaries, and it halves the cost at every level.

Each lead runs through the same convolutions, and at every level each lead's features are
joined with the mean of all the leads' features (``LeadMix``). The atria and ventricles
depolarise once for all leads, so a P wave that is flat in one lead but clear in another is
still found, and fibrillatory waves that look like a P wave in one lead but do not recur
consistently across the leads can be told apart. The mean makes the network indifferent to
lead order and count: it reads 1 to 15 leads, and with one lead it reads that lead alone.
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


class LeadMix(nn.Module):
    """Each lead's features plus what all leads of the recording see at that moment."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv1d(2 * channels, channels, 1)

    def forward(self, h: torch.Tensor, n_leads: int) -> torch.Tensor:
        channels, length = h.shape[1], h.shape[2]
        shared = h.reshape(-1, n_leads, channels, length).mean(dim=1, keepdim=True)
        shared = shared.expand(-1, n_leads, -1, -1).reshape(-1, channels, length)
        return h + torch.relu(self.conv(torch.cat([h, shared], dim=1)))


class LeadSetUNet(nn.Module):
    """Input (batch, leads, length), length a multiple of 32; logits (batch, leads, 4, length)."""

    def __init__(self, n_classes: int = 4, kernel: int = 7) -> None:
        super().__init__()
        widths = list(WIDTHS)
        self.encoders = nn.ModuleList(
            _block(c_in, c_out, kernel)
            for c_in, c_out in zip([1, *widths[:-2]], widths[:-1], strict=True)
        )
        self.mixes = nn.ModuleList(LeadMix(c) for c in widths)
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
        n_leads, length = x.shape[1], x.shape[2]
        h = self.decimate(x.reshape(-1, 1, length))
        skips = []
        for encoder, mix in zip(self.encoders, self.mixes[:-1], strict=True):
            h = mix(encoder(h), n_leads)
            skips.append(h)
            h = self.pool(h)
        h = self.mixes[-1](self.bottom(h), n_leads)
        for i in reversed(range(DEPTH)):
            h = self.decoders[i](torch.cat([self.ups[i](h), skips[i]], dim=1))
        logits = self.interpolate(self.head(h))
        return logits.reshape(-1, n_leads, logits.shape[1], length)
