"""Recognising the standard 12 leads among a recording's channel names."""

from __future__ import annotations

import re

import numpy as np

from workstation.recording import STANDARD_ECG_LEADS

STANDARD_LEADS = STANDARD_ECG_LEADS
LIMB_LEADS = STANDARD_LEADS[:6]
PRECORDIAL_LEADS = STANDARD_LEADS[6:]
FLAT_MV = 0.01


def canonical_lead(name: str) -> str | None:
    """'Lead II', 'aVF', 'ECG V1' -> 'ii', 'avf', 'v1'; None for anything else."""
    key = re.sub(r"^(ecg|lead)[\s_-]*", "", name.strip().lower())
    key = key.replace(" ", "")
    return key if key in STANDARD_LEADS else None


def is_flat(lead: np.ndarray) -> bool:
    """A disconnected electrode: under 10 µV of variation after filtering."""
    return float(np.percentile(lead, 99) - np.percentile(lead, 1)) < FLAT_MV
