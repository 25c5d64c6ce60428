"""The ECG analysis pipeline: one function that the CLI, the GUI and reports all call.

recording -> ECG leads -> signal quality and rhythm over the whole recording, window by
window in bounded memory (``ecg.rhythm``) -> if too little is usable, a 'not interpretable:
poor signal quality' statement and nothing else -> otherwise the segmentation model on one
10 s stretch (the whole record when it is that short; else the cleanest window) -> waves,
fused beats, measurements -> with three leads or more, the share of QRS complexes with a
delineated P wave joins that stretch's rhythm evidence (``rhythm.with_delineated_p``) ->
statements -> abnormality score. Unusable leads and windows are reported and left out. Every
index in the result is a sample at ``sample_rate_hz``, the recording's own rate; a recording
with nothing measurable raises NotMeasurable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from workstation.channels import ecg_lead, lead_label
from workstation.ecg.abnormality import abnormality_model, abnormality_score
from workstation.ecg.delineation import MIN_CONSENSUS_LEADS, Beat, fuse_beats, lead_waves
from workstation.ecg.interpretation import Statement, interpret, poor_quality_statement
from workstation.ecg.ischaemia import age_from_metadata, ischaemia_statements
from workstation.ecg.measurements import (
    Measurements,
    empty_measurements,
    measure,
    without_p_waves,
)
from workstation.ecg.preprocess import MODEL_FS, analysis_inputs
from workstation.ecg.qrs import PAUSE_S
from workstation.ecg.quality import QualityMap, commonest_reason
from workstation.ecg.rhythm import (
    P_PER_QRS_SINUS_MIN,
    PAC,
    Episode,
    RhythmAnalysis,
    scan_rhythm,
    with_delineated_p,
)
from workstation.ecg.segmentation import segment_labels, segmentation_model
from workstation.ecg.st_segment import STSegment, measure_st
from workstation.errors import NotMeasurable
from workstation.inference.registry import LoadedModel
from workstation.recording import Recording

MIN_DURATION_S = 4.0
MIN_FS = 100.0
MIN_BEATS = 3
PLAUSIBLE_RATE_BPM = (20, 300)
#: Records up to this long are measured whole (a resting ECG); longer ones on their cleanest
#: quality window. Records with at least RESTING_MIN_LEADS leads up to RESTING_MAX_S are
#: reported as a resting ECG, all others as a rhythm (Holter) recording.
MORPHOLOGY_MAX_S = 12.0
RESTING_MAX_S = 60.0
RESTING_MIN_LEADS = 8


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
    rhythm: RhythmAnalysis | None = None
    #: Samples [start, stop) that waves, beats and measurements come from.
    measured: tuple[int, int] | None = None
    #: 'resting' (up to 60 s with 8 leads or more) or 'rhythm': the report form to use.
    form: str = "resting"
    #: Per-lead J point and ST levels (``ecg.st_segment``); None when nothing was measured.
    st_segment: STSegment | None = None

    @property
    def quality(self) -> QualityMap | None:
        return None if self.rhythm is None else self.rhythm.quality

    @property
    def heart_rate_bpm(self) -> float | None:
        return self.measurements.rhythm.heart_rate_bpm

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; every index (waves, beats, rhythm, quality windows) is a sample
        at ``sample_rate_hz``, the recording's own rate."""
        m = self.measurements
        return {
            "heart_rate_bpm": m.rhythm.heart_rate_bpm,
            "rr": asdict(m.rhythm),
            "pr_ms": m.pr_ms,
            "qrs_ms": m.qrs_ms,
            "qt_ms": m.qt_ms,
            "qtc_bazett_ms": m.qtc_bazett_ms,
            "qtc_fridericia_ms": m.qtc_fridericia_ms,
            "qtc_modified_ms": m.qtc_modified_ms,
            "axis_deg": m.axis_deg,
            "amplitudes_mv": {lead: asdict(a) for lead, a in m.amplitudes.items()},
            "st_segment": None if self.st_segment is None else self.st_segment.to_json(),
            "statements": [asdict(s) for s in self.statements],
            "abnormality": self.abnormality,
            "waves": {
                lead: {w: [list(s) for s in spans] for w, spans in by_wave.items()}
                for lead, by_wave in self.waves.items()
            },
            "sample_rate_hz": self.sample_rate_hz,
            "beats": [asdict(b) for b in self.beats],
            "measured_samples": None if self.measured is None else list(self.measured),
            "form": self.form,
            "rhythm": None if self.rhythm is None else self.rhythm.to_json(),
            "quality": None if self.quality is None else self.quality.to_json(),
            "leads_used": self.leads_used,
            "leads_unusable": self.leads_unusable,
            "warnings": self.warnings,
            "models": self.models,
            "device": self.device,
            "intended_use": "For clinical review, not diagnosis.",
        }


