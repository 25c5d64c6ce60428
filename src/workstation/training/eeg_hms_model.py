"""The six-class HMS network: raw-chain CNN/GRU and regional-spectrogram 2-D CNN, fused.

The raw branch sees waveform morphology (spikes, sharp waves, their periodicity) that a
spectrogram blurs; the spectrogram branch sees rhythm and its evolution over 50 s at a
glance. Strong HMS solutions combined exactly these two views; this is a small version of
that family, sized to train on a CPU.
"""

from __future__ import annotations

import torch
from torch import nn

from workstation.io.hms import HMS_CLASSES


def _conv1d(c_in: int, c_out: int, kernel: int, pool: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
        nn.BatchNorm1d(c_out),
        nn.ReLU(),
        nn.MaxPool1d(pool),
    )


class HmsNet(nn.Module):
    """(raw: batch × 16 × 10000, spectrograms: batch × 4 × F × T) → batch × 6 probabilities."""

    def __init__(self, n_chains: int = 16, n_regions: int = 4, hidden: int = 32) -> None:
        super().__init__()
        self.raw_cnn = nn.Sequential(
            _conv1d(n_chains, 32, 7, 4, stride=2),
            _conv1d(32, 48, 7, 5),
            _conv1d(48, 64, 5, 5),
        )
        self.gru = nn.GRU(64, hidden, batch_first=True, bidirectional=True)
        self.spec_cnn = nn.Sequential(
            nn.Conv2d(n_regions, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(),
        )
        self.head = nn.Linear(2 * hidden + 32, len(HMS_CLASSES))

    def logits(self, raw: torch.Tensor, spectrograms: torch.Tensor) -> torch.Tensor:
        sequence, _ = self.gru(self.raw_cnn(raw).transpose(1, 2))
        raw_features = sequence.mean(dim=1)
        spec_features = self.spec_cnn(spectrograms).mean(dim=(2, 3))
        return self.head(torch.cat([raw_features, spec_features], dim=1))

    def forward(self, raw: torch.Tensor, spectrograms: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.logits(raw, spectrograms), dim=1)
