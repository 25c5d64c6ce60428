"""The ECG analysis pipeline: one function that the CLI, the GUI and reports all call.

recording -> standard leads -> preprocessing (model input and diagnostic band, 500 Hz) ->
segmentation model -> waves per lead -> fused beats -> measurements -> statements ->
abnormality score. Unusable leads are reported and left out; a recording with nothing
measurable raises NotMeasurable with the reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from workstation.channels import ECG_LEAD_LABELS, ecg_lead
from workstation.ecg.abnormality import abnormality_model, abnormality_score
from workstation.ecg.delineation import Beat, fuse_beats, lead_waves
from workstation.ecg.interpretation import Statement, interpret
from workstation.ecg.leads import is_flat
from workstation.ecg.measurements import Measurements, measure
from workstation.ecg.preprocess import MODEL_FS, analysis_inputs
from workstation.ecg.segmentation import segment_labels, segmentation_model
from workstation.errors import NotMeasurable
from workstation.recording import Recording

MIN_DURATION_S = 4.0
MIN_FS = 100.0
MIN_BEATS = 3
PLAUSIBLE_RATE_BPM = (20, 300)


@dataclass
class EcgAnalysis:
    """Everything the analysis found; ``to_json`` is the stable exchange format."""

    measurements: Measurements
    statements: list[Statement]
    waves: dict[str, dict[str, list[tuple[int, int]]]]
    beats: list[Beat]
    leads_used: list[str]
    leads_unusable: dict[str, str]
    models: list[dict[str, str]]
    device: str
    sample_rate_hz: float
    abnormality: dict[str, Any] | None = None
    #: What the reader of the result must know about the leads: modified limb leads,
    #: channels left out of the analysis and why, leads analysed under their own label.
    warnings: list[str] = field(default_factory=list)

    @property
    def heart_rate_bpm(self) -> float | None:
        return self.measurements.rhythm.heart_rate_bpm

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; wave indices are samples at the recording's own rate."""
        m = self.measurements
        return {
            "heart_rate_bpm": m.rhythm.heart_rate_bpm,
            "rr": asdict(m.rhythm),
            "pr_ms": m.pr_ms,
            "qrs_ms": m.qrs_ms,
            "qt_ms": m.qt_ms,
            "qtc_bazett_ms": m.qtc_bazett_ms,
            "qtc_fridericia_ms": m.qtc_fridericia_ms,
            "axis_deg": m.axis_deg,
            "amplitudes_mv": {lead: asdict(a) for lead, a in m.amplitudes.items()},
            "statements": [asdict(s) for s in self.statements],
            "abnormality": self.abnormality,
            "waves": {
                lead: {w: [list(s) for s in spans] for w, spans in by_wave.items()}
                for lead, by_wave in self.waves.items()
            },
            "sample_rate_hz": self.sample_rate_hz,
            "beats": [asdict(b) for b in self.beats],
            "leads_used": self.leads_used,
            "leads_unusable": self.leads_unusable,
            "warnings": self.warnings,
            "models": self.models,
            "device": self.device,
            "intended_use": "For clinical review, not diagnosis.",
        }


