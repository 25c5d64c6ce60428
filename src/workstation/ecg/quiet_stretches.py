"""Stretches in which no lead shows a QRS complex: where a sinus arrest hides from the
pause detector.

A pause is measured between two beats the QRS detectors agree on, in windows the quality
gate lets through. A sinus arrest of 7-11 s mostly is not: in the arrest the gradient
detector marks the baseline's ripple as beats, the checking detector does not, and the
window is refused as poor signal quality, so the record read "Sinus rhythm" with that
window "not interpreted" (``benchmarks/ecg_irregular_rhythms.py``, 70 % of made arrests;
every change to the detectors that stated them made false pauses or hid real ones,
benchmarks/RESULTS.md, session 16).

This module does not touch the detectors. It looks at the trace itself: a stretch where
every lead's slope stays under a fifth of that lead's own QRS slope, and its range under a
quarter of its QRS size, holds no QRS complex, whatever the detectors marked in it. P
waves, the ripple of a quiet baseline and most T waves stay under both; muscle noise,
electrode motion and any beat do not, and a beat both detectors found that repeats the
lead's QRS shape ends the stretch however small it is. Such a stretch of PAUSE_S or more
that stated pauses do not cover is reported for a clinician to look at, worded as what it
is: no QRS seen, an arrest or a lost signal.

Conservative by construction: a lead whose detectors agree on too few beats to know its
QRS counts as quiet only where it is nearly flat, and one lead not quiet (noise, or beats)
ends the stretch. Not said on a record that is not interpretable
(``rhythm.RhythmAnalysis.withheld``): noise alone has quiet stretches between its bursts
(7 of 50 noise-only 10 s records).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from workstation.ecg.pause_leads import LeadBeats
from workstation.ecg.rhythm_features import morphology_correlation

#: A sample is quiet in a lead when, within SLOPE_SPAN_S, the lead's largest slope stays
#: under QUIET_SLOPE_SHARE of the median steepest slope of its QRS complexes and, within
#: RANGE_SPAN_S, its range stays under QUIET_RANGE_SHARE of their median peak-to-peak: a
#: slow wide QRS (an idioventricular rhythm at half the usual height, 300 ms wide) is
#: shallow but not small, and read as "no QRS" on slope alone (review, session 19).
QUIET_SLOPE_SHARE = 0.2
QUIET_RANGE_SHARE = 0.25
SLOPE_SPAN_S = 0.05
RANGE_SPAN_S = 0.2
#: A lead whose detectors agree on too few beats to measure its QRS is quiet only where
#: its slope stays under this share of the shallowest judged lead's QRS slope: a flat or
#: constant lead (an electrode off) does not stop the others from saying "no QRS"; a lead
#: with complexes of its own, or noise, does.
UNJUDGED_SLOPE_SHARE = 0.05
QRS_HALF_S = 0.06  # around a beat's sample: its steepest slope and its peak-to-peak
MIN_REFERENCE_BEATS = 3
#: An agreed beat that repeats the lead's own QRS this closely is a QRS however small: a
#: stretch is cut there (every lead shrunk together to a tenth still beats on).
QRS_SHAPE_MIN = 0.8
#: A primary detector's mark that no checking detector confirmed is a shrunken beat when it
#: repeats the lead's QRS more closely still and is as sharp (steepest slope over
#: peak-to-peak, this share of the lead's median), a usual interval (USUAL_WITHIN) from
#: another such mark. Development cases: every lead at a tenth, correlation 0.98-1.00 and
#: sharpness 0.96-1.07; the non-conducted P waves of an AV-block pause, at the sinus rate,
#: 0.82-0.93 and 0.62-0.79 (at 0.8 and 0.6 they passed for beats and hid 17 of 32 pauses).
SMALL_BEAT_SHAPE_MIN = 0.95
SHARPNESS_SHARE = 0.85
USUAL_WITHIN = 0.25
#: The first shrunken beat comes a usual interval (this share of it) after the last agreed
#: one; a non-conducted P wave comes a PR interval (13-25 % of an interval) early.
IN_STEP = 0.1
MAX_STEPS = 3
STEADY_WITHIN = 0.1  # a rhythm whose intervals stray less (median) has a step to keep
EDGE_S = 0.5  # a stretch this near the recording's ends is not bounded by beats
#: What a stretch without a QRS complex may be, and what to do: said by the statement, the
#: app's event list and the report's strip alike.
NO_QRS_CAUSE = (
    "a sinus arrest or asystole, or the signal lost or shrunk: look at the trace there "
    "before acting"
)
NO_QRS = "No QRS complex in any lead"


@dataclass(frozen=True)
class QuietStretch:
    """Samples from the last QRS-sized deflection before to the first after, in every lead."""

    start: int
    end: int
    duration_s: float


def _qrs_measures(
    x: np.ndarray, beats: np.ndarray, fs: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steepest slope (per second) and peak-to-peak within QRS_HALF_S of each of ``beats``
    (samples of ``x``) that has that much trace either side, and which beats those are."""
    half = _span(QRS_HALF_S, fs)
    inside = (beats >= half) & (beats < x.size - half)
    around = x[beats[inside][:, None] + np.arange(-half, half + 1)[None, :]]
    return np.max(np.abs(np.diff(around, axis=1)), axis=1) * fs, np.ptp(around, axis=1), inside


