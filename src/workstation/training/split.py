"""The fixed LUDB split by record id (one record per patient, so it is a patient split).

The split is committed as JSON so every reported figure refers to the same test records;
``make_split`` documents how it was drawn and reproduces it from the seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SPLIT_PATH = Path(__file__).with_name("splits") / "ludb_split.json"
SEED = 20261122


def make_split(n_records: int = 200, n_test: int = 50, n_val: int = 20, seed: int = SEED) -> dict:
    """Draw train/validation/test record ids with a seeded permutation."""
    ids = np.random.default_rng(seed).permutation(np.arange(1, n_records + 1))
    return {
        "dataset": "LUDB v1.0.1",
        "unit": "record (one per patient)",
        "seed": seed,
        "test": sorted(int(i) for i in ids[:n_test]),
        "validation": sorted(int(i) for i in ids[n_test : n_test + n_val]),
        "train": sorted(int(i) for i in ids[n_test + n_val :]),
    }


def load_split(path: Path = SPLIT_PATH) -> dict:
    """The committed split; its test ids were never used for training or model choice."""
    return json.loads(path.read_text())
