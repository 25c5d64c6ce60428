"""The data an ECG sheet draws, prepared in a worker (no Qt here).

The traces are float32 millivolts, filled lead by lead straight from the recording (itself
float32): a 24-hour Holter's traces then take as much memory as its recording, where a
float64 copy of the whole record took twice that again. float32 keeps about 7 significant
digits, far finer than the paper's 0.1 mm (0.01 mV at 10 mm/mV) resolution. The analysis
reads its own float64 copy (``ecg.analysis.lead_selection``); these are for drawing only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workstation.app.ecg_result import StoredEcg
from workstation.ecg.analysis import lead_channels
from workstation.recording import Recording


@dataclass
class EcgTraces:
    """What the paper draws, prepared off the GUI thread (signals in mV at ``fs``)."""

    leads: list[str]
    signals_mv: np.ndarray
    fs: float
    waves: dict[str, dict[str, list[list[int]]]] = field(default_factory=dict)
    attribution: np.ndarray | None = None
    attribution_leads: list[str] = field(default_factory=list)
    attribution_fs: float = 500.0

    @property
    def duration(self) -> float:
        return self.signals_mv.shape[1] / self.fs


def leads_mv(recording: Recording) -> tuple[list[str], np.ndarray]:
    """The ECG leads by name and their signals in millivolts, float32, leads × samples;
    converted one lead at a time so no float64 copy of the whole record is ever made."""
    channels = lead_channels(recording)
    signals = np.empty((len(channels.indices), recording.n_samples), dtype=np.float32)
    for row, (index, scale) in enumerate(zip(channels.indices, channels.scales, strict=True)):
        np.multiply(recording.signals[index], scale, out=signals[row], casting="same_kind")
    return channels.names, signals


def ecg_traces(
    recording: Recording, result: StoredEcg | None, attribution: np.ndarray | None
) -> EcgTraces:
    """The standard leads in millivolts with the analysis' waves and attribution."""
    leads, signals_mv = leads_mv(recording)
    if result is None:
        return EcgTraces(leads, signals_mv, recording.fs)
    return EcgTraces(
        leads,
        signals_mv,
        recording.fs,
        result.waves,
        attribution,
        list(result.attribution_leads),
        result.attribution_fs,
    )
