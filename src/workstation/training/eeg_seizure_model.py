"""The seizure-like-activity network: a small 1-D CNN on one channel's 4 s window.

A strided first convolution brings 256 Hz down to 64 feature samples per second (the
detector's band ends at 40 Hz), three more blocks widen the receptive field to about two
seconds, and a mean over time makes the answer independent of where in the window the
rhythm sits. It is kept small on purpose: it trains in minutes on one CPU thread and runs
over an hour of 19-channel EEG in seconds. With
``standardise=True`` the network normalises each window itself, so the exported model
cannot lean on amplitude (which in Bonn separates scalp from intracranial recordings).
"""

from __future__ import annotations

import torch
from torch import nn


def _block(c_in: int, c_out: int, kernel: int, pool: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
        nn.BatchNorm1d(c_out),
        nn.ReLU(),
        nn.MaxPool1d(pool) if pool > 1 else nn.Identity(),
    )


class SeizureCNN(nn.Module):
    """(batch, 1, samples) µV → (batch,) probability of seizure-like activity."""

    def __init__(self, standardise: bool = True, raw_scale_uv: float = 100.0) -> None:
        super().__init__()
        self.standardise = standardise
        self.raw_scale_uv = raw_scale_uv
        self.features = nn.Sequential(
            _block(1, 8, 9, 1, stride=4),
            _block(8, 16, 7, 4),
            _block(16, 32, 7, 2),
            _block(32, 32, 5, 1),
        )
        self.head = nn.Linear(32, 1)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        if self.standardise:
            x = x - x.mean(dim=-1, keepdim=True)
            x = x / (x.std(dim=-1, keepdim=True) + 1e-6)
        else:
            x = x / self.raw_scale_uv
        return self.head(self.features(x).mean(dim=-1)).squeeze(-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(x))
