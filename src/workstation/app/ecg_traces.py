"""The data an ECG sheet draws, prepared in a worker (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workstation.app.ecg_result import StoredEcg
from workstation.ecg.analysis import select_leads
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


def ecg_traces(
    recording: Recording, result: StoredEcg | None, attribution: np.ndarray | None
) -> EcgTraces:
    """The standard leads in millivolts with the analysis' waves and attribution."""
    leads, signals_mv = select_leads(recording)
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