MV_PER_UNIT = {"mv": 1.0, "uv": 1e-3, "µv": 1e-3, "μv": 1e-3, "v": 1e3, "nv": 1e-6}


@dataclass(frozen=True)
class LeadChannels:
    """Which channels are ECG leads, their names and their scale to millivolts."""

    names: list[str]
    indices: list[int]
    scales: np.ndarray
    notes: list[str]

    def read(self, recording: Recording, start: int, stop: int) -> np.ndarray:
        """Leads × samples in millivolts for samples [start, stop): only that stretch is
        copied, so a 24-hour recording is never duplicated whole."""
        block = recording.signals[self.indices, start:stop].astype(np.float64)
        return block * self.scales[:, None]


@dataclass(frozen=True)
class LeadSelection:
    """The channels analysed as ECG leads, their names, and what was noted choosing them."""

    names: list[str]
    signals: np.ndarray  # leads × samples, millivolts
    notes: list[str]


def _distinct(names: list[str]) -> list[str]:
    """Labels each channel can be told by: a blank label, or one a channel before already
    has, gets the channel's number ("x (channel 2)"). Two channels named "x" were one row
    of the report's strips, and "not seen in lead x" named neither."""
    out: list[str] = []
    for i, name in enumerate(names):
        label = name
        if not name.strip():
            label = f"channel {i + 1}"
        elif name in out:
            label = f"{name} (channel {i + 1})"
        out.append(label)
    return out


def lead_channels(recording: Recording) -> LeadChannels:
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
        chosen = list(zip(_distinct(channel_names), range(len(channel_names)), strict=True))
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
                    f"Channel '{name}' records lead {lead_label(lead.lead)} "
                    f"a second time; it was analysed as a lead of its own ('{key}')."
                )
            elif lead.note:
                notes.append(lead.note)
            taken.add(key)
            chosen.append((key, i))
    scale = np.asarray(
        [MV_PER_UNIT.get(recording.units[i].strip().lower(), 1.0) for _, i in chosen]
    )
    return LeadChannels([lead for lead, _ in chosen], [i for _, i in chosen], scale, notes)


def lead_selection(recording: Recording) -> LeadSelection:
    """``lead_channels`` with the whole signal of every lead in millivolts."""
    channels = lead_channels(recording)
    return LeadSelection(
        channels.names, channels.read(recording, 0, recording.n_samples), channels.notes
    )


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


def _rescale(
    spans: list[tuple[int, int]], factor: float, offset: int, n: int
) -> list[tuple[int, int]]:
    """Inclusive spans at the model rate as inclusive samples of the recording."""
    last = offset + n - 1
    return [
        (min(offset + int(round(a * factor)), last), min(offset + int(round(b * factor)), last))
        for a, b in spans
    ]


def _beat_at(beat: Beat, factor: float, offset: int) -> Beat:
    """A beat found at the model rate, as samples of the recording (its rate, its start)."""

    def at(index: int | None) -> int | None:
        return None if index is None else offset + int(round(index * factor))

    return Beat(
        offset + int(round(beat.qrs_on * factor)),
        offset + int(round(beat.qrs_off * factor)),
        at(beat.p_on),
        at(beat.p_off),
        at(beat.t_on),
        at(beat.t_off),
        beat.n_leads,
    )


def morphology_windows(quality: QualityMap, beats: np.ndarray) -> list[int]:
    """The quality windows measured for intervals and morphology: the whole of a short record,
    else the one window with the most usable leads, then without a pause, then with the best
    detector agreement. Leads kept at the other leads' beats count as usable (their low
    agreement lowers the mean): a window measured in more leads is preferred. A window
    without a beat for over PAUSE_S (``beats``: the rhythm's, at the quality map's rate)
    holds too few beats to measure a rate or intervals, and a clean pause makes its
    detectors agree best: where the window of a 9 s sinus arrest was usable, a 30 s record
    was measured on the arrest's two beats, 12.5 bpm, and refused as noise (issue #15)."""
    if quality.duration_s <= MORPHOLOGY_MAX_S:
        return list(range(len(quality.windows)))
    usable = quality.usable
    edges = quality.edges

    def rank(w: int) -> tuple[int, bool, float]:
        agreement = [q.bsqi for q in quality.windows[w] if q.usable]
        inside = beats[(beats >= edges[w]) & (beats < edges[w + 1])]
        gaps = np.diff(np.concatenate([[edges[w]], inside, [edges[w + 1]]]))
        steady = bool(gaps.max() <= PAUSE_S * quality.fs)
        return int(usable[w].sum()), steady, float(np.mean(agreement)) if agreement else 0.0

    return [max(range(len(quality.windows)), key=rank)]


