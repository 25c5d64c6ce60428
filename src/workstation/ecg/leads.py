"""Whether an ECG lead carries a signal at all, before anything is measured on it."""

from __future__ import annotations

import numpy as np

FLAT_MV = 0.01


def is_flat(lead: np.ndarray) -> bool:
    """A disconnected electrode: under 10 µV of variation after filtering."""
    return float(np.percentile(lead, 99) - np.percentile(lead, 1)) < FLAT_MV
