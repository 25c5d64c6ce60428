"""What the EEG report says, as text and numbers, from the stored "eeg" analysis.

The stored results are ``EegAnalysis.to_dict()`` plus the clinician's annotations; the
detector part lists every window with its probability and top channels, and explanations
(occlusion) for the highest windows. Windows at or above the threshold are grouped into
events: consecutive windows that overlap or touch are one stretch of seizure-like activity,
printed once with its peak window, rather than once per 2 s hop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workstation.eeg.seizure import OCCLUSION_SEGMENT_S
from workstation.recording import Recording

NOT_STORED = "not stored with this analysis"
SHA_PREFIX = 16


@dataclass(frozen=True, slots=True)
class Driving:
    """The occluded segment that mattered most for one channel of an explained window."""

    channel: str
    segment_start_s: float
    probability_drop: float


@dataclass(frozen=True, slots=True)
class DetectorWindow:
    start_s: float
    probability: float
    top_channels: tuple[tuple[str, float], ...]
    driving: tuple[Driving, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """Consecutive windows at or above the threshold, overlapping or touching."""

    windows: tuple[DetectorWindow, ...]
    window_s: float

    @property
    def start_s(self) -> float:
        return self.windows[0].start_s

    @property
    def end_s(self) -> float:
        return self.windows[-1].start_s + self.window_s

    @property
    def peak(self) -> DetectorWindow:
        return max(self.windows, key=lambda w: w.probability)


@dataclass(frozen=True, slots=True)
class AnnotationLine:
    onset_s: float
    duration_s: float | None
    label: str
    author: str
    channel: str | None = None


def detector(results: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return results.get("detector") or None


def detector_windows(results: Mapping[str, Any]) -> list[DetectorWindow]:
    """Every window the detector scored, with the driving seconds where it was explained."""
    det = detector(results)
    if det is None:
        return []
    driving: dict[float, tuple[Driving, ...]] = {
        round(float(e["start_s"]), 3): tuple(
            Driving(str(d["channel"]), float(d["segment_start_s"]), float(d["probability_drop"]))
            for d in e.get("driving_seconds") or []
        )
        for e in det.get("explanations") or []
    }
    return [
        DetectorWindow(
            float(w["start_s"]),
            float(w["probability"]),
            tuple(
                (str(c["channel"]), float(c["probability"])) for c in w.get("top_channels") or []
            ),
            driving.get(round(float(w["start_s"]), 3), ()),
        )
        for w in det.get("windows") or []
    ]


def threshold(results: Mapping[str, Any]) -> float:
    det = detector(results) or {}
    return float(det.get("threshold", 0.5))


def window_seconds(results: Mapping[str, Any]) -> float:
    det = detector(results) or {}
    return float(det.get("window_s", 4.0))


def flagged_windows(results: Mapping[str, Any]) -> list[DetectorWindow]:
    limit = threshold(results)
    return [w for w in detector_windows(results) if w.probability >= limit]


def group_events(windows: Sequence[DetectorWindow], window_s: float) -> list[Event]:
    """Flagged windows in time order, joined while each starts before the previous ends."""
    events: list[list[DetectorWindow]] = []
    for window in sorted(windows, key=lambda w: w.start_s):
        if events and window.start_s <= events[-1][-1].start_s + window_s + 1e-6:
            events[-1].append(window)
        else:
            events.append([window])
    return [Event(tuple(group), window_s) for group in events]


def clock_text(seconds: float, start_time: datetime | None) -> str:
    """Seconds from the start, with the wall-clock time when the file states its start."""
    text = f"{seconds:.1f} s"
    if start_time is not None:
        text += f" ({(start_time + timedelta(seconds=seconds)).strftime('%H:%M:%S')})"
    return text


def duration_text(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{seconds:.1f} s ({whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d})"


def channels_text(channels: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {p:.2f}" for name, p in channels) or "none"


def driving_text(driving: Sequence[Driving]) -> str:
    """'T7-Avg 13.5-14.0 s (drop 0.34)', one per explained channel: the occluded half
    second whose blanking lowered that channel's probability most."""
    return "; ".join(
        f"{d.channel} {d.segment_start_s:.1f}-{d.segment_start_s + OCCLUSION_SEGMENT_S:.1f} s "
        f"(drop {d.probability_drop:.2f})"
        for d in driving
    )


def event_rows(events: Sequence[Event], start_time: datetime | None) -> list[tuple[str, ...]]:
    return [
        (
            str(k),
            f"{clock_text(e.start_s, start_time)} to {clock_text(e.end_s, start_time)}",
            str(len(e.windows)),
            f"{e.peak.probability:.4f} (window from {e.peak.start_s:.1f} s)",
            channels_text(e.peak.top_channels),
            driving_text(e.peak.driving) or "not explained (only the highest windows are)",
        )
        for k, e in enumerate(events, start=1)
    ]


def window_rows(
    windows: Sequence[DetectorWindow], start_time: datetime | None
) -> list[tuple[str, ...]]:
    return [
        (
            clock_text(w.start_s, start_time),
            f"{w.probability:.4f}",
            channels_text(w.top_channels),
            driving_text(w.driving) or "-",
        )
        for w in windows
    ]