def report_form(n_leads: int, duration_s: float) -> str:
    """'resting' for a standard resting ECG, 'rhythm' for long or few-lead recordings."""
    resting = n_leads >= RESTING_MIN_LEADS and duration_s <= RESTING_MAX_S
    return "resting" if resting else "rhythm"


#: The delineator's sample: besides the measured stretch, at most this many windows the
#: scan calls sinus (about 25 ms a window for twelve leads), all of a record up to about
#: five minutes, an even spread over a longer one; the sinus statement rests on it.
DELINEATE_ALL_MAX_WINDOWS = 30
#: Beyond the sample, at most this many windows holding premature atrial complexes are
#: delineated (an hour of windows; 10-20 s for twelve leads), an even spread over them.
DELINEATE_PAC_MAX_WINDOWS = 360
#: Fewer beats outside AF episodes than this in a stretch: its P-wave share is not judged.
MIN_BEATS_FOR_P_SHARE = 4


def _fused_beats(model: LoadedModel, model_x: np.ndarray, leads: list[str]) -> list[Beat]:
    labels = segment_labels(model, model_x)
    return fuse_beats(
        {lead: lead_waves(labels[k], MODEL_FS) for k, lead in enumerate(leads)}, MODEL_FS
    )


def _outside_af(beats: list[Beat], start_s: float, episodes: list[Episode]) -> list[Beat]:
    """The beats (model-rate indices from ``start_s``) outside every AF episode: in AF there
    is no P wave to find, and a sinus window an episode starts in would lose its label."""
    return [
        b
        for b in beats
        if not any(e.start_s <= start_s + b.qrs_on / MODEL_FS <= e.end_s for e in episodes)
    ]


def _p_share(beats: list[Beat]) -> float | None:
    if len(beats) < MIN_BEATS_FOR_P_SHARE:
        return None
    return sum(b.p_on is not None for b in beats) / len(beats)


def delineated_p_share(
    beats: list[Beat],
    model: LoadedModel,
    model_x: np.ndarray,
    leads: list[str],
    outside_af: Callable[[list[Beat]], list[Beat]] | None,
) -> tuple[float, bool] | None:
    """The share of a stretch's QRS complexes the multi-lead delineator found a P wave
    before, and whether it is the share with the leads inverted; None with fewer than
    MIN_BEATS_FOR_P_SHARE beats to judge.

    ``outside_af`` is given where a sinus label is judged: only the beats it keeps (those
    outside AF episodes) count, and below P_PER_QRS_SINUS_MIN the leads are delineated once
    more inverted, that share (over the beats it keeps too) used when it reaches the limit.
    The delineator learnt upright recordings (LUDB); on the test split it found no P wave in
    sinus record 121 with every lead inverted (88 % of the QRS complexes upright), which,
    found there, is why the second pass exists, while the rhythm is meant not to change with
    polarity (``ecg.rhythm_features``). The development split's flutter and no-P records
    give no P wave either way up. A P wave found only inverted is not told apart from an
    ectopic atrial or junctional one (the coherence called those sinus before this check
    too): the sinus statement says so. Only such records pay for the second pass."""
    share = _p_share(outside_af(beats) if outside_af else beats)
    if share is None or share >= P_PER_QRS_SINUS_MIN or outside_af is None:
        return None if share is None else (share, False)
    inverted = _p_share(outside_af(_fused_beats(model, -model_x, leads)))
    if inverted is not None and inverted >= P_PER_QRS_SINUS_MIN:
        return inverted, True
    return share, False


