"""Rhythm evidence in one window of one lead: RR irregularity, P waves, atrial activity, beats.

Atrial fibrillation is stated on three pieces of evidence together (2020 ESC guidelines:
irregularly irregular RR intervals and no distinct repeating P waves), never on RR alone:

- RR irregularity as the coefficient of sample entropy, COSEn (Lake & Moorman, Am J Physiol
  Heart Circ Physiol 2011;300:H319), published threshold -1.4, designed for short series;
- P waves as the coherence of the P window across beats: the signal-averaged P window keeps a
  sinus P wave (every beat has it, at the same place) and averages f waves and noise away.
  The ratio C of the averaged window's energy to the beats' mean energy is 1 for a wave
  repeated exactly and 1/N for incoherent activity over N beats; the share of the P window's
  energy that repeats, (C - 1/N) / (1 - 1/N), is what is reported, so that a 10 s ECG with
  six beats and a 20 s window with twenty are judged on the same scale;
- atrial activity as what remains in the P windows once the average is removed, relative to
  the R amplitude: f waves leave a residual, a flat baseline does not;
- how much irregularity is left once ectopic beats are taken out: the normalised RMSSD
  (RMSSD / mean RR; Dash et al., Ann Biomed Eng 2009;37:1701, AF from 0.1) of the RR
  series without each premature beat's coupling interval and the interval after it
  (ectopic-beat filtering before an irregularity measure, Petrenas, Marozas & Sornmo,
  Comput Biol Med 2015;65:184). Frequent premature beats make sinus rhythm irregular, but
  only through short-long pairs: without them it is regular; AF stays irregular. Being a
  ratio to the mean RR it needs no rate-dependent threshold, and unlike COSEn it is
  defined for the few intervals of a 10 s ECG at a slow rate;
- whether the irregularity repeats: AF is irregularly irregular, its RR intervals nearly
  independent of one another, while grouped beating (Wenckebach periodicity, atrial flutter
  with a repeating conduction ratio, bigeminal or trigeminal grouping whose short interval
  is not premature enough to be taken out) is regularly irregular: each interval repeats the
  one 2, 3 or 4 beats before it. The normalised RMS difference at that lag
  (``pattern_irregularity``) must be under the same AF limit as the RMSSD (lag 1) and at
  most half the beat-to-beat differences, which for independent intervals it equals.
  COSEn alone misses such patterns once their intervals jitter by more than its 30 ms
  tolerance.

All of them use energies, absolute values or intervals, so inverting a lead changes none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workstation.ecg.pacing import paced_share
from workstation.ecg.quality import agreed_intervals

P_WINDOW_S = (-0.30, -0.08)  # relative to the R peak: where a P wave lies for PR 120-220 ms
QRS_WINDOW_S = 0.06
ALIGN_S = 0.06  # the refined peak may sit on R or on S: up to this far from a common point
MIN_RR_FOR_P_S = 0.42  # shorter RR puts the previous T wave in the P window
PREMATURE_FRACTION = 0.8  # RR below 80 % of the median: premature (the Holter criterion)
# P waves are looked for in every beat that is not premature: a premature beat's P wave, if
# it has one, lies in the T wave before it. (Looking only after RR intervals at least as long
# as the median halved the beats of a 10 s ECG and left the coherence too noisy to trust: it
# found 6 of the 9 AF records of LUDB's development split, this rule 7, with no false AF.)
NRMSSD_AF = 0.1  # [Dash 2009] normalised RMSSD of AF
MIN_RR_FOR_NRMSSD = 4
#: Lags at which grouped beating repeats: bigeminal to quadrigeminal grouping, Wenckebach 3:2
#: to 5:4. A lag is judged only when the pattern is seen at least three times (3k differences)
#: and halves the beat-to-beat differences (``pattern_irregularity``).
PATTERN_LAGS = (2, 3, 4)
PATTERN_REPEATS = 3
PATTERN_SHARE = 0.5
COSEN_M = 1
COSEN_R_S = 0.03  # [Lake & Moorman 2011] initial tolerance 30 ms, widened until 5 matches
COSEN_MIN_MATCHES = 5
MIN_RR_FOR_COSEN = 8


@dataclass(frozen=True)
class WindowEvidence:
    """What one window's beats say about the rhythm (None where too few beats to say)."""

    #: RR intervals measured, i.e. both detectors agreed on (``quality.agreed_intervals``).
    n_rr: int
    heart_rate_bpm: float | None
    cosen: float | None
    p_coherence: float | None
    atrial_activity: float | None
    #: Normalised RMSSD of the RR intervals without ectopic beats (``ectopy_free``).
    nrmssd_ectopy_free: float | None = None
    #: Share of QRS complexes with a P wave before them, as the multi-lead delineator
    #: (``ecg.delineation.harmonise_p``) found them; None where it did not look at this window.
    #: Shown to the reader; it can take a sinus label away (``ecg.rhythm.with_delineated_p``).
    p_per_qrs: float | None = None
    #: True where those P waves were found only with the leads inverted
    #: (``ecg.analysis.delineated_p_share``): the P waves drawn and measured are the upright
    #: delineation's, which found fewer.
    p_inverted: bool | None = None
    #: Share of the window's beats a pacemaker spike precedes (``ecg.pacing``); None without
    #: the recorded signal, below 500 Hz or with too few beats.
    paced_share: float | None = None
    #: The lag (beats) at which the RR intervals repeat and their normalised RMS difference
    #: at that lag (``pattern_irregularity``); None where they do not repeat.
    pattern_lag: int | None = None
    nrmssd_pattern: float | None = None

    @property
    def patterned(self) -> bool:
        """The RR intervals repeat every ``pattern_lag`` beats: regularly irregular, not AF."""
        return self.pattern_lag is not None