MV_PER_UNIT = {"mv": 1.0, "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "v": 1e3, "nv": 1e-6}


@dataclass(frozen=True)
class LeadSelection:
    """The channels analysed as ECG leads, their names, and what was noted choosing them."""

    names: list[str]
    signals: np.ndarray  # leads × samples, millivolts
    notes: list[str]


def lead_selection(recording: Recording) -> LeadSelection:
    """Every channel whose label names an ECG lead, in millivolts, in recording order.

    A standard lead is named canonically ('DII', 'Lead II' -> 'ii'); a modified limb lead
    ('MLII') is named as its limb lead with a note that it is modified; any other ECG lead
    ('ML5', 'CM5', 'V2-V3') keeps its recorded label. A channel that names no ECG lead
    (blood pressure, respiration) is left out with a note saying which and why. When no
    label names an ECG lead, every channel is analysed under its own label, with a note.
    """
    channel_names = list(recording.channel_names)
    leads = [ecg_lead(name) for name in channel_names]
    notes: list[str] = []
    chosen: list[tuple[str, int]] = []
    if all(lead is None for lead in leads):
        chosen = list(zip(channel_names, range(len(channel_names)), strict=True))
        if chosen:
            notes.append(
                "No channel label names an ECG lead; every channel was analysed as an ECG lead "
                f"under its own label ({', '.join(repr(n) for n in channel_names)})."
            )
    else:
        taken: set[str] = set()
        for i, (name, lead) in enumerate(zip(channel_names, leads, strict=True)):
            if lead is None:
                notes.append(
                    f"Channel '{name}' was not analysed: its label does not name an ECG lead."
                )
                continue
            key = lead.lead
            if key in taken:
                key = lead.label if lead.label not in taken else f"{lead.label} (channel {i + 1})"
                notes.append(
                    f"Channel '{name}' records lead {ECG_LEAD_LABELS.get(lead.lead, lead.lead)} "
                    f"a second time; it was analysed as a lead of its own ('{key}')."
                )
            elif lead.note:
                notes.append(lead.note)
            taken.add(key)
            chosen.append((key, i))
    scale = np.asarray(
        [MV_PER_UNIT.get(recording.units[i].strip().lower(), 1.0) for _, i in chosen]
    )
    signals = recording.signals[[i for _, i in chosen]].astype(np.float64) * scale[:, None]
    return LeadSelection([lead for lead, _ in chosen], signals, notes)


def select_leads(recording: Recording) -> tuple[list[str], np.ndarray]:
    """The ECG leads by name and in millivolts (``lead_selection`` without its notes)."""
    selection = lead_selection(recording)
    return selection.names, selection.signals


def check_recording(recording: Recording) -> None:
    """Refuse inputs no measurement could be trusted on, saying why."""
    if recording.fs < MIN_FS:
        raise NotMeasurable(
            f"The ECG is sampled at {recording.fs:g} Hz; at least {MIN_FS:g} Hz is needed to "
            "measure QRS duration.",
            "Export the recording at 250 Hz or more.",
        )
    if recording.duration < MIN_DURATION_S:
        raise NotMeasurable(
            f"The ECG lasts {recording.duration:.1f} s; at least {MIN_DURATION_S:g} s are needed "
            "for a heart rate and median beats.",
            "Use a standard 10 s recording.",
        )
    if not np.all(np.isfinite(recording.signals)):
        raise NotMeasurable(
            "The ECG contains gaps (missing samples).",
            "Choose a stretch without gaps or record again.",
        )


def _rescale(spans: list[tuple[int, int]], factor: float) -> list[tuple[int, int]]:
    return [(int(round(a * factor)), int(round(b * factor))) for a, b in spans]


def analyze_ecg(recording: Recording, sex: str | None = None, score: bool = True) -> EcgAnalysis:
    """Segment, measure and interpret a resting ECG. Raises NotMeasurable when it cannot.

    ``score=False`` skips the abnormality score (used when training that score's model).
    """
    check_recording(recording)
    selection = lead_selection(recording)
    names, raw = selection.names, selection.signals
    model_x, diagnostic = analysis_inputs(raw, recording.fs)
    flat = [is_flat(x) for x in diagnostic]
    unusable = {n: "flat signal (electrode off?)" for n, f in zip(names, flat, strict=True) if f}
    usable = [i for i, f in enumerate(flat) if not f]
    if not usable:
        raise NotMeasurable(
            "Every ECG lead is flat: no electrode seems to be connected.",
            "Check the electrodes and record again.",
        )
    model = segmentation_model()
    labels = segment_labels(model, model_x[usable])
    waves = {names[i]: lead_waves(labels[k], MODEL_FS) for k, i in enumerate(usable)}
    beats = fuse_beats(waves, MODEL_FS)
    if len(beats) < MIN_BEATS:
        raise NotMeasurable(
            f"Only {len(beats)} heartbeat(s) could be recognised across the leads: the trace is "
            "noise, not ECG, or too disturbed to measure.",
        )
    leads = {names[i]: diagnostic[i] for i in usable}
    measurements = measure(beats, leads, MODEL_FS)
    rate = measurements.rhythm.heart_rate_bpm
    if rate is None or not PLAUSIBLE_RATE_BPM[0] <= rate <= PLAUSIBLE_RATE_BPM[1]:
        raise NotMeasurable(
            f"The beats found give a heart rate of {rate} bpm, outside "
            f"{PLAUSIBLE_RATE_BPM[0]}-{PLAUSIBLE_RATE_BPM[1]} bpm: the trace is probably noise.",
        )
    statements = interpret(
        measurements, sex or sex_from_metadata(recording), amplitudes_calibrated(raw[usable])
    )
    factor = recording.fs / MODEL_FS
    models = [model.describe()]
    abnormality = None
    if score:
        scorer = abnormality_model()
        abnormality = abnormality_score(scorer, measurements)
        models.append(scorer.describe())
    return EcgAnalysis(
        measurements,
        statements,
        {lead: {w: _rescale(s, factor) for w, s in by.items()} for lead, by in waves.items()},
        beats,
        [names[i] for i in usable],
        unusable,
        models,
        model.provider,
        recording.fs,
        abnormality,
        list(selection.notes),
    )


def amplitudes_calibrated(raw: np.ndarray) -> bool:
    """False when every lead spans exactly the same range: gains were set per lead to
    normalise amplitudes (LUDB's headers do this), so millivolts are not true millivolts."""
    if raw.shape[0] < 3:
        return True
    spans = np.ptp(raw, axis=1)
    return not np.allclose(spans, spans[0], rtol=1e-3)


def sex_from_metadata(recording: Recording) -> str | None:
    """'M' or 'F' from header comments such as LUDB's '<sex>: F'; None when not stated."""
    text = " ".join(recording.metadata.values()).lower()
    for key in ("<sex>:", "sex:"):
        if key in text:
            value = text.split(key, 1)[1].strip()[:1].upper()
            return value if value in ("M", "F") else None
    return None
