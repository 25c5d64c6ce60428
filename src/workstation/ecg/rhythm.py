"""Rhythm analysis of an ECG of any length, window by window, in bounded memory.

The recording is read in chunks of five minutes (plus 10 s of context either side), so a
24-hour Holter costs the memory of five minutes of signal: only beats, window labels and
quality indices are kept. In every ~10 s window each lead is scored for quality
(``ecg.quality``); the best usable lead gives the beats and the rhythm evidence
(``ecg.rhythm_features``). Windows then become statements: atrial fibrillation episodes with
start and end, sinus rhythm and its rate, premature atrial and ventricular complexes, pauses.
Every index is a sample at the recording's own rate.

Thresholds
- COSEn > -1.4: irregular (Lake & Moorman 2011, published).
- P-window coherence limit: chosen on the development half of the CPSC 2021 sample
  (patients 21, 84, 92; committed in benchmarks/ecg_rhythm.py), never on the held-out half
  reported in benchmarks/RESULTS.md.
- Atrial activity: more residual in the P windows than a P window holding a sinus P wave
  typically has (the median over LUDB's development-split sinus records, 0.010-0.012 of
  the R amplitude). The first limit, 0.02 from the CPSC 2021 development half, kept no
  non-AF window of either development set from being called AF (none is irregular without
  P waves) but missed AF with fine f waves: 2 of LUDB's 9 development AF records.
- Irregular: COSEn above its limit *and* a normalised RMSSD of at least 0.1 once ectopic
  beats are taken out (Dash et al. 2009; ``rhythm_features.ectopy_free``), so that sinus
  rhythm with frequent premature beats or sinus arrhythmia is not irregular enough for AF;
  and not repeating 2, 3 or 4 beats apart (``rhythm_features.pattern_irregularity``: the
  lag-k differences under the same limit and at most half the beat-to-beat ones): grouped
  beating repeats its RR pattern, AF does not.
- All measured on RR intervals the two detectors agree on (``quality.agreed_intervals``):
  an interval whose beats the checking detector did not find (unless another usable lead
  did), or that holds a beat only it found, is a gap. Noise that passed the quality gate
  adds or hides a "beat" here and there, and every such beat made two false irregular
  intervals: on noisy 30 s single-lead pieces of the development records (benchmark
  section 7, when this was introduced), AF statements on non-AF pieces fell from 4 to 1 of
  114 at 0 dB and from 8 to 4 at -6 dB, for 1 and 2 of 68 AF pieces no longer called AF at
  6 and -6 dB. Other leads confirm because the checking detector misses short-coupled
  beats of fast AF (LUDB 109 lost its AF statement without them).
- P waves per QRS from the multi-lead delineator (``with_delineated_p``), where it ran (three
  usable leads or more), are shown with the evidence and can take a sinus label away, never
  give one: a window the coherence calls sinus is "not sinus" when the delineator found a P
  wave before fewer than half its QRS complexes (P_PER_QRS_SINUS_MIN; outside AF episodes,
  with the leads either way up: ``analysis.delineated_p_shares``). What repeats in the P
  window is then not a P wave the delineator recognises in the leads together: flutter
  waves locked to the conducted QRS (LUDB development records 35 and 103, atrial flutter,
  coherence 0.57 and 0.63, read "sinus"), or a paced rhythm in complete AV block with no P
  wave marked by the cardiologists (90). The sinus-labelled development records with P
  waves marked had the delineator's P before at least 0.56 of their QRS complexes. The
  measured stretch is delineated anyway, and up to ``analysis.DELINEATE_ALL_MAX_WINDOWS``
  other sinus windows (all of a record up to about five minutes, an even spread over a
  longer one), so that each keeps or loses "sinus" on its own evidence, and beyond that
  sample the sinus and not-sinus windows holding a premature atrial complex (up to
  ``analysis.DELINEATE_PAC_MAX_WINDOWS``, beyond which those checked speak for the rest),
  so that none is counted against its window's P waves; the other windows of a longer
  record keep the scan's label and count towards the sinus statement in the share of the
  sample the delineator confirmed (``RhythmAnalysis.p_sample``,
  ``interpretation.rhythm_statements``). Tried as the AF criterion as well (fewer than
  half: AF on irregular RR unless most of the P window repeats, coherence 0.5), it changed
  no AF decision on LUDB's development or test split and made one test AF record "sinus
  rhythm" (93): not kept (issue #15, benchmarks/RESULTS.md).
- Paced: pacemaker spikes before at least half the window's beats (``ecg.pacing``); such a
  window is labelled paced and judged neither sinus nor AF, and its beats are not counted
  as premature complexes: beside paced beats, conducted beats are early and differ in shape
  without being ectopic (LUDB 95, AF with ventricular pacing, had two "PACs").
- Premature: RR below 80 % of the local median RR (the usual Holter prematurity criterion);
  ventricular when the QRS also differs in shape from the window's median QRS (correlation
  below 0.7), atrial when it repeats it (0.9 or more). A premature complex is counted only
  when the second, independent detector found the beat too and, where other leads are
  usable, at least one of them shows it; its prematurity is measured from the previous beat
  so confirmed. A noise "spike" in one lead is then neither an ectopic itself nor makes the
  true beat after it look premature.
- Pause: RR above 2.0 s (ACC/AHA Holter reporting), with the other leads that beat on
  through it (``ecg.pause_leads``): a lead that came off reads as a pause, which is named,
  never taken back.
- AF episode: at least two AF windows (about 20 s), shorter than the 30 s of the ESC 2020
  definition of clinical AF so that paroxysms like those annotated in CPSC 2021 are shown;
  the episode list gives every duration, so the reader can apply the 30 s criterion.
- Episode edges: at the beat where the RR intervals turn irregular (``_edge_beat``), searched
  from the middle of the window beside the edge, when that one was judged another rhythm,
  to the middle of the edge AF window; on the development half of CPSC 2021 the AF duration
  stated matched the annotations better (Se 96.5 -> 97.5 %, PPV 98.3 -> 99.1 %, burden
  error 3.7 -> 1.9 points) with the same episodes (benchmarks/RESULTS.md, #15).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from workstation.ecg.pacing import PACED_SHARE
from workstation.ecg.pause_leads import LeadBeats, beats_on_through, usual_intervals
from workstation.ecg.qrs import PAUSE_S, REFRACTORY_S, SETTLE_S, detect_both, detection_signal
from workstation.ecg.quality import (
    LeadWindowQuality,
    QualityMap,
    beat_noise,
    confirmed,
    interpretable,
    lead_window_quality,
    rejudged_at_beats,
    window_edges,
)
from workstation.ecg.quiet_stretches import QuietStretch, chunk_quiet, unexplained_stretches
from workstation.ecg.rhythm_features import (
    NRMSSD_AF,
    PREMATURE_FRACTION,
    WindowEvidence,
    morphology_correlation,
    window_evidence,
)

#: Reads leads × samples (millivolts) for the sample range [start, stop).
SignalSource = Callable[[int, int], np.ndarray]

CHUNK_WINDOWS = 30
PAD_S = 10.0
CONTEXT_S = 5.0
COSEN_AF = -1.4  # [Lake & Moorman 2011]
P_COHERENCE_MIN = 0.25  # dev split of CPSC 2021
ATRIAL_ACTIVITY_MIN = 0.01  # median P-window residual of sinus rhythm, LUDB development split
MIN_RR_TO_CLASSIFY = 6
#: A sinus label needs the delineator's P wave before at least this share of the QRS complexes,
#: where it ran (module docstring).
P_PER_QRS_SINUS_MIN = 0.5
#: A window's rhythm is not read from a lead whose beat noise exceeds this while a cleaner
#: usable lead exists: above the 99th percentile of the leads the gate accepts on LUDB
#: development (0.116) and above every clean CPSC 2021 development AF window (max 0.142).
RHYTHM_LEAD_NOISE_MAX = 0.15
PVC_CORRELATION_MAX = 0.7
PAC_CORRELATION_MIN = 0.9  # a normally conducted QRS repeats the dominant one (tSQI rescue level)
MIN_EPISODE_WINDOWS = 2  # about 20 s
BRIDGE_S = 60.0  # unusable stretches up to this long inside an AF episode do not split it
MIN_RR_PER_MINUTE = 10
#: The label of every window of a record not interpretable (``RhythmAnalysis.withheld``).
WITHHELD = "withheld"
#: At an AF episode's edge each RR interval votes irregular when it is further than this share
#: from the median of its neighbours (EDGE_NEIGHBOURS either side). Independent intervals at
#: the AF limit (normalised RMSSD 0.1: an SD of 7 % of the mean) are further off than 4 % more
#: often than not, typical AF's (normalised RMSSD 0.2-0.3) four times in five; sinus rhythm's
#: (about 0.02 in the development records' sinus windows, an SD near 1.5 %) rarely.
EDGE_STEP = 0.04
EDGE_NEIGHBOURS = 3

NORMAL, PAC, PVC = 0, 1, 2


@dataclass(frozen=True)
class WindowRhythm:
    """One window's rhythm label ('af', 'sinus', 'not_sinus', 'paced', 'indeterminate',
    'unusable', or WITHHELD in a record not interpretable)."""

    label: str
    lead: str | None
    evidence: WindowEvidence | None


@dataclass(frozen=True)
class Episode:
    """An AF episode: first and last beat as samples and as seconds from the start."""

    start: int
    end: int
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Pause:
    """An RR interval over PAUSE_S; ``not_seen_in`` names the leads whose own beats go on
    through it (``ecg.pause_leads``): a lead come off can read as a pause."""

    start: int
    end: int
    duration_s: float
    not_seen_in: tuple[str, ...] = ()


@dataclass
class RhythmSummary:
    """The Holter summary: trend, AF burden and episodes, ectopy, pauses, extreme rates.

    The burden and the counts are None (null in the JSON) when the record's findings were
    withheld (``RhythmAnalysis.withheld``): a zero there would read as "looked, found none"
    to a program that reads the JSON without checking ``findings_withheld``."""

    analysed_s: float
    excluded_s: float
    hr_trend_bpm: list[float | None]  # per minute from the start; None where not analysed
    af_burden_pct: float | None
    af_episodes: int | None
    pac_count: int | None
    pvc_count: int | None
    longest_pause_s: float | None
    fastest_bpm: float | None
    fastest_minute: int | None
    slowest_bpm: float | None
    slowest_minute: int | None


@dataclass
class RhythmAnalysis:
    """Everything the rhythm analysis found; indices are samples at ``fs``."""

    fs: float
    quality: QualityMap
    windows: list[WindowRhythm]
    beats: np.ndarray
    beat_kinds: np.ndarray
    valid_rr: np.ndarray  # True where the RR before the beat is measured on usable signal
    episodes: list[Episode]
    pauses: list[Pause]
    #: Stretches of PAUSE_S or more with no QRS complex in any lead that no stated pause
    #: covers (``ecg.quiet_stretches``): an arrest the pause detector did not measure.
    quiet_stretches: list[QuietStretch] = field(default_factory=list)
    #: The windows delineated as the record's sample (``analysis.delineated_p_shares``): the
    #: measured stretch and an even spread of the sinus windows, which stand for the windows
    #: not delineated in the sinus statement; windows delineated only because they hold a
    #: premature atrial complex are not part of it.
    p_sample: frozenset[int] = frozenset()
    #: True when the record is not interpretable and its findings were taken out
    #: (``withheld``): a reader shows "not interpretable", not zero counts.
    findings_withheld: bool = False
    summary: RhythmSummary = field(init=False)

    def __post_init__(self) -> None:
        self.summary = summarize(self)

    def withheld(self) -> RhythmAnalysis:
        """This scan without its findings, kept for its quality map. A record too little of
        which is usable is "not interpretable", and the episodes, pauses, premature
        complexes, rates and stretches without a QRS (the quiet stretches of noise alone:
        7 of 50 noise-only 10 s records had one) of the little that passed the gate must
        not show beside that statement: a 60 s two-lead record of noise alone read
        "premature ventricular 8", a 2.38 s pause and 92 bpm on its report's summary
        page."""
        return replace(
            self,
            windows=[WindowRhythm(WITHHELD, None, None) for _ in self.windows],
            beats=np.zeros(0, dtype=np.int64),
            beat_kinds=np.zeros(0, dtype=np.int8),
            valid_rr=np.zeros(0, dtype=bool),
            episodes=[],
            pauses=[],
            quiet_stretches=[],
            findings_withheld=True,
        )

    @property
    def rr_s(self) -> np.ndarray:
        """RR interval before each beat in seconds (NaN where not valid)."""
        rr = np.diff(self.beats, prepend=self.beats[:1]) / self.fs
        return np.where(self.valid_rr, rr, np.nan)

    def to_json(self) -> dict[str, Any]:
        return {
            "sample_rate_hz": self.fs,
            "beats": self.beats.tolist(),
            "premature_atrial": self.beats[self.beat_kinds == PAC].tolist(),
            "premature_ventricular": self.beats[self.beat_kinds == PVC].tolist(),
            "af_episodes": [asdict(e) for e in self.episodes],
            "pauses": [asdict(p) | {"not_seen_in": list(p.not_seen_in)} for p in self.pauses],
            "quiet_stretches": [asdict(q) for q in self.quiet_stretches],
            "windows": {
                "edges": self.quality.edges.tolist(),
                "label": [w.label for w in self.windows],
                "lead": [w.lead for w in self.windows],
                "evidence": [asdict(w.evidence) if w.evidence else None for w in self.windows],
            },
            "summary": asdict(self.summary),
            "findings_withheld": self.findings_withheld,
        }


def _classify(ev: WindowEvidence) -> str:
    if ev.paced_share is not None and ev.paced_share >= PACED_SHARE:
        return "paced"
    if ev.n_rr < MIN_RR_TO_CLASSIFY or ev.p_coherence is None:
        return "indeterminate"
    if ev.p_coherence >= P_COHERENCE_MIN:
        return "sinus"
    if ev.cosen is None:
        return "indeterminate"
    activity = ev.atrial_activity if ev.atrial_activity is not None else 0.0
    remaining = ev.nrmssd_ectopy_free if ev.nrmssd_ectopy_free is not None else 0.0
    irregular = ev.cosen > COSEN_AF and remaining >= NRMSSD_AF and not ev.patterned
    return "af" if irregular and activity >= ATRIAL_ACTIVITY_MIN else "not_sinus"


def _beat_kinds(
    shapes: np.ndarray, ctx: np.ndarray, checked: np.ndarray, fs: float, af: bool, alone: bool
) -> np.ndarray:
    """Normal, PAC or PVC for each context beat from prematurity and QRS shape.

    ``shapes`` holds each beat's QRS correlation with the median QRS in the window's lead
    (first row) and in the other usable leads (only the first row when no beat differs in
    shape there); ``alone`` says there is no other usable lead.

    - Only confirmed beats (``checked``: the checking detector and another usable lead
      found them too) can be ectopic, and the coupling interval is measured from the
      previous confirmed beat: a noise "beat" is neither an ectopic itself nor makes the
      true beat after it look premature.
    - With no other lead to confirm it, a premature beat must also be followed by an
      interval that is not premature (a pause, or the sinus interval): a "beat" inserted
      by noise splits one sinus interval into two short ones. Only the last beat of an
      ectopic run is then counted.
    - A ventricular ectopic changes the QRS in every lead, noise only in the lead it
      disturbs: a PVC differs in shape in the window's lead and in at least half of the
      other usable leads.
    - A PAC is conducted normally, so its QRS repeats the dominant one closely
      (PAC_CORRELATION_MIN); a premature beat between the two limits is not counted."""
    kinds = np.full(ctx.size, NORMAL, dtype=np.int8)
    sure = np.flatnonzero(checked)
    if sure.size < 4:
        return kinds
    rr = np.diff(ctx[sure]) / fs
    reference = float(np.median(rr))
    premature = np.concatenate([[False], rr < PREMATURE_FRACTION * reference])
    if alone:
        premature &= ~np.concatenate([premature[1:], [False]])
    odd = shapes[:, sure] < PVC_CORRELATION_MAX
    odd_shape = odd[0] & (np.mean(odd[1:], axis=0) >= 0.5 if len(odd) > 1 else True)
    normal_shape = shapes[0, sure] >= PAC_CORRELATION_MIN
    if af:
        kinds[sure[odd_shape]] = PVC
    else:
        kinds[sure[premature & normal_shape]] = PAC
        kinds[sure[premature & odd_shape]] = PVC
    return kinds


def _window_beat_kinds(
    x: np.ndarray,
    ctx: np.ndarray,
    checking: np.ndarray,
    elsewhere: np.ndarray | None,
    others: list[np.ndarray],
    fs: float,
    label: str,
) -> np.ndarray:
    """Normal, PAC or PVC for each context beat of a window labelled ``label`` (``x``, the
    window's lead in the detection band; ``checking``, its second detector's beats;
    ``elsewhere``, which beats another usable lead found). In a paced window none is
    ectopic: beside paced beats, conducted beats are early and differ in shape without
    being ectopic, so their shapes are not even compared."""
    if label == "paced":
        return np.full(ctx.size, NORMAL, dtype=np.int8)
    checked = confirmed(ctx, checking, fs)
    if elsewhere is not None:
        checked &= elsewhere
    shapes = [morphology_correlation(x, ctx, fs)]
    if others and np.any((shapes[0] < PVC_CORRELATION_MAX) & checked):
        shapes += [morphology_correlation(y, ctx, fs) for y in others]
    return _beat_kinds(np.stack(shapes), ctx, checked, fs, label == "af", not others)


def _at_agreed_beats(
    q: LeadWindowQuality, x: np.ndarray, beats: np.ndarray, fs: float
) -> LeadWindowQuality:
    """A lead left out because its detectors disagree, judged at ``beats`` (another lead's,
    found by both its detectors) for the measurements; see ``quality.rejudged_at_beats``."""
    if not q.detectors_disagree:
        return q
    noise = beat_noise(x, beats, fs)
    shape = float(np.median(morphology_correlation(x, beats, fs))) if noise is not None else None
    return rejudged_at_beats(q, shape, noise)


def _both_found(p: np.ndarray, q: np.ndarray, span: tuple[int, int], fs: float) -> np.ndarray:
    """The primary detector's beats ``p`` in ``span`` that the checking detector (``q``)
    found too."""
    here = p[(p >= span[0]) & (p < span[1])]
    return here[confirmed(here, q, fs)]


def _agreed_beats(
    filtered: np.ndarray,
    primary: list[np.ndarray],
    secondary: list[np.ndarray],
    span: tuple[int, int],
    offset: int,
    fs: float,
) -> list[LeadBeats]:
    """Each lead's beats in ``span`` that both its detectors found (moved by ``offset`` to
    the recording's samples), with their QRS correlation with the lead's median QRS over
    the span (a chunk): what ``ecg.pause_leads`` compares a pause with."""
    out = []
    for x, p, q in zip(filtered, primary, secondary, strict=True):
        here = _both_found(p, q, span, fs)
        out.append(LeadBeats(here + offset, morphology_correlation(x, here, fs)))
    return out


def _rhythm_lead(
    row: list[LeadWindowQuality],
    usable: list[int],
    detected: tuple[list[np.ndarray], list[np.ndarray]],
    filtered: np.ndarray,
    span: tuple[int, int],
    fs: float,
) -> int:
    """The usable lead a window's rhythm is read from: the best detector agreement, then the
    peakiest trace, passing over a lead whose beats are mostly noise (beat noise above
    RHYTHM_LEAD_NOISE_MAX at the beats both its detectors found in ``span``) while a usable
    lead below the limit exists. Noise spikes raise kurtosis: real noise at -6 dB in aVR of
    a 15-lead PTB record won the tie among leads at bSQI 1 and had AF stated from it."""
    primary, secondary = detected
    ranked = sorted(usable, key=lambda j: (row[j].bsqi, row[j].ksqi, j), reverse=True)
    if len(ranked) == 1:  # nothing to pass over: no beat noise to measure (single leads)
        return ranked[0]
    for j in ranked:
        noise = beat_noise(filtered[j], _both_found(primary[j], secondary[j], span, fs), fs)
        if noise is None or noise <= RHYTHM_LEAD_NOISE_MAX:
            return j
    return ranked[0]


def scan_rhythm(
    source: SignalSource, n_samples: int, fs: float, leads: list[str]
) -> RhythmAnalysis:
    """Quality, beats and window rhythm of a whole recording, five minutes at a time."""
    edges = window_edges(n_samples, fs)
    n_windows = edges.size - 1
    pad, context = int(PAD_S * fs), int(CONTEXT_S * fs)
    quality: list[list] = []
    windows: list[WindowRhythm] = []
    beats: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    beat_window: list[np.ndarray] = []
    lead_beats: list[list[LeadBeats]] = [[] for _ in leads]
    quiet: list[tuple[int, int]] = []
    for c0 in range(0, n_windows, CHUNK_WINDOWS):
        c1 = min(c0 + CHUNK_WINDOWS, n_windows)
        a, b = max(int(edges[c0]) - pad, 0), min(int(edges[c1]) + pad, n_samples)
        raw = np.atleast_2d(source(a, b))
        filtered = detection_signal(raw, fs)
        primary, secondary = detect_both(filtered, fs)
        # Beats this close to the recording's ends are not scored for quality: the filters'
        # start-up, the detectors' thresholds settling and a cut QRS make one detector see
        # a "beat" there that the other does not.
        first, last = int(SETTLE_S * fs) - a, n_samples - int(SETTLE_S * fs) - a
        # To the recording's very ends (no settling margin): a lead lost at the end is
        # beaten through to the last beat by the others.
        own = (int(edges[c0]) - a, int(edges[c1]) - a)
        agreed_here = _agreed_beats(filtered, primary, secondary, own, a, fs)
        for k, found in enumerate(agreed_here):
            lead_beats[k].append(found)
        quiet += chunk_quiet(filtered, agreed_here, primary, own, a, fs, PAUSE_S)
        for w in range(c0, c1):
            s, e = int(edges[w]) - a, int(edges[w + 1]) - a
            lo, hi = max(s, first), min(e, last)
            row = []
            for k in range(len(leads)):
                p, q = primary[k], secondary[k]
                here = p[(p >= lo) & (p < hi)]
                shape = morphology_correlation(filtered[k], here, fs)
                row.append(
                    lead_window_quality(
                        raw[k, s:e],
                        filtered[k, s:e],
                        here - s,
                        q[(q >= lo) & (q < hi)] - s,
                        float(np.median(shape)) if shape.size else 0.0,
                        fs,
                    )
                )
            quality.append(row)
            usable = [j for j, r in enumerate(row) if r.usable]
            if not usable:
                windows.append(WindowRhythm("unusable", None, None))
                continue
            k = _rhythm_lead(row, usable, (primary, secondary), filtered, (lo, hi), fs)
            p = primary[k]
            ctx = p[(p >= s - context) & (p < e + context)]
            others = [filtered[j] for j in usable if j != k]
            seen = [confirmed(ctx, primary[j], fs) for j in usable if j != k]
            elsewhere = np.logical_or.reduce(seen) if seen else None
            recorded = [raw[k], *(raw[j] for j in usable if j != k)]
            inside = (ctx >= s) & (ctx < e)
            evidence = window_evidence(
                filtered[k], ctx, fs, others, secondary[k], elsewhere, recorded, inside
            )
            label = _classify(evidence)
            windows.append(WindowRhythm(label, leads[k], evidence))
            beats.append(ctx[inside] + a)
            found = _window_beat_kinds(filtered[k], ctx, secondary[k], elsewhere, others, fs, label)
            kinds.append(found[inside])
            beat_window.append(np.full(int(inside.sum()), w, dtype=np.int64))
            # Only now, with the window's rhythm decided on the leads whose detectors agree,
            # may a lead they disagree on join the measurements (quality module docstring).
            agreed = ctx[inside][confirmed(ctx[inside], secondary[k], fs)]
            quality[-1] = [_at_agreed_beats(r, filtered[j], agreed, fs) for j, r in enumerate(row)]
    qmap = QualityMap(list(leads), fs, edges, quality)
    all_beats = np.concatenate(beats) if beats else np.zeros(0, dtype=np.int64)
    all_kinds = np.concatenate(kinds) if kinds else np.zeros(0, dtype=np.int8)
    all_windows = np.concatenate(beat_window) if beat_window else np.zeros(0, dtype=np.int64)
    keep = np.diff(all_beats, prepend=-(10**12)) > REFRACTORY_S * fs
    all_beats, all_kinds, all_windows = all_beats[keep], all_kinds[keep], all_windows[keep]
    valid = np.diff(all_windows, prepend=-2) <= 1
    episodes = af_episodes(windows, edges, all_beats, valid, fs)
    every_lead = [
        (
            name,
            LeadBeats(
                np.concatenate([b.samples for b in lead_beats[k]]),
                np.concatenate([b.shape for b in lead_beats[k]]),
            ),
        )
        for k, name in enumerate(leads)
    ]
    pauses = find_pauses(all_beats, valid, fs, every_lead)
    covered = [(p.start, p.end) for p in pauses]
    unexplained = unexplained_stretches(quiet, covered, all_beats, n_samples, PAUSE_S, fs)
    return RhythmAnalysis(
        fs, qmap, windows, all_beats, all_kinds, valid, episodes, pauses, unexplained
    )


def with_delineated_p(
    r: RhythmAnalysis,
    shares: dict[int, tuple[float, bool]],
    sample: frozenset[int],
    pacs_dropped: frozenset[int] = frozenset(),
) -> RhythmAnalysis:
    """The rhythm analysis with, for each window in ``shares``, the share of its QRS
    complexes that the multi-lead delineator found a P wave before and whether that share
    was found with the leads inverted (``analysis.delineated_p_shares``), in its evidence.

    A window labelled sinus whose share is under P_PER_QRS_SINUS_MIN becomes 'not_sinus'
    (module docstring), and the beats of every 'not_sinus' window under it are no longer
    premature atrial complexes: without P waves an early beat is not shown to be atrial (in
    atrial flutter it is the conduction ratio changing: LUDB 103 had five "PACs"), as in AF
    windows. Windows not in ``shares`` (not delineated), other labels, episodes and beats
    stay as the scan decided them. ``sample``: the windows of ``shares`` that are the
    record's sample (``RhythmAnalysis.p_sample``); ``pacs_dropped``: windows not delineated
    whose PACs go all the same (``analysis.delineated_p_shares``)."""
    annotated, kinds = list(r.windows), r.beat_kinds.copy()
    without_pacs = set(pacs_dropped)
    for w, (share, inverted) in shares.items():
        old = annotated[w]
        if old.evidence is None:
            continue
        evidence = replace(old.evidence, p_per_qrs=round(share, 3), p_inverted=inverted)
        no_p = share < P_PER_QRS_SINUS_MIN
        label = "not_sinus" if old.label == "sinus" and no_p else old.label
        if no_p and label == "not_sinus":
            without_pacs.add(w)
        annotated[w] = WindowRhythm(label, old.lead, evidence)
    for w in without_pacs:
        first, last = np.searchsorted(r.beats, r.quality.edges[w : w + 2])
        window_kinds = kinds[first:last]
        window_kinds[window_kinds == PAC] = NORMAL
    return replace(r, windows=annotated, beat_kinds=kinds, p_sample=sample)


def af_episodes(
    windows: list[WindowRhythm],
    edges: np.ndarray,
    beats: np.ndarray,
    valid: np.ndarray,
    fs: float,
) -> list[Episode]:
    """Runs of AF windows that hold at least MIN_EPISODE_WINDOWS AF windows (all the
    windows of a record that has fewer), each edge then placed at the beat where the RR
    intervals change between regular and irregular (``_edge_beat``).

    The minimum is a count of windows, not a span between beats: windows are about 10 s
    (``quality.window_edges`` rounds them to fit the record), so the beats of two AF windows
    of 9.8 s span under 20 s, and a 20 s minimum on that span dropped such two-window
    episodes (CPSC 2021 development record 92_4) while keeping others of the same two
    windows. Two runs are one episode when what separates them is a single other window
    (one borderline window does not end AF) or only unusable windows up to BRIDGE_S.
    Whether there is an episode is the windows' decision alone; the edges only move it.
    """
    labels = [w.label for w in windows]
    runs: list[list[int]] = []
    for w, label in enumerate(labels):
        if label != "af":
            continue
        if runs:
            between = labels[runs[-1][1] + 1 : w]
            unusable_only = all(x == "unusable" for x in between)
            gap_s = (edges[w] - edges[runs[-1][1] + 1]) / fs
            if len(between) <= 1 or (unusable_only and gap_s <= BRIDGE_S):
                runs[-1][1] = w
                continue
        runs.append([w, w])
    minimum = min(MIN_EPISODE_WINDOWS, len(windows))
    middle = (edges[:-1] + edges[1:]) // 2
    out = []
    for first, last in runs:
        lo, hi = int(edges[first]), int(edges[last + 1])
        inside = beats[(beats >= lo) & (beats < hi)]
        if inside.size < 2 or labels[first : last + 1].count("af") < minimum:
            continue
        start, end = int(inside[0]), int(inside[-1])
        # An edge moves only beside a window judged another rhythm (at the record's ends or
        # beside unusable signal there is no change of rhythm to place), and by at most half
        # a window either way, from the middle of the window beside it to the middle of the
        # edge AF window: the labels place the change to a window, the beats within it. A
        # wider search let respiratory sinus arrhythmia or frequent premature beats carry an
        # episode through a whole sinus window, and borderline AF shrink a two-window
        # episode to a beat (review of this change, synthetic RR series).
        if first > 0 and labels[first - 1] not in ("af", "unusable"):
            span = (int(middle[first - 1]), int(middle[first]))
            found = _edge_beat(beats, valid, span, int(edges[first]), fs, onset=True)
            start = start if found is None else found
        if last + 1 < len(labels) and labels[last + 1] not in ("af", "unusable"):
            span = (int(middle[last]), int(middle[last + 1]))
            found = _edge_beat(beats, valid, span, int(edges[last + 1]), fs, onset=False)
            end = end if found is None else found
        out.append(Episode(start, end, round(start / fs, 2), round(end / fs, 2)))
    return out


def _edge_beat(
    beats: np.ndarray,
    valid: np.ndarray,
    span: tuple[int, int],
    window_edge: int,
    fs: float,
    onset: bool,
) -> int | None:
    """The beat in ``span`` where AF starts (``onset``) or ends, by a sign CUSUM change point
    on the RR intervals, or None with too few measured intervals to say.

    Each interval votes irregular (+1) when further than EDGE_STEP from the median of its
    neighbours and regular (-1) otherwise; the onset is where the running sum of votes is
    lowest: regular before, irregular after (the end: the same read backwards). Votes, not
    sizes, and a local median, so a premature beat and its compensatory pause weigh two
    votes however premature it was. Where several places are equally low, the one nearest
    ``window_edge`` (where the windows' labels change) is taken: the edge moves only as far
    as the beats say. With RR intervals alone the edge can be a beat or two from where P
    waves give way to f waves."""
    idx = np.flatnonzero((beats >= span[0]) & (beats < span[1]))
    if idx.size < 4:
        return None
    rr = np.where(valid[idx[1:]], np.diff(beats[idx]) / fs, np.nan)
    if np.count_nonzero(np.isfinite(rr)) < 3:
        return None
    local = _running_median(rr, EDGE_NEIGHBOURS)
    off = np.abs(rr - local) / local
    votes = np.where(np.isfinite(off), np.where(off > EDGE_STEP, 1.0, -1.0), 0.0)
    # cusum[k]: votes of the intervals before beat k, read from the outer side of the edge.
    if onset:
        candidates = beats[idx[:-1]]
    else:
        votes, candidates = votes[::-1], beats[idx[1:]][::-1]
    cusum = np.cumsum(np.concatenate([[0.0], votes[:-1]]))
    lowest = np.flatnonzero(cusum == cusum.min())
    return int(candidates[lowest[np.argmin(np.abs(candidates[lowest] - window_edge))]])


def _running_median(x: np.ndarray, half: int) -> np.ndarray:
    """The median of the measured values within ``half`` places either side of each value."""
    padded = np.concatenate([np.full(half, np.nan), x, np.full(half, np.nan)])
    view = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    out = np.full(x.size, np.nan)
    some = np.isfinite(view).any(axis=1)
    out[some] = np.nanmedian(view[some], axis=1)
    return out


def find_pauses(
    beats: np.ndarray, valid: np.ndarray, fs: float, leads: list[tuple[str, LeadBeats]]
) -> list[Pause]:
    """Every measured RR interval over PAUSE_S, with the ``leads`` (name, beats) that beat
    on through it."""
    rr = np.diff(beats, prepend=beats[:1])
    found = np.flatnonzero(valid & (rr > PAUSE_S * fs))
    out = []
    for i in found:
        start, end = int(beats[i - 1]), int(beats[i])
        usual = usual_intervals(rr, valid, int(i))
        beating = tuple(
            name
            for name, lead in leads
            if usual is not None and beats_on_through(lead, start, end, beats, usual, fs)
        )
        out.append(Pause(start, end, round(float(rr[i] / fs), 2), beating))
    return out


def trend_points(
    hr_trend_bpm: list[float | None], duration_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(time s, rate bpm, alone) for each minute of the rate trend, as drawn by the app and
    the report: the time is the middle of the part of the minute that was recorded (the last
    minute is usually short), the rate NaN where none was measured, and ``alone`` marks a
    rated minute without a rated neighbour, which a line through the points does not draw
    (a record under a minute, a minute between stretches not interpreted): draw it as a dot."""
    rate = np.asarray([np.nan if v is None else v for v in hr_trend_bpm], dtype=float)
    starts = np.arange(rate.size) * 60.0
    times = (starts + np.minimum(starts + 60.0, max(duration_s, 0.0))) / 2
    rated = np.isfinite(rate)
    neighbour = np.zeros_like(rated)
    neighbour[1:] |= rated[:-1]
    neighbour[:-1] |= rated[1:]
    return times, rate, rated & ~neighbour


def summarize(r: RhythmAnalysis) -> RhythmSummary:
    """Per-minute rate trend, AF burden, ectopy counts, longest pause, extreme minute rates."""
    q = r.quality
    analysed = q.usable_s
    rr = np.diff(r.beats, prepend=r.beats[:1]) / r.fs
    minutes = int(np.ceil(q.duration_s / 60.0))
    minute = (r.beats / r.fs // 60).astype(np.int64)
    ok = r.valid_rr
    sums = np.bincount(minute[ok], weights=rr[ok], minlength=minutes)[:minutes]
    counts = np.bincount(minute[ok], minlength=minutes)[:minutes]
    trend: list[float | None] = [
        round(60.0 * c / s, 1) if c >= MIN_RR_PER_MINUTE and s > 0 else None
        for s, c in zip(sums, counts, strict=True)
    ]
    rated = [(v, m) for m, v in enumerate(trend) if v is not None]
    af_s = sum(e.duration_s for e in r.episodes)
    found = not r.findings_withheld
    return RhythmSummary(
        round(analysed, 1),
        round(max(q.duration_s - analysed, 0.0), 1),
        trend,
        (round(100.0 * af_s / analysed, 1) if analysed > 0 else 0.0) if found else None,
        len(r.episodes) if found else None,
        int(np.sum(r.beat_kinds == PAC)) if found else None,
        int(np.sum(r.beat_kinds == PVC)) if found else None,
        max((p.duration_s for p in r.pauses), default=None),
        max(rated)[0] if rated else None,
        max(rated)[1] if rated else None,
        min(rated)[0] if rated else None,
        min(rated)[1] if rated else None,
    )


def shown_rhythm(rhythm: dict[str, Any], quality: dict[str, Any] | None) -> dict[str, Any]:
    """The rhythm JSON as a reader may show it: with its findings taken out when the record
    was not interpretable, whether the engine withheld them (``findings_withheld``) or the
    analysis was stored before it did (judged again from the stored quality figures), so
    that no stored report or view shows a count, strip or mark beside "not interpretable"."""
    withheld = rhythm.get("findings_withheld")
    if withheld is None and quality and "usable_s" in quality and "duration_s" in quality:
        withheld = not interpretable(float(quality["usable_s"]), float(quality["duration_s"]))
    if not withheld:
        return rhythm
    summary = dict(rhythm.get("summary") or {})
    minutes = len(summary.get("hr_trend_bpm") or [])
    summary |= {
        "hr_trend_bpm": [None] * minutes,
        "af_burden_pct": None,
        "af_episodes": None,
        "pac_count": None,
        "pvc_count": None,
        "longest_pause_s": None,
        "fastest_bpm": None,
        "fastest_minute": None,
        "slowest_bpm": None,
        "slowest_minute": None,
    }
    empty = {"beats": [], "premature_atrial": [], "premature_ventricular": []}
    empty |= {"af_episodes": [], "pauses": [], "quiet_stretches": []}
    return rhythm | empty | {"summary": summary, "findings_withheld": True}