def _matches(rr: np.ndarray, m: int, r: float) -> int:
    if rr.size <= m:
        return 0
    templates = np.lib.stride_tricks.sliding_window_view(rr, m)[: rr.size - COSEN_M]
    templates = templates[np.all(np.isfinite(templates), axis=1)]
    dist = np.max(np.abs(templates[:, None, :] - templates[None, :, :]), axis=-1)
    return int((np.sum(dist <= r) - templates.shape[0]) // 2)


def cosen(rr_s: np.ndarray) -> float | None:
    """Coefficient of sample entropy of RR intervals in seconds (m = 1); NaN marks an
    interval not measured, which no template spanning it matches."""
    if np.count_nonzero(np.isfinite(rr_s)) < MIN_RR_FOR_COSEN:
        return None
    r = COSEN_R_S
    while r < 1.0:
        a, b = _matches(rr_s, COSEN_M + 1, r), _matches(rr_s, COSEN_M, r)
        if a >= COSEN_MIN_MATCHES and b > 0:
            return float(-np.log(a / b) + np.log(2 * r) - np.log(np.nanmean(rr_s)))
        r += 0.01
    return None


def ectopy_free(rr_s: np.ndarray) -> np.ndarray:
    """The RR intervals without each premature one (below PREMATURE_FRACTION of the median)
    and the interval after it, which holds the compensatory pause (NaN, an interval not
    measured, is kept as a gap)."""
    if np.count_nonzero(np.isfinite(rr_s)) == 0:
        return rr_s
    premature = rr_s < PREMATURE_FRACTION * float(np.nanmedian(rr_s))
    drop = premature.copy()
    drop[1:] |= premature[:-1]
    return rr_s[~drop]


def nrmssd(rr_s: np.ndarray) -> float | None:
    """Root mean square of successive RR differences over the mean RR (rate-free); only
    differences of two measured (finite) intervals count."""
    steps = np.diff(rr_s)
    steps = steps[np.isfinite(steps)]
    if np.count_nonzero(np.isfinite(rr_s)) < MIN_RR_FOR_NRMSSD or steps.size == 0:
        return None
    return float(np.sqrt(np.mean(steps**2)) / np.nanmean(rr_s))


def pattern_irregularity(rr_s: np.ndarray) -> tuple[int, float] | None:
    """(lag, normalised RMS lag-k difference) at the shortest lag in PATTERN_LAGS at which the
    RR intervals repeat, or None: sqrt(mean((RR[i] - RR[i-k])^2)) / mean RR, the RMSSD taken
    k beats apart.

    - Only differences within a stretch without a gap count (RR[i-k] .. RR[i] all measured):
      a missed or extra beat shifts the pattern's phase, and a difference across it compares
      intervals of different phases.
    - A lag needs PATTERN_REPEATS * k such differences.
    - The lag-k differences must be both under the AF limit and at most PATTERN_SHARE of the
      beat-to-beat ones over the same intervals. For independent intervals, as in AF, the two
      are equal in expectation; with the absolute limit alone, the smallest of three noisy
      estimates found a "pattern" in up to a quarter to a half of simulated AF windows of 9-12
      intervals just above the limit (review of this change).
    - The shortest qualifying lag is given: a bigeminal pattern repeats at lags 2 and 4 alike."""
    if np.count_nonzero(np.isfinite(rr_s)) < MIN_RR_FOR_NRMSSD:
        return None
    mean = float(np.nanmean(rr_s))
    steps = np.diff(rr_s)
    beat_to_beat = steps[np.isfinite(steps)]
    if beat_to_beat.size == 0:
        return None
    one = float(np.sqrt(np.mean(beat_to_beat**2)))
    for k in PATTERN_LAGS:
        if rr_s.size <= k:
            break
        whole = np.lib.stride_tricks.sliding_window_view(np.isfinite(rr_s), k + 1).all(axis=1)
        lagged = (rr_s[k:] - rr_s[:-k])[whole]
        if lagged.size < PATTERN_REPEATS * k:
            continue
        value = float(np.sqrt(np.mean(lagged**2)))
        if value / mean < NRMSSD_AF and value <= PATTERN_SHARE * one:
            return k, value / mean
    return None


def _segments(x: np.ndarray, beats: np.ndarray, start: int, stop: int) -> np.ndarray:
    idx = beats[(beats + start >= 0) & (beats + stop <= x.size)]
    if idx.size == 0:
        return np.zeros((0, stop - start))
    return x[idx[:, None] + np.arange(start, stop)[None, :]]


def _detrend(segments: np.ndarray) -> np.ndarray:
    n = segments.shape[1]
    t = np.linspace(-1.0, 1.0, n)
    centred = segments - segments.mean(axis=1, keepdims=True)
    slope = centred @ t / (t @ t)
    return centred - slope[:, None] * t[None, :]


def p_wave_evidence(
    leads: Sequence[np.ndarray], beats: np.ndarray, fs: float
) -> tuple[float | None, float | None]:
    """(P-window coherence, residual atrial activity relative to R) over the given beats,
    pooled over the leads: energies are summed across leads before the ratio is taken, so
    twelve leads give one estimate, not twelve chances for a random one to look coherent.

    Each lead's energies are weighted by the inverse of its residual (what varies from beat
    to beat in its P window), floored at the leads' median residual: a noisy lead weighs
    less, and no lead more than a median one. Pooled by raw energy, real noise at -6 dB in
    V2 alone took a 15-lead record's coherence from 0.96 to 0.18 ("not confirmed as
    sinus"); weighted without the floor, a lead with almost no residual took over however
    small its P wave, and an AF record read as sinus (review)."""
    if beats.size < 2:
        return None, None
    rr_before = np.diff(beats, prepend=beats[0] - int(fs)) / fs
    shortest = max(MIN_RR_FOR_P_S, PREMATURE_FRACTION * float(np.median(rr_before[1:])))
    eligible = beats[rr_before >= shortest]
    start, stop = (int(round(s * fs)) for s in P_WINDOW_S)
    per_lead, r_amp, n = [], [], 0
    for x in leads:
        seg = _segments(x, eligible, start, stop)
        if seg.shape[0] < 4:
            return None, None
        seg = _detrend(seg)
        mean = seg.mean(axis=0)
        n = seg.shape[0]
        per_lead.append(
            (
                float(np.sum(mean**2)),
                float(np.mean(np.sum(seg**2, axis=1))),
                float(np.mean((seg - mean) ** 2)),
            )
        )
        inside = eligible[(eligible >= 0) & (eligible < x.size)]
        r_amp.append(float(np.median(np.abs(x[inside]))))
    if not per_lead:  # no lead with four eligible beats
        return None, None
    spreads = [spread for _, _, spread in per_lead]
    floor = max(float(np.median(spreads)), 1e-12)
    weights = [1.0 / max(spread, floor) for spread in spreads]
    coherent = sum(w * a for w, (a, _, _) in zip(weights, per_lead, strict=True))
    total = sum(w * b for w, (_, b, _) in zip(weights, per_lead, strict=True))
    if total <= 0 or n < 4:
        return None, None
    raw_coherence = coherent / total
    coherence = max(0.0, (raw_coherence - 1.0 / n) / (1.0 - 1.0 / n))
    amplitude = float(np.mean(r_amp))
    activity = np.sqrt(sum(spreads) / len(leads)) / amplitude if amplitude > 0 else None
    return round(coherence, 4), None if activity is None else round(float(activity), 4)


def align_to_template(x: np.ndarray, beats: np.ndarray, fs: float) -> np.ndarray:
    """The beats moved, each by up to ALIGN_S, to where its QRS best matches the median QRS.

    Detectors' peaks are refined to the largest deflection, which lands on the R wave in one
    beat and on an S wave of nearly the same size in the next. Cut from such fiducials, the
    P windows of sinus beats do not line up (a LUDB sinus record's P coherence fell from
    0.81 to 0.25 when the detector switched between R and S), and RR intervals gain up to
    twice the R-S distance of jitter. Aligning every beat to a template (signal-averaging
    practice) gives one fiducial point; two passes let the template settle."""
    half, lag = int(round(QRS_WINDOW_S * fs)), int(round(ALIGN_S * fs))
    inside = (beats - half - lag >= 0) & (beats + half + lag < x.size)
    idx = beats[inside]
    out = beats.copy()
    if idx.size < 3:
        return out
    wide = _segments(x, idx, -half - lag, half + lag + 1)
    windows = np.lib.stride_tricks.sliding_window_view(wide, 2 * half + 1, axis=1)
    windows = windows - windows.mean(axis=2, keepdims=True)
    norms = np.linalg.norm(windows, axis=2) + 1e-12
    rows = np.arange(idx.size)
    shifts = np.full(idx.size, lag)
    for _ in range(2):
        template = np.median(windows[rows, shifts], axis=0)
        shifts = np.argmax(windows @ template / norms, axis=1)
    out[inside] = idx + shifts - lag
    return out


def window_evidence(
    x: np.ndarray,
    beats: np.ndarray,
    fs: float,
    others: Sequence[np.ndarray] = (),
    checking: np.ndarray | None = None,
    seen_elsewhere: np.ndarray | None = None,
    recorded: Sequence[np.ndarray] = (),
    own: np.ndarray | None = None,
) -> WindowEvidence:
    """Evidence from beats (sample indices into ``x``, the detection-band lead); P waves are
    looked for in ``x`` and the ``others`` usable leads together, at the beats aligned to
    their median QRS (``align_to_template``), from which the RR intervals are measured too.

    With ``checking``, the second detector's beats in ``x``, only RR intervals both
    detectors measured alike count (``quality.agreed_intervals``; the others are gaps) and
    P waves are looked for only before beats both found: irregularity is what AF is stated
    on, and one extra or missed "beat" in a noisy stretch that still passed the quality gate
    makes a regular rhythm irregular. A beat the second detector missed still counts when
    ``seen_elsewhere`` (another usable lead's detector found it): the second detector
    misses short-coupled beats of fast AF, which another lead confirms. ``recorded``, the
    usable leads as recorded (the samples of ``x``), is searched for pacemaker spikes before
    the window's own beats (``own``, a mask of ``beats``; all when None), not the context
    beats around it, which belong to the neighbouring windows (``ecg.pacing``)."""
    agreed = (
        agreed_intervals(beats, checking, fs, seen_elsewhere)
        if checking is not None
        else np.ones(max(beats.size - 1, 0), dtype=bool)
    )
    found = np.zeros(beats.size, dtype=bool)  # beats at either end of an agreed interval
    found[:-1] |= agreed
    found[1:] |= agreed
    beats = align_to_template(x, beats, fs)
    rr = np.where(agreed, np.diff(beats) / fs, np.nan)
    measured = int(np.count_nonzero(agreed))
    rate = round(60.0 / float(np.nanmean(rr)), 1) if measured else None
    c = cosen(rr)
    coherence, activity = p_wave_evidence([x, *others], beats[found], fs)
    irregularity = nrmssd(ectopy_free(rr))
    pattern = pattern_irregularity(rr)
    return WindowEvidence(
        measured,
        rate,
        None if c is None else round(c, 3),
        coherence,
        activity,
        None if irregularity is None else round(irregularity, 4),
        paced_share=paced_share(recorded, beats if own is None else beats[own], fs),
        pattern_lag=None if pattern is None else pattern[0],
        nrmssd_pattern=None if pattern is None else round(pattern[1], 4),
    )


def morphology_correlation(x: np.ndarray, beats: np.ndarray, fs: float) -> np.ndarray:
    """Correlation of each beat's QRS with the median QRS of the beats (1 = same shape)."""
    half = int(round(QRS_WINDOW_S * fs))
    inside = (beats - half >= 0) & (beats + half < x.size)
    out = np.ones(beats.size)
    seg = _segments(x, beats[inside], -half, half + 1)
    if seg.shape[0] < 3:
        return out
    seg = seg - seg.mean(axis=1, keepdims=True)
    template = np.median(seg, axis=0)
    norm = np.linalg.norm(seg, axis=1) * np.linalg.norm(template)
    out[inside] = np.where(norm > 0, seg @ template / np.maximum(norm, 1e-12), 0.0)
    return out
