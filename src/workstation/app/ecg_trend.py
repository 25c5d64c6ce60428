"""What the trend overview of a long ECG shows, read from the stored rhythm (no Qt here).

A Holter reader starts from the whole record (rate per minute, AF episodes, stretches not
interpreted, pauses, ectopic beats) and pages to the minutes that matter. This module turns
the stored rhythm into those marks and the list of events, all in seconds from the start
of the recording and worded with the same clock times as the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.app.ecg_result import StoredPause, StoredRhythm
from workstation.ecg.interpretation import clock
from workstation.ecg.pause_leads import COMPARE_LEADS, leads_text, not_seen_text
from workstation.ecg.quiet_stretches import NO_QRS, NO_QRS_CAUSE
from workstation.ecg.rhythm import trend_points

PAGE_S = 60.0  # the trend overview pages the paper one minute at a time

AF = "AF episode"
PAUSE = "Pause"
NOT_INTERPRETED = "Poor signal quality"
NO_QRS_SEEN = "No QRS seen"
MEASURED = "Measured stretch"

__all__ = [
    "AF",
    "MEASURED",
    "NOT_INTERPRETED",
    "NO_QRS_SEEN",
    "PAGE_S",
    "PAUSE",
    "TrendEvent",
    "clock",
    "trend_events",
    "trend_points",
]


@dataclass(frozen=True, slots=True)
class TrendEvent:
    """One row of the event list: what, from when to when (seconds from the start)."""

    kind: str
    start_s: float
    end_s: float
    #: Said beside the kind, and what to do about it (a pause some lead beats on through).
    detail: str = ""
    caution: str = ""

    @property
    def label(self) -> str:
        """The kind as the list shows it: 'Pause (not in lead II)'."""
        return f"{self.kind} ({self.detail})" if self.detail else self.kind

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def duration_text(self) -> str:
        d = self.duration_s
        if d < 10.0:
            return f"{d:.1f} s"
        return f"{d:.0f} s" if d < 120.0 else f"{d / 60.0:.1f} min"


def trend_events(
    rhythm: StoredRhythm, measured: tuple[float, float] | None = None
) -> list[TrendEvent]:
    """AF episodes, pauses, stretches with no QRS in any lead, stretches not interpreted and
    the stretch the intervals and wave masks were measured on, in order of their start: on
    a long record the masks are drawn only there, and the reader pages to it from the list."""
    fs = rhythm.sample_rate_hz
    events = [TrendEvent(AF, a, b) for a, b in rhythm.af_episodes]
    events += [TrendEvent(MEASURED, *measured)] if measured else []
    if fs > 0:
        events += [_pause_event(p, fs) for p in rhythm.pauses]
    caution = f"{NO_QRS}, not measured as a pause: {NO_QRS_CAUSE}"
    events += [TrendEvent(NO_QRS_SEEN, a, b, "any lead", caution) for a, b in rhythm.quiet_s]
    events += [TrendEvent(NOT_INTERPRETED, a, b) for a, b in rhythm.excluded_s]
    return sorted(events, key=lambda e: (e.start_s, e.kind))


def _pause_event(pause: StoredPause, fs: float) -> TrendEvent:
    if not pause.not_seen_in:
        return TrendEvent(PAUSE, pause.start / fs, pause.end / fs)
    caution = f"This pause is {not_seen_text(pause.not_seen_in)}: {COMPARE_LEADS}"
    detail = f"not in {leads_text(pause.not_seen_in)}"
    return TrendEvent(PAUSE, pause.start / fs, pause.end / fs, detail, caution)


def beat_times_s(beats: tuple[int, ...], rhythm: StoredRhythm) -> list[float]:
    """Beat samples (at the rhythm's rate) as seconds from the start."""
    fs = rhythm.sample_rate_hz
    return [b / fs for b in beats] if fs > 0 else []


def page_start(seconds: float, duration_s: float) -> float:
    """The start of the minute holding ``seconds`` (the last minute for times past the end)."""
    last = max(0.0, (int((duration_s - 1e-9) // PAGE_S)) * PAGE_S)
    return min(max(0.0, (seconds // PAGE_S) * PAGE_S), last)
