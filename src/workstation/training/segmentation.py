"""Seeded training of the ECG segmentation U-Net on the LUDB training split.

The network reads a recording's leads together (see ``unet``), so a training example is a
crop of several leads of one record, cut at the same moment in all of them. The number of
leads varies from batch to batch (1 to 12), so that the model also reads the one- and
two-lead recordings a ward meets. The loss counts only samples inside each lead's annotated
span; the epoch kept is the one with the lowest validation loss, so the test records never
influence the model.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional

from workstation.training.beat_warp import WARP_SHARE, warp_record
from workstation.training.ludb import LeadArrays, load_leads
from workstation.training.split import load_split
from workstation.training.unet import DOWNSAMPLE, LeadSetUNet

log = logging.getLogger(__name__)

CROP = 2048
RECORDS_PER_BATCH = 4
LEARNING_RATE = 3e-3
LEAD_COUNTS = np.array([1, 2, 3, 6, 12])
LEAD_COUNT_SHARE = np.array([0.1, 0.1, 0.1, 0.2, 0.5])  # mostly 12-lead, as LUDB is


@dataclass
class TrainingResult:
    """The chosen model and what choosing it was based on."""

    model: LeadSetUNet
    best_epoch: int
    validation_loss: float
    epochs: int
    seed: int
    seconds: float


def seed_everything(seed: int) -> np.random.Generator:
    """Same seed, same data order, same augmentation, same weights."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return np.random.default_rng(seed)


def record_rows(data: LeadArrays) -> list[np.ndarray]:
    """The rows (leads) of each record, in record order."""
    return [np.flatnonzero(data.record_ids == rid) for rid in np.unique(data.record_ids)]


def record_crop(
    data: LeadArrays, rows: np.ndarray, crop: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One record's chosen leads, re-timed for WARP_SHARE of the crops (``beat_warp``), cut
    at one random moment in all of them."""
    x, target, weight = data.inputs[rows], data.targets[rows], data.weights[rows]
    if rng.random() < WARP_SHARE:
        warped = warp_record(x, target, weight, rng)
        if warped[0].shape[1] >= crop:
            x, target, weight = warped
    start = int(rng.integers(0, x.shape[1] - crop + 1))
    cut = slice(start, start + crop)
    return x[:, cut], target[:, cut], weight[:, cut]


def augment_batch(
    data: LeadArrays, groups: list[np.ndarray], rng: np.random.Generator
) -> tuple[torch.Tensor, ...]:
    """Crops of a random subset of each record's leads, with noise and baseline drift.

    All leads of a record are cut at the same moment (and re-timed by one map); scale,
    drift and noise are drawn per lead, as electrodes pick them up separately. Tensors
    are (records, leads, samples).
    """
    k = int(rng.choice(LEAD_COUNTS, p=LEAD_COUNT_SHARE))
    k = min(k, *(len(g) for g in groups))
    rows = [rng.choice(g, k, replace=False) for g in groups]
    length = data.inputs.shape[1]
    crop = min(CROP, length - length % DOWNSAMPLE)
    crops = [record_crop(data, r, crop, rng) for r in rows]
    x, target, weight = (np.stack([c[i] for c in crops]) for i in range(3))
    shape = (len(groups), k, 1)
    t = np.arange(crop) / 500.0
    drift = rng.uniform(0, 0.5, shape) * np.sin(
        2 * np.pi * rng.uniform(0.05, 0.5, shape) * t + rng.uniform(0, 6.3, shape)
    )
    x = x * rng.uniform(0.7, 1.3, shape) + drift
    x = x + rng.uniform(0, 0.1, shape) * rng.standard_normal(x.shape)
    return (
        torch.from_numpy(x.astype(np.float32)),
        torch.from_numpy(target),
        torch.from_numpy(weight),
    )


def masked_loss(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Cross-entropy averaged over annotated samples only; logits (records, leads, 4, n)."""
    per_sample = functional.cross_entropy(logits.transpose(1, 2), target, reduction="none")
    return (per_sample * weight).sum() / weight.sum().clamp(min=1.0)


def pad_to_multiple(x: np.ndarray) -> np.ndarray:
    """Pad the last axis up to the network's downsampling factor."""
    extra = (-x.shape[-1]) % DOWNSAMPLE
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, extra)])


@torch.no_grad()
def validation_loss(model: LeadSetUNet, data: LeadArrays) -> float:
    """Masked loss on whole validation records, all leads together, as the app reads them."""
    model.eval()
    total = weights = 0.0
    for rows in record_rows(data):
        x = torch.from_numpy(pad_to_multiple(data.inputs[rows]))[None]
        target = torch.from_numpy(pad_to_multiple(data.targets[rows]))[None]
        weight = torch.from_numpy(pad_to_multiple(data.weights[rows]))[None]
        total += float(masked_loss(model(x), target, weight)) * float(weight.sum())
        weights += float(weight.sum())
    return total / weights


def train_segmentation(
    ludb_dir: Path,
    epochs: int = 300,
    seed: int = 6,
    train_ids: list[int] | None = None,
    validation_ids: list[int] | None = None,
    max_steps: int | None = None,
) -> TrainingResult:
    """Train from scratch; ``max_steps`` and explicit ids exist for quick tests."""
    started = time.perf_counter()
    split = load_split()
    rng = seed_everything(seed)
    train = load_leads(ludb_dir, train_ids or split["train"])
    val = load_leads(ludb_dir, validation_ids or split["validation"])
    groups = record_rows(train)
    model = LeadSetUNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=1e-4)
    steps_per_epoch = max(1, len(groups) // RECORDS_PER_BATCH)
    total_steps = epochs * steps_per_epoch if max_steps is None else max_steps
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, LEARNING_RATE, total_steps=total_steps
    )
    best = (float("inf"), 0, {k: v.clone() for k, v in model.state_dict().items()})
    step = 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(len(groups))
        for i in range(steps_per_epoch):
            if step >= total_steps:
                break
            batch = order[i * RECORDS_PER_BATCH : (i + 1) * RECORDS_PER_BATCH]
            x, target, weight = augment_batch(train, [groups[j] for j in batch], rng)
            loss = masked_loss(model(x), target, weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
        val_loss = validation_loss(model, val)
        log.info("epoch %d  train loss %.4f  validation loss %.4f", epoch, loss.item(), val_loss)
        if val_loss < best[0]:
            best = (val_loss, epoch, {k: v.clone() for k, v in model.state_dict().items()})
        if step >= total_steps:
            break
    model.load_state_dict(best[2])
    model.eval()
    return TrainingResult(model, best[1], best[0], epochs, seed, time.perf_counter() - started)