def delineated_p_shares(
    rhythm: RhythmAnalysis,
    measured: list[int],
    beats: tuple[list[Beat], float],
    model: LoadedModel,
    model_x: np.ndarray,
    leads: list[str],
    window_leads: Callable[[int], tuple[np.ndarray, list[str]] | None],
) -> tuple[dict[int, tuple[float, bool]], frozenset[int], frozenset[int]]:
    """Each delineated window's P-wave share and whether it was found inverted
    (``delineated_p_share``), the windows that are the record's sample, and the windows
    past DELINEATE_PAC_MAX_WINDOWS whose PACs go (``_unchecked_pacs_to_drop``).

    The sample is the measured stretch (``beats``, with its start in seconds) and every
    other window the scan calls sinus, up to DELINEATE_ALL_MAX_WINDOWS of them spread
    evenly over the record (``window_leads``: its usable leads at the model rate and their
    names, None with fewer than MIN_CONSENSUS_LEADS), so that each keeps or loses its label
    on its own delineation; the sinus statement rests on the sample. Checking the others
    only when the measured stretch contradicted its label left a flutter stretch "sinus"
    beside a clean sinus one (review). Beyond the sample, the sinus and not-sinus windows
    holding a premature atrial complex are delineated too (up to
    DELINEATE_PAC_MAX_WINDOWS), so that each one counted stands on its own window's P
    waves: a six-minute flutter record counted 30 "PACs" (its conduction ratio changing)
    in the windows the sample skipped. Those windows are not part of the sample, which
    they would bias towards the windows with early beats."""
    episodes = rhythm.episodes

    def outside(start_s: float) -> Callable[[list[Beat]], list[Beat]]:
        return lambda found: _outside_af(found, start_s, episodes)

    judged = any(rhythm.windows[w].label == "sinus" for w in measured)
    share = delineated_p_share(
        beats[0], model, model_x, leads, outside(beats[1]) if judged else None
    )
    shares = dict.fromkeys(measured, share) if share is not None else {}
    others = [
        w for w, win in enumerate(rhythm.windows) if win.label == "sinus" and w not in measured
    ]
    # A longer record: windows spread evenly over it, so that the sinus statement rests on a
    # sample of the whole and not on one window (review: a Holter in flutter read "Sinus
    # rhythm" from 29 windows never delineated beside the one that was).
    sample = _even_spread(others, DELINEATE_ALL_MAX_WINDOWS)
    checked, skipped = _pac_windows(rhythm, set(measured) | set(sample))
    for w in sample + checked:
        found = window_leads(w)
        if found is None:
            continue
        x, names = found
        start_s = float(rhythm.quality.edges[w]) / rhythm.fs
        here = delineated_p_share(_fused_beats(model, x, names), model, x, names, outside(start_s))
        if here is not None:
            shares[w] = here
    sampled = frozenset(shares).intersection(set(measured) | set(sample))
    return shares, sampled, _unchecked_pacs_to_drop(shares, checked, skipped)


def _pac_windows(rhythm: RhythmAnalysis, done: set[int]) -> tuple[list[int], list[int]]:
    """The sinus and not-sinus windows, outside ``done``, holding a beat the scan called a
    premature atrial complex: those to delineate (at most DELINEATE_PAC_MAX_WINDOWS, spread
    evenly) and those left over."""
    at = rhythm.beats[rhythm.beat_kinds == PAC]
    held = {int(w) for w in np.searchsorted(rhythm.quality.edges, at, side="right") - 1}
    windows = [
        w
        for w in sorted(held - done)
        if w < len(rhythm.windows) and rhythm.windows[w].label in ("sinus", "not_sinus")
    ]
    chosen = _even_spread(windows, DELINEATE_PAC_MAX_WINDOWS)
    return chosen, sorted(set(windows) - set(chosen))


def _even_spread(windows: list[int], most: int) -> list[int]:
    """All of ``windows`` (in order) when there are at most ``most``, else ``most`` of them
    spread evenly from the first to the last."""
    if len(windows) <= most:
        return windows
    picks = np.linspace(0, len(windows) - 1, most).round().astype(int)
    return [windows[i] for i in sorted(set(picks.tolist()))]


def _unchecked_pacs_to_drop(
    shares: dict[int, tuple[float, bool]], checked: list[int], skipped: list[int]
) -> frozenset[int]:
    """The windows past the cap whose PACs go, as the checked ones' did: all of them when
    the delineator found P waves before fewer than half the QRS complexes in most of the
    windows it checked for PACs (hours of flutter), none otherwise. Left as they were,
    a day-long flutter record would count thousands of "PACs" again."""
    judged = [shares[w][0] for w in checked if w in shares]
    without = sum(share < P_PER_QRS_SINUS_MIN for share in judged)
    return frozenset(skipped) if skipped and 2 * without > len(judged) else frozenset()