def _qrs_reference(x: np.ndarray, beats: np.ndarray, fs: float) -> tuple[float, float] | None:
    """Median steepest slope and median peak-to-peak of the lead's QRS complexes at
    ``beats`` (samples of ``x``); None with fewer than MIN_REFERENCE_BEATS."""
    steep, size, _ = _qrs_measures(x, beats, fs)
    if steep.size < MIN_REFERENCE_BEATS:
        return None
    slope, height = float(np.median(steep)), float(np.median(size))
    return (slope, height) if slope > 0.0 and height > 0.0 else None


def _span(seconds: float, fs: float) -> int:
    return max(int(round(seconds * fs)), 1)


def chunk_quiet(
    filtered: np.ndarray,
    agreed: list[LeadBeats],
    found: list[np.ndarray],
    span: tuple[int, int],
    offset: int,
    fs: float,
    min_s: float,
) -> list[tuple[int, int]]:
    """The runs (recording samples) in ``span`` (samples of the chunk ``filtered``, the
    detection signal of every lead) where every lead is quiet; ``agreed`` holds each
    lead's beats both its detectors found (recording samples, with their QRS shape
    correlation), ``found`` the primary detector's (chunk samples), of which those that
    repeat the lead's QRS at about its usual interval are beats however small
    (``_small_beats``); of ``min_s`` or more, or reaching the span's ends. Nothing when no
    lead can be judged."""
    references = [
        _qrs_reference(x, b.samples - offset, fs) for x, b in zip(filtered, agreed, strict=True)
    ]
    judged = [r for r in references if r is not None]
    if not judged:
        return []
    shallowest = min(slope for slope, _ in judged)
    half, reach, size = _span(QRS_HALF_S, fs), _span(SLOPE_SPAN_S, fs), _span(RANGE_SPAN_S, fs)
    quiet = np.ones(filtered.shape[1], dtype=bool)
    for x, reference, beats, primary in zip(filtered, references, agreed, found, strict=True):
        steep = maximum_filter1d(np.abs(np.diff(x, append=x[-1:])) * fs, reach)
        if reference is None:
            quiet &= steep < UNJUDGED_SLOPE_SHARE * shallowest
            continue
        spread = maximum_filter1d(x, size) - minimum_filter1d(x, size)
        quiet &= (steep < QUIET_SLOPE_SHARE * reference[0]) & (
            spread < QUIET_RANGE_SHARE * reference[1]
        )
        shaped = beats.samples[beats.shape >= QRS_SHAPE_MIN] - offset
        for b in np.concatenate([shaped, _small_beats(x, primary, beats.samples - offset, fs)]):
            quiet[max(b - half, 0) : b + half + 1] = False
    a, b = span
    edges = np.flatnonzero(np.diff(np.concatenate([[False], quiet[a:b], [False]]).astype(np.int8)))
    runs = edges.reshape(-1, 2)
    # Only runs that can make a stretch: long enough, or running on into the next chunk
    # (a run between every two beats of a 24 h record was 30 MB of tuples).
    keep = (runs[:, 1] - runs[:, 0] >= min_s * fs) | (runs[:, 0] == 0) | (runs[:, 1] == b - a)
    return [(int(s) + a + offset, int(e) + a + offset) for s, e in runs[keep]]


