"""One EEG analysis, as the CLI prints it and the viewer shows it.

A short composition of the steps: pick the EEG channels, choose the review montage, compute
the quantitative trends over the whole recording, run the seizure-like-activity detector
channel by channel, and explain the windows that scored highest. Every step is timed, so a
slow step on a ward PC shows in the output rather than as a frozen screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workstation.channels import ChannelKind, classify_channel
from workstation.eeg.montages import AVERAGE_REFERENCE, DOUBLE_BANANA, apply_montage
from workstation.eeg.seizure import (
    OnnxSession,
    SeizureTimeline,
    WindowExplanation,
    detect,
    detector_input,
    explain_window,
)
from workstation.eeg.trends import QuantitativeTrends, compute_trends
from workstation.errors import MontageNotApplicable
from workstation.recording import Recording

FLAG_THRESHOLD = 0.5
EXPLAINED_WINDOWS = 3


@dataclass(frozen=True)
class EegAnalysis:
    """Everything one analysis found, with how long each step took."""

    source: str
    eeg_channels: tuple[str, ...]
    other_channels: dict[str, str]
    montage: str
    montage_note: str
    trends: QuantitativeTrends
    timeline: SeizureTimeline | None
    explanations: tuple[WindowExplanation, ...]
    model: dict[str, str]
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: what was used, what was found, how long it took."""
        out: dict[str, Any] = {
            "source": self.source,
            "eeg_channels": list(self.eeg_channels),
            "other_channels": self.other_channels,
            "montage": self.montage,
            "montage_note": self.montage_note,
            "trends": {"epoch_s": self.trends.epoch_s, **self.trends.summary()},
            "model": self.model,
            "timings_s": self.timings_s,
            "disclaimer": "Seizure-like activity in single channels, for clinical review, "
            "not diagnosis.",
        }
        if self.timeline is not None:
            out["detector"] = _timeline_dict(self.timeline, self.explanations)
        return out


def _timeline_dict(
    timeline: SeizureTimeline, explanations: tuple[WindowExplanation, ...]
) -> dict[str, Any]:
    probability = timeline.probability
    assessed = timeline.assessable()
    return {
        "reference": "average",
        "window_s": timeline.window_s,
        "threshold": FLAG_THRESHOLD,
        "max_probability": float(probability[assessed].max()) if assessed.any() else None,
        "flagged_windows": int(timeline.flagged(FLAG_THRESHOLD).size),
        "assessable_windows": int(assessed.sum()),
        "total_windows": int(assessed.size),
        "not_assessable": timeline.not_assessable(),
        "windows": [
            {
                "start_s": float(t),
                "probability": round(float(p), 4),
                "top_channels": [
                    {"channel": c, "probability": round(q, 4)} for c, q in timeline.top_channels(i)
                ],
            }
            for i, (t, p) in enumerate(zip(timeline.times, probability, strict=True))
            if assessed[i]
        ],
        "explanations": [
            {
                "start_s": e.start_s,
                "driving_seconds": [
                    {"channel": c, "segment_start_s": round(s, 2), "probability_drop": round(d, 4)}
                    for c, s, d in e.driving_seconds()
                ],
            }
            for e in explanations
        ],
    }


def review_montage(recording: Recording) -> tuple[Recording, str]:
    """The double banana when every electrode is there, else the average reference, and why."""
    try:
        return apply_montage(recording, DOUBLE_BANANA), "all double-banana electrodes present"
    except MontageNotApplicable as exc:
        note = f"double banana not possible ({', '.join(exc.missing)} missing); average reference"
        return apply_montage(recording, AVERAGE_REFERENCE), note


def analyze_eeg(
    recording: Recording,
    session: OnnxSession | None,
    model: dict[str, str] | None = None,
    epoch_s: float = 10.0,
) -> EegAnalysis:
    """Trends in the review montage and, with a model session, the detector timeline."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    kinds = {name: classify_channel(name) for name in recording.channel_names}
    eeg = tuple(n for n, k in kinds.items() if k == ChannelKind.EEG)
    montaged, note = review_montage(recording)
    timings["montage"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    trends = compute_trends(montaged, epoch_s=epoch_s)
    timings["trends"] = round(time.perf_counter() - started, 3)

    timeline, explanations = None, ()
    if session is not None:
        started = time.perf_counter()
        prepared = detector_input(recording)
        timeline = detect(session, prepared)
        timings["detector"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        scored = np.nan_to_num(timeline.probability, nan=-1.0)
        order = [w for w in np.argsort(scored)[::-1][:EXPLAINED_WINDOWS] if scored[w] >= 0]
        explanations = tuple(explain_window(session, prepared, timeline, int(w)) for w in order)
        timings["explanations"] = round(time.perf_counter() - started, 3)
    return EegAnalysis(
        source=recording.source_name,
        eeg_channels=eeg,
        other_channels={n: str(k) for n, k in kinds.items() if k != ChannelKind.EEG},
        montage=montaged.metadata.get("montage", ""),
        montage_note=note,
        trends=trends,
        timeline=timeline,
        explanations=explanations,
        model=model or {},
        timings_s=timings,
    )