def annotations(results: Mapping[str, Any], recording: Recording) -> list[AnnotationLine]:
    """The clinician's annotations stored with the analysis; without that list, the
    recording file's own annotations, attributed to the file."""
    stored = results.get("annotations")
    if stored is None:
        return [
            AnnotationLine(a.onset, a.duration, a.label, "recording file", a.channel)
            for a in recording.annotations
        ]
    return [
        AnnotationLine(
            float(a["onset"]),
            None if a.get("duration") is None else float(a["duration"]),
            str(a.get("label", "")),
            str(a.get("author", "")),
            a.get("channel") or None,
        )
        for a in sorted(stored, key=lambda a: float(a["onset"]))
    ]


def annotation_rows(
    lines: Sequence[AnnotationLine], start_time: datetime | None
) -> list[tuple[str, ...]]:
    return [
        (
            str(k),
            clock_text(a.onset_s, start_time),
            "point event" if not a.duration_s else f"{a.duration_s:.1f} s",
            f"{a.label} ({a.channel})" if a.channel else a.label,
            a.author or "not recorded",
        )
        for k, a in enumerate(lines, start=1)
    ]


def trend_rows(results: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The medians over the recording that ``QuantitativeTrends.summary()`` stored."""
    trends = results.get("trends") or {}

    def number(key: str, fmt: str) -> str:
        value = trends.get(key)
        return NOT_STORED if value is None else fmt.format(float(value))

    return [
        ("Epoch", number("epoch_s", "{:g} s")),
        ("Delta 0.5-4 Hz", number("delta_power_uv2", "{:.1f} µV²")),
        ("Theta 4-8 Hz", number("theta_power_uv2", "{:.1f} µV²")),
        ("Alpha 8-13 Hz", number("alpha_power_uv2", "{:.1f} µV²")),
        ("Beta 13-30 Hz", number("beta_power_uv2", "{:.1f} µV²")),
        ("Alpha/delta ratio", number("alpha_delta_ratio", "{:.2f}")),
        ("Asymmetry", number("asymmetry", "{:+.2f} (left - right) / (left + right) power")),
        (
            "Rhythmicity",
            f"max {number('rhythmicity_max', '{:.2f}')}, "
            f"median {number('rhythmicity_median', '{:.2f}')} (0.05 broadband, 1 one frequency)",
        ),
    ]


def detector_rows(results: Mapping[str, Any], events: Sequence[Event]) -> list[tuple[str, str]]:
    det = detector(results)
    if det is None:
        return [("Detector", "not run for this analysis: no windows were scored")]
    windows = det.get("windows") or []
    rows = [
        ("Windows scored", f"{len(windows)} of {float(det.get('window_s', 4.0)):g} s"),
        ("Threshold", f"{threshold(results):.2f} (probability of seizure-like activity)"),
        ("Over threshold", f"{det.get('flagged_windows', 0)} window(s), {len(events)} event(s)"),
        ("Highest", highest_probability(results)),
        ("Reference", f"{det.get('reference', 'average')} (as the detector was trained)"),
    ]
    rows += [
        ("Not assessable", f"{count} channel window(s): {reason}")
        for reason, count in (det.get("not_assessable") or {}).items()
    ]
    return rows


def highest_probability(results: Mapping[str, Any]) -> str:
    """The highest window probability, or why no window could be scored."""
    highest = (detector(results) or {}).get("max_probability")
    if highest is None:
        return "none: no window held a signal the detector can judge"
    return f"{float(highest):.4f}"


def model_rows(results: Mapping[str, Any], card: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The model the analysis names, and what its card says (or that the card is absent)."""
    model = results.get("model") or {}
    if not model:
        return [("Model", "none: the detector did not run")]
    sha = str(model.get("sha256", ""))
    rows = [
        ("Model", f"{model.get('name', '?')} version {model.get('version', '?')}"),
        ("SHA-256", f"{sha[:SHA_PREFIX]}… (of the file that ran)" if sha else "not recorded"),
        ("Ran on", str(model.get("device", "not recorded"))),
    ]
    if card is None:
        rows.append(("Model card", "not installed on this workstation"))
        return rows
    if card.get("sha256") and card.get("sha256") != sha:
        rows.append(
            (
                "Model card",
                f"describes version {card.get('version', '?')} "
                f"(SHA-256 {str(card.get('sha256'))[:SHA_PREFIX]}…), not the model that ran",
            )
        )
    data = card.get("training_data") or {}
    rows += [
        ("Task", str(card.get("task", ""))),
        ("Intended use", str(card.get("intended_use", ""))),
        (
            "Trained on",
            f"{data.get('name', '?')} ({data.get('license', 'licence not stated')})"
            if isinstance(data, Mapping)
            else str(data),
        ),
    ]
    return rows


def recording_rows(recording: Recording, results: Mapping[str, Any]) -> list[tuple[str, str]]:
    eeg = list(results.get("eeg_channels") or [])
    other = results.get("other_channels") or {}
    other_text = ", ".join(f"{k} ({v})" for k, v in other.items()) or "none"
    return [
        ("Source file", f"{recording.source_name} ({recording.source_format or 'unknown format'})"),
        ("Duration", duration_text(recording.duration)),
        ("Sampling rate", f"{recording.fs:g} Hz"),
        ("EEG channels", f"{len(eeg)}: {', '.join(eeg) or 'none'}"),
        ("Other channels", other_text),
        ("Montage", str(results.get("montage", "not stated"))),
        ("Montage note", str(results.get("montage_note", ""))),
    ]