def analyze_ecg(recording: Recording, sex: str | None = None, score: bool = True) -> EcgAnalysis:
    """Quality, rhythm, measurements and statements of an ECG of any length and lead set.

    Raises NotMeasurable when nothing can be measured (too short, gaps, every lead flat);
    returns a result whose only statement is 'not interpretable: poor signal quality' when
    too little of the trace is usable. ``score=False`` skips the abnormality score (used
    when training that score's model).
    """
    check_recording(recording)
    channels = lead_channels(recording)
    names, fs = channels.names, recording.fs
    rhythm = scan_rhythm(
        lambda a, b: channels.read(recording, a, b), recording.n_samples, fs, names
    )
    quality = rhythm.quality
    never = quality.lead_reasons()
    if len(never) == len(names) and all("flat" in why for why in never.values()):
        raise NotMeasurable(
            "Every ECG lead is flat: no electrode seems to be connected.",
            "Check the electrodes and record again.",
        )
    form = report_form(len(names), quality.duration_s)
    notes = list(channels.notes)
    if not quality.interpretable:
        return EcgAnalysis(
            empty_measurements(),
            [poor_quality_statement(quality)],
            {},
            [],
            [],
            never,
            [],
            "",
            fs,
            None,
            notes,
            rhythm.withheld(),
            None,
            form,
        )
    measured = morphology_windows(quality, rhythm.beats)
    start, stop = int(quality.edges[measured[0]]), int(quality.edges[measured[-1] + 1])
    usable_here = quality.usable[measured].any(axis=0)
    usable = [k for k in range(len(names)) if usable_here[k]]
    unusable = {}
    for k in range(len(names)):
        if not usable_here[k]:
            unusable[names[k]] = commonest_reason([quality.windows[w][k].reason for w in measured])
    raw = channels.read(recording, start, stop)[usable]
    model_x, diagnostic = analysis_inputs(raw, fs)
    model = segmentation_model()
    labels = segment_labels(model, model_x)
    waves = {names[i]: lead_waves(labels[k], MODEL_FS) for k, i in enumerate(usable)}
    beats = fuse_beats(waves, MODEL_FS)
    if len(beats) < MIN_BEATS:
        raise NotMeasurable(
            f"Only {len(beats)} heartbeat(s) could be recognised across the leads: the trace is "
            "noise, not ECG, or too disturbed to measure.",
        )
    leads = {names[i]: diagnostic[k] for k, i in enumerate(usable)}
    measurements = measure(beats, leads, MODEL_FS)
    rate = measurements.rhythm.heart_rate_bpm
    if rate is None or not PLAUSIBLE_RATE_BPM[0] <= rate <= PLAUSIBLE_RATE_BPM[1]:
        raise NotMeasurable(
            f"The beats found give a heart rate of {rate} bpm, outside "
            f"{PLAUSIBLE_RATE_BPM[0]}-{PLAUSIBLE_RATE_BPM[1]} bpm: the trace is probably noise.",
        )
    if len(usable) >= MIN_CONSENSUS_LEADS:
        # Only with three leads or more does the delineator agree P waves across leads.
        usable_map = quality.usable

        def window_leads(w: int) -> tuple[np.ndarray, list[str]] | None:
            here = [k for k in range(len(names)) if usable_map[w, k]]
            if len(here) < MIN_CONSENSUS_LEADS:
                return None
            a, b = int(quality.edges[w]), int(quality.edges[w + 1])
            x = analysis_inputs(channels.read(recording, a, b)[here], fs)[0]
            return x, [names[k] for k in here]

        shares, sample, dropped = delineated_p_shares(
            rhythm,
            measured,
            (beats, start / fs),
            model,
            model_x,
            [names[i] for i in usable],
            window_leads,
        )
        rhythm = with_delineated_p(rhythm, shares, sample, dropped)
    windows = [rhythm.windows[w] for w in measured]
    labels = {w.label for w in windows}
    paced = "paced" in labels
    inverted = any(w.evidence is not None and w.evidence.p_inverted for w in windows)
    if labels & {"af", "not_sinus", "paced"} or inverted:
        # P waves found only with the leads inverted are not the upright pass's, which the
        # measurements hold.
        measurements = without_p_waves(measurements)
    sex, calibrated = sex or sex_from_metadata(recording), amplitudes_calibrated(raw)
    statements = interpret(measurements, rhythm, sex, calibrated, paced)
    st = measure_st(measurements, beats, MODEL_FS, leads)
    age = age_from_metadata(recording.metadata)
    statements += ischaemia_statements(
        st, measurements, beats, MODEL_FS, sex, age, calibrated, statements, paced
    )
    factor = fs / MODEL_FS
    models = [model.describe()]
    abnormality = None
    if score:
        scorer = abnormality_model()
        abnormality = abnormality_score(scorer, measurements)
        models.append(scorer.describe())
    return EcgAnalysis(
        measurements,
        statements,
        {
            lead: {w: _rescale(spans, factor, start, stop - start) for w, spans in by.items()}
            for lead, by in waves.items()
        },
        [_beat_at(b, factor, start) for b in beats],
        [names[i] for i in usable],
        unusable,
        models,
        model.provider,
        fs,
        abnormality,
        notes,
        rhythm,
        (start, stop),
        form,
        STSegment(st, calibrated),
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
