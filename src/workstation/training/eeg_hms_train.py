"""Training of the HMS network with the competition's loss: KL divergence to the votes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from workstation.eeg.hms import kl_divergence
from workstation.training.eeg_hms_data import HmsDataset
from workstation.training.eeg_hms_model import HmsNet


@dataclass(frozen=True)
class HmsSettings:
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 1e-3
    seed: int = 0
    max_steps: int | None = None


def kl_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """KL(targets ‖ softmax(logits)) averaged over the batch, the training objective."""
    return nn.functional.kl_div(torch.log_softmax(logits, dim=1), targets, reduction="batchmean")


def train_hms(data: HmsDataset, settings: HmsSettings) -> HmsNet:
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    model = HmsNet()
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate)
    raw = torch.from_numpy(data.raw)
    spec = torch.from_numpy(data.spectrograms)
    targets = torch.from_numpy(data.targets)
    steps_per_epoch = max(1, int(np.ceil(len(targets) / settings.batch_size)))
    total = settings.epochs * steps_per_epoch
    if settings.max_steps is not None:
        total = min(total, settings.max_steps)
    model.train()
    step = 0
    while step < total:
        for batch in np.array_split(rng.permutation(len(targets)), steps_per_epoch):
            if step >= total:
                break
            optimiser.zero_grad()
            loss = kl_loss(model.logits(raw[batch], spec[batch]), targets[batch])
            loss.backward()
            optimiser.step()
            step += 1
    model.eval()
    return model


def predict_hms(model: HmsNet, data: HmsDataset, batch: int = 64) -> np.ndarray:
    with torch.no_grad():
        parts = [
            model(
                torch.from_numpy(data.raw[i : i + batch]),
                torch.from_numpy(data.spectrograms[i : i + batch]),
            )  # fmt: skip
            for i in range(0, len(data.targets), batch)
        ]
    return torch.cat(parts).numpy()


def evaluate_hms(model: HmsNet, train: HmsDataset, validation: HmsDataset) -> dict[str, float]:
    """Validation KL of the model beside the KL of always predicting the training prior."""
    prior = np.repeat(train.targets.mean(axis=0, keepdims=True), len(validation.targets), 0)
    return {
        "validation_kl": round(
            kl_divergence(validation.targets, predict_hms(model, validation)), 4
        ),
        "prior_kl": round(kl_divergence(validation.targets, prior), 4),
        "train_windows": int(len(train.targets)),
        "validation_windows": int(len(validation.targets)),
        "validation_patients": int(np.unique(validation.patients).size),
    }
