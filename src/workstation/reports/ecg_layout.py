"""The standard 12-lead printout: which lead goes where, for how long, and at what scale.

Four columns of 2.5 s (I/II/III, aVR/aVL/aVF, V1-V3, V4-V6) taken from the same 10 s, as
every ECG cart prints them, so a clinician compares leads beat by beat down a column; a 10 s
lead II rhythm strip below. Paper speed and gain are the AHA/IEC standards; traces are the
diagnostic band (0.67-150 Hz, zero-phase) the measurements were made in, at the recording's
own sampling rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.channels import lead_label
from workstation.dsp.filters import bandpass
from workstation.ecg.analysis import select_leads
from workstation.recording import Recording

PAPER_SPEED_MM_PER_S = 25.0
GAIN_MM_PER_MV = 10.0
COLUMN_SECONDS = 2.5
STRIP_SECONDS = 10.0
RHYTHM_LEAD = "ii"
DISPLAY_BAND_HZ = (0.67, 150.0)
GRID_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("i", "avr", "v1", "v4"),
    ("ii", "avl", "v2", "v5"),
    ("iii", "avf", "v3", "v6"),
)


@dataclass(frozen=True, slots=True)
class LeadPanel:
    """One trace on the printout: a lead from ``start_s`` for ``duration_s`` in a row/column."""

    lead: str
    row: int
    column: int
    start_s: float
    duration_s: float

    @property
    def label(self) -> str:
        return lead_label(self.lead)


def standard_panels() -> list[LeadPanel]:
    """The 3 × 4 grid followed by the rhythm strip (row 3)."""
    panels = [
        LeadPanel(lead, row, column, column * COLUMN_SECONDS, COLUMN_SECONDS)
        for row, leads in enumerate(GRID_ROWS)
        for column, lead in enumerate(leads)
    ]
    panels.append(LeadPanel(RHYTHM_LEAD, len(GRID_ROWS), 0, 0.0, STRIP_SECONDS))
    return panels


def display_leads(recording: Recording) -> dict[str, np.ndarray]:
    """Each standard lead in mV, band-passed for printing, keyed by canonical name ('avf')."""
    names, signals = select_leads(recording)
    filtered = bandpass(signals, recording.fs, *DISPLAY_BAND_HZ)
    return {name: filtered[k] for k, name in enumerate(names)}


def panel_samples(lead: np.ndarray, fs: float, panel: LeadPanel) -> np.ndarray:
    """The samples a panel shows (shorter when the recording ends first)."""
    first = int(round(panel.start_s * fs))
    last = int(round((panel.start_s + panel.duration_s) * fs))
    return lead[first:last]