def _sharpness(x: np.ndarray, beats: np.ndarray, fs: float) -> np.ndarray:
    """Each beat's steepest slope over its peak-to-peak within QRS_HALF_S (per second):
    the same for a QRS at any size, far lower for a P wave or the ripple of a baseline."""
    steep, size, inside = _qrs_measures(x, beats, fs)
    out = np.zeros(beats.size)
    out[inside] = np.where(size > 0, steep / np.maximum(size, 1e-12), 0.0)
    return out


def _small_beats(x: np.ndarray, primary: np.ndarray, agreed: np.ndarray, fs: float) -> np.ndarray:
    """The primary detector's marks that no agreed beat explains, repeat the lead's QRS
    shape either way up (SMALL_BEAT_SHAPE_MIN) and its sharpness (SHARPNESS_SHARE), and
    follow one another at about the lead's usual interval (USUAL_WITHIN of the median
    agreed interval), the first of them in step with the agreed beat before (IN_STEP)
    where the rhythm is steady, at least two of them where it is not:
    the beats of every lead shrunk together (a gain step, a common electrode) go on at the
    rhythm, which the checking detector, whose threshold the taller beats before set, no
    longer finds. The ripple of an arrest seldom repeats the QRS shape; the non-conducted P
    waves of an AV-block pause do, narrow ones, but come a PR interval early."""
    if primary.size < 1 or agreed.size < MIN_REFERENCE_BEATS:
        return np.zeros(0, dtype=np.int64)
    usual = float(np.median(np.diff(agreed)))
    half = _span(QRS_HALF_S, fs)
    near_agreed = np.abs(primary[:, None] - agreed[None, :]).min(axis=1) <= half
    shape = np.abs(morphology_correlation(x, primary, fs))
    marks = primary[~near_agreed & (shape >= SMALL_BEAT_SHAPE_MIN)]
    sharp = _sharpness(x, marks, fs) >= SHARPNESS_SHARE * np.median(_sharpness(x, agreed, fs))
    marks = marks[sharp]
    if marks.size == 0 or usual <= 0.0:
        return np.zeros(0, dtype=np.int64)
    linked = np.abs(np.diff(marks) / usual - 1.0) <= USUAL_WITHIN
    chains = np.split(marks, np.flatnonzero(~linked) + 1)
    if np.median(np.abs(np.diff(agreed) / usual - 1.0)) > STEADY_WITHIN:
        # An irregular rhythm (AF) has no step to keep, and no P waves to mistake.
        kept = [c for c in chains if c.size >= 2]
    else:
        kept = [c for c in chains if _in_step(int(c[0]), agreed, usual)]
    return np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)


def _in_step(mark: int, agreed: np.ndarray, usual: float) -> bool:
    """Whether ``mark`` lies one to MAX_STEPS usual intervals (IN_STEP of one) after the
    agreed beat before it: the first shrunken beat may be cut by the change and missed."""
    before = agreed[agreed < mark]
    if before.size == 0:
        return False
    steps = (mark - int(before[-1])) / usual
    return 1 <= round(steps) <= MAX_STEPS and abs(steps - round(steps)) <= IN_STEP


def unexplained_stretches(
    runs: list[tuple[int, int]],
    covered: list[tuple[int, int]],
    beats: np.ndarray,
    n_samples: int,
    min_s: float,
    fs: float,
) -> list[QuietStretch]:
    """The quiet runs (joined where one chunk's run meets the next's, split at every beat
    of the rhythm: a small beat the detectors agree on is a QRS, however flat) of ``min_s``
    or more, bounded on both sides by the trace (not at the recording's ends), of which
    the ``covered`` spans (stated pauses, first beat to last) leave PAUSE_S or more: a
    shorter pause stated inside an arrest (its end a ripple "beat") left a clinician
    reading half the arrest's length (review, session 19)."""
    joined: list[list[int]] = []
    for s, e in sorted(runs):
        if joined and s <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], e)
        else:
            joined.append([s, e])
    split: list[tuple[int, int]] = []
    for s, e in joined:
        inside = beats[(beats > s) & (beats < e)].tolist()
        bounds = [s, *inside, e]
        split += list(zip(bounds[:-1], bounds[1:], strict=True))
    edge = int(EDGE_S * fs)
    out = []
    for s, e in split:
        if e - s < min_s * fs or s <= edge or e >= n_samples - edge:
            continue
        overlap = sum(max(min(e, ce) - max(s, cs), 0) for cs, ce in covered)
        if (e - s) - overlap < min_s * fs:
            continue
        out.append(QuietStretch(s, e, round((e - s) / fs, 2)))
    return out
