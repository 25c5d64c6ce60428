"""Two independent QRS detectors on one lead, for beats and for their agreement (bSQI).

The primary detector is NeuroKit2's gradient-based method (Makowski et al. 2021), the second
the stationary-wavelet detector of Kalidas & Tamil (2017): different front ends, so where
they disagree the trace is disturbed rather than both being fooled the same way (Li, Mark &
Clifford 2008). Both work on slope or energy, and each R peak is placed at the largest
absolute deflection, so inverting a lead moves no beat. The gradient method marks each
QRS at its most prominent local *maximum*, so it skipped complexes that are all negative
(ventricular ectopics in many leads: a trigeminy made of MIT-BIH 100's own beats was refused
as "detectors disagree" on every window); it therefore runs on the rectified trace |x|,
which also raised its CPSC 2019 Se/PPV from 93.2/95.8 % to 94.6/96.8 %.

The gradient method's threshold is 1.5 times the slope averaged over the last 0.75 s, with
no floor: in a pause of a second or more, and before a recording's first beat, the average
falls to the baseline's own ripple, which then crosses it. Its detections under a fifth of
the median amplitude of its detections within 5 s (``AMPLITUDE_FLOOR``) are therefore
dropped where no QRS is due (``above_floor``): in the first or last second of the trace
outside its beats, and in a pause (an interval over 2 s and over 1.5 usual intervals) unless
they stand out from the pause's baseline (a small ventricular ectopic in a slow rhythm does;
ripple mostly does not, and where it does the pause goes unstated or its window refused, as
before: a pause missed rather than one made up), have the shape of the QRS complexes
around the pause or come at the rhythm's own interval (beats made small by a loose
electrode do, whatever their new shape). The checking detector's
Pan-Tompkins thresholding has a noise level of its own; the gradient method has none.
Without the floor,
sinus pauses of 2.4-3 s made from development records' own beats were stated in 51 % of
pieces and refused as "QRS detectors disagree" in 13 %
(benchmarks/ecg_irregular_rhythms.py), and ripple marked at a record's ends raised 10 s
rates: LUDB 12 read 60.8 bpm, its annotated beats 52.6. Elsewhere a sub-floor detection
stays, so that noise between beats still shows as the detectors disagreeing: dropped
everywhere, one more noisy development piece was called AF; dropped also in gaps of 1.5
intervals under 2 s, real beats under noise spikes were lost (CPSC 2019 whole-trace Se 94.6
-> 93.6 %) (issue #15, benchmarks/RESULTS.md). In an arrest of about 7 s or more the
detections within 5 s are mostly ripple, whose own median then made it floor-level, and the
arrest was its own usual interval: inside a gap of the checking detector's beats the floor
is set by the R amplitude at its beats on the smaller side of the gap, and the usual
interval is counted over the beats either side. A stretch that is quiet because the signal
shrank rather than stopped (a loose electrode, another recording joined on) is told apart by
the QRS shape or the rhythm of what remains in it, not by its size: dropped as ripple, such
beats made pauses of 5-13 s that both detectors agreed on (issue #15, two reviews). A lead
that falls silent while another lead shows beats is not the one a window's rhythm is read
from (``rhythm._rhythm_lead``).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np

from workstation.dsp.filters import below_nyquist, butterworth, notch_sos, pad_length, zero_phase
from workstation.ecg.rhythm_features import morphology_correlation

DETECTION_BAND_HZ = (0.5, 40.0)
MAINS_HZ = (50.0, 60.0)
MAINS_NOTCH_Q = 30.0  # the measurement chain's notch (``dsp.filters.notch``): 1.7-2 Hz wide
REFINE_S = 0.06  # an R peak lies within 60 ms of where a detector marks the QRS
GAP_S = 1.0
DETECTION_FS = 250.0
SCALE_BLOCK_S = 10.0
REFRACTORY_S = 0.2  # no two QRS complexes closer than this (physiological refractory period)
PRIMARY, SECONDARY = ("neurokit", "kalidas2017")
#: The gradient detector's threshold is a 0.75 s moving average and the wavelet detector's
#: settles over a similar time: in the first and last second of a recording they disagree
#: on clean beats (two of ten beats of clean 10 s LUDB leads, refused as noise).
SETTLE_S = 1.0
#: A pause: an RR interval over this (ACC/AHA Holter reporting); used by ``ecg.rhythm`` for
#: its statements and here for where a QRS is not due.
PAUSE_S = 2.0
#: A gradient-method detection smaller than this share of the local R amplitude (the median
#: of the detections within AMPLITUDE_SPAN_S of it, or inside a checking-detector gap the
#: R amplitude on the gap's smaller side) is sub-floor: ripple, unless it stands out or is
#: shaped like a QRS (module docstring).
AMPLITUDE_FLOOR = 0.2
AMPLITUDE_SPAN_S = 5.0  # about five beats either side: the local QRS amplitude
#: A gap between floor-level detections is a pause when longer than PAUSE_S and than this
#: many times their median interval over PAUSE_CONTEXT beats either side (a slow rhythm's
#: intervals are not pauses).
PAUSE_FACTOR = 1.5
PAUSE_CONTEXT = 5  # floor-level peaks either side of a gap that give its usual interval
#: A sub-floor detection in a pause stays when it stands out this many times above the
#: median |x| of the pause: a ventricular ectopic a seventh to a tenth of the R amplitude
#: in a 52 bpm rhythm stood 6.5-12.3 times, the ripple the gradient detector marks in
#: development records' pauses 1.6 (median) and 4.4 (95th percentile) in the regular
#: sources, 3.5 and 9.0 in the irregular ones (issue #15 review). Ripple that stands out is
#: kept: the pause is then missed, never made up from a dropped ectopic.
STANDOUT = 5.0
#: The pause's baseline is at least this share of the local R amplitude: in a digitally
#: flat pause (a quantised recording) the median |x| is 0 and any one-step blip would
#: stand out.
QUIET_SHARE = 0.01
#: Inside a gap of the checking detector's beats, the local R amplitude is at least the
#: median |x| at this many of its beats on each side (the smaller side): about five beats,
#: as AMPLITUDE_SPAN_S.
CHECKING_FLANK = 4
PAUSE_GUARD_S = 0.1  # the bounding QRS complexes, left out of the pause's baseline
#: A sub-floor detection in a pause whose QRS correlates this well with the QRS complexes
#: around the pause is a beat (``_qrs_shaped``): between the premature-beat limits of
#: ``ecg.rhythm`` (the same shape from 0.9, a different one below 0.7).
QRS_SHAPE_MIN = 0.8
RHYTHMIC_WITHIN = 0.1  # sub-floor detections spaced within 10 % of the usual interval are beats
#: ... when there are at least this many in the pause: two fell so by chance in made sinus
#: pauses of three intervals (2.4-3 s).
RHYTHMIC_MIN_DETECTIONS = 3


@lru_cache(maxsize=8)
def _detection_filters(fs: float) -> tuple[np.ndarray, np.ndarray]:
    """High-pass, and low-pass cascaded with a notch at each mains frequency below Nyquist."""
    low, high = DETECTION_BAND_HZ
    notches = [notch_sos(fs, hz, MAINS_NOTCH_Q) for hz in MAINS_HZ if hz < 0.5 * fs]
    low_pass = butterworth(fs, 4, high_hz=below_nyquist(high, fs))
    return butterworth(fs, 2, low_hz=low), np.vstack([low_pass, *notches])


def detection_signal(x: np.ndarray, fs: float) -> np.ndarray:
    """The leads in the 0.5-40 Hz band (``dsp.filters.bandpass``'s design, designed once per
    rate: every five-minute chunk of a Holter reuses it): baseline and mains removed.

    The 40 Hz low-pass alone leaves a seventh of a 50 Hz hum: 0.5 mV of hum on 30 s
    single-lead development pieces made the detectors disagree on 34 of 69 AF windows.
    Notches at 50 and 60 Hz, outside the band, remove it whichever the mains (7 of 69; 2
    without hum). The low-pass and notches run before the high-pass: a high-pass first
    turns the hum's last sample into a slow step at the record's end, which set the
    checking detector's amplitude scale, and blinded it, for the record's last 10 s."""
    high, low = _detection_filters(fs)
    x = zero_phase(low, np.asarray(x, dtype=np.float64), pad_length(low, multiple=3))
    return zero_phase(high, x, pad_length(high, multiple=3))


def _find(x: np.ndarray, fs: float, method: str) -> np.ndarray:
    """One NeuroKit2 detector's R peaks. NeuroKit2 raises ValueError/IndexError/
    ZeroDivisionError when a stretch gives its thresholds nothing to work with (no peak above
    its adaptive level, a window too short for its smoothing); that is "this detector found no
    beats", which the quality gate then reports in words (the two detectors disagree), never a
    silent pass. Any other exception is a fault and propagates."""
    if x.size < int(2 * fs) or float(np.ptp(x)) == 0.0:
        return np.zeros(0, dtype=np.int64)
    import neurokit2 as nk  # seconds to import: only when a record is analysed, not at start

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = nk.ecg_findpeaks(x, sampling_rate=int(round(fs)), method=method)
        except (ValueError, IndexError, ZeroDivisionError):
            return np.zeros(0, dtype=np.int64)
    return np.asarray(found.get("ECG_R_Peaks", []), dtype=np.int64)


def refine(x: np.ndarray, peaks: np.ndarray, fs: float) -> np.ndarray:
    """Each peak moved to the largest |x| near it; duplicates within the refractory period go."""
    if peaks.size == 0:
        return peaks
    half = int(REFINE_S * fs)
    lo = np.clip(peaks - half, 0, x.size - 1)
    offsets = np.arange(2 * half + 1)
    idx = np.clip(lo[:, None] + offsets[None, :], 0, x.size - 1)
    refined = idx[np.arange(idx.shape[0]), np.argmax(np.abs(x[idx]), axis=1)]
    refined = np.unique(refined)
    keep = np.concatenate([[True], np.diff(refined) > REFRACTORY_S * fs])
    return refined[keep]


def above_floor(x: np.ndarray, peaks: np.ndarray, checking: np.ndarray, fs: float) -> np.ndarray:
    """The peaks without the sub-floor ones where no QRS is due (module docstring).

    A peak is sub-floor when its |x| is under AMPLITUDE_FLOOR of the local R amplitude: the
    median |x| of the peaks within AMPLITUDE_SPAN_S either side or, inside a gap of over
    PAUSE_S between the ``checking`` peaks (the second detector's) and where larger, the R
    amplitude at them on both sides of the gap (``_checking_amplitude``). It is dropped
    only within SETTLE_S of the trace's ends before the first or after the last floor-level
    peak, or inside a pause between floor-level peaks (longer than PAUSE_S and than
    PAUSE_FACTOR times the median of the intervals among PAUSE_CONTEXT floor-level peaks
    either side: counted in beats, not seconds, so that a long arrest is not its own usual
    interval) unless it stands out from the pause's own baseline (``_stands_out``), has
    the shape of the QRS complexes around the pause (``_qrs_shaped``) or falls, with the
    pause's other small detections, at the rhythm's own interval (``_rhythmic_gaps``).
    Elsewhere it stays, so that noise between beats still makes the two detectors
    disagree."""
    if peaks.size < 3:
        return peaks
    amplitude = np.abs(x[peaks])
    span = int(AMPLITUDE_SPAN_S * fs)
    lo = np.searchsorted(peaks, peaks - span)
    hi = np.searchsorted(peaks, peaks + span, side="right")
    local = np.array([np.median(amplitude[a:b]) for a, b in zip(lo, hi, strict=True)])
    local = np.maximum(local, _checking_amplitude(x, peaks, checking, fs))
    big = amplitude >= AMPLITUDE_FLOOR * local
    beats = peaks[big]
    if beats.size < 2:
        return peaks
    after = np.searchsorted(beats, peaks)  # index of the next floor-level peak
    keep = big.copy()
    rhythmic = _rhythmic_gaps(peaks[~big], after[~big], beats)
    for i in np.flatnonzero(~big):
        j = after[i]
        if j == 0 or j == beats.size:
            keep[i] = SETTLE_S * fs <= peaks[i] < x.size - SETTLE_S * fs
            continue
        usual = float(np.median(np.diff(beats[max(j - PAUSE_CONTEXT, 0) : j + PAUSE_CONTEXT])))
        gap = beats[j] - beats[j - 1]
        pause = gap > max(PAUSE_FACTOR * usual, PAUSE_S * fs)
        around = beats[max(j - PAUSE_CONTEXT, 0) : j + PAUSE_CONTEXT]
        keep[i] = (
            not pause
            or j in rhythmic
            or _stands_out(x, peaks[i], (beats[j - 1], beats[j]), fs, local[i])
            or _qrs_shaped(x, peaks[i], around, fs)
        )
    return peaks[keep]


def _rhythmic_gaps(small: np.ndarray, gap: np.ndarray, beats: np.ndarray) -> set[int]:
    """The gaps between floor-level ``beats`` (by the index of the beat that ends them) whose
    sub-floor detections ``small`` (RHYTHMIC_MIN_DETECTIONS or more) fall at the rhythm's
    own interval: their median spacing, the gap's ends included, within RHYTHMIC_WITHIN of
    the median interval over PAUSE_CONTEXT beats either side. Beats that shrank and changed
    shape (a loose electrode, both leads of a record) are still spaced as beats: in
    development records made so, their spacing was 0.97-1.04 intervals; the ripple the
    gradient detector marks in a sinus arrest 0.59-2.1 (5th-95th percentiles; issue #15,
    second review)."""
    out = set()
    for j in np.unique(gap):
        inside = small[gap == j]
        if inside.size < RHYTHMIC_MIN_DETECTIONS or j == 0 or j == beats.size:
            continue
        usual = float(np.median(np.diff(beats[max(j - PAUSE_CONTEXT, 0) : j + PAUSE_CONTEXT])))
        spacing = np.diff(np.concatenate([[beats[j - 1]], inside, [beats[j]]]))
        if abs(float(np.median(spacing)) / usual - 1.0) <= RHYTHMIC_WITHIN:
            out.add(int(j))
    return out


def _qrs_shaped(x: np.ndarray, peak: int, around: np.ndarray, fs: float) -> bool:
    """Whether the detection at ``peak`` has the shape of the QRS complexes ``around`` it
    (correlation with their median QRS at least QRS_SHAPE_MIN), whatever its size: a beat
    made small by a drop of amplitude (a loose electrode) is a beat, not ripple. Dropped as
    ripple, such beats made pauses of 5-13 s that both detectors agreed on; the ripple the
    gradient detector marks in a sinus arrest is so shaped in 6 % of cases, the real beats
    of a development record made 25-50 times smaller in 96 % (issue #15, review)."""
    return bool(morphology_correlation(x, np.append(around, peak), fs)[-1] >= QRS_SHAPE_MIN)


def _checking_amplitude(
    x: np.ndarray, peaks: np.ndarray, checking: np.ndarray, fs: float
) -> np.ndarray:
    """For each peak inside a gap of over PAUSE_S between the checking detector's beats, the
    R amplitude on both sides of the gap: the smaller of the median |x| at the
    CHECKING_FLANK checking beats before it and at those after it; 0 elsewhere.

    The checking detector's thresholds keep a noise level and do not mark the baseline's
    ripple, so in an arrest of several seconds, where most of the gradient detector's peaks
    within AMPLITUDE_SPAN_S are ripple, this is still the R amplitude. Only inside such
    gaps: in noise the checking detector marks large spikes, and as the reference everywhere
    they made a true last beat of a noisy CPSC 2019 record sub-floor. The smaller side: a
    gap where the checking detector missed real beats after a change of amplitude (two
    records joined, an electrode re-attached) would otherwise have those beats judged
    against the larger ones before it, dropped, and a pause made of them that both
    detectors then agree on (a 6.3 s "pause" in the 24-hour benchmark recording)."""
    out = np.zeros(peaks.size)
    if checking.size < 2:
        return out
    after = np.searchsorted(checking, peaks)
    inner = (after > 0) & (after < checking.size)
    gap = np.zeros(peaks.size, dtype=bool)
    a, b = checking[after[inner] - 1], checking[after[inner]]
    apart = np.minimum(peaks[inner] - a, b - peaks[inner]) > REFINE_S * fs
    gap[inner] = (b - a > PAUSE_S * fs) & apart
    size = np.abs(x[checking])
    flank = {
        j: min(
            np.median(size[max(j - CHECKING_FLANK, 0) : j]),
            np.median(size[j : j + CHECKING_FLANK]),
        )
        for j in np.unique(after[gap])
    }
    out[gap] = [flank[j] for j in after[gap]]
    return out


def _stands_out(
    x: np.ndarray, peak: int, pause: tuple[int, int], fs: float, r_amplitude: float
) -> bool:
    """|x| at ``peak`` is over STANDOUT times the pause's baseline: the median |x| of the
    pause, its bounding QRS complexes left out, and at least QUIET_SHARE of the local R
    amplitude. A small QRS (a ventricular ectopic a tenth of the R amplitude) in a slow
    rhythm stands out; the baseline's ripple, which the gradient detector also marks,
    mostly does not."""
    guard = int(PAUSE_GUARD_S * fs)
    median = float(np.median(np.abs(x[pause[0] + guard : pause[1] - guard])))
    return bool(abs(x[peak]) > STANDOUT * max(median, QUIET_SHARE * r_amplitude))


def _block_scaled(leads: np.ndarray, block: int) -> np.ndarray:
    """Each lead divided by its own amplitude in every block of ``block`` samples, so that a
    change of gain (an electrode re-attached, another recording joined on) does not leave
    the detectors' adaptive thresholds far above or below the beats that follow."""
    n = leads.shape[1]
    padded = np.pad(np.abs(leads), [(0, 0), (0, (-n) % block)], mode="edge")
    blocks = padded.reshape(leads.shape[0], -1, block)
    scale = np.percentile(blocks, 99.5, axis=2)
    scale = np.where(scale > 0, scale, 1.0)
    return leads / np.repeat(scale, block, axis=1)[:, :n]


def detect_both(leads: np.ndarray, fs: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """R peaks (sample indices) of each detection-band lead by the primary and by the
    secondary (checking) detector; the primary's sub-floor peaks go where no QRS is due
    (``above_floor``, which reads the checking detector's peaks).

    Each detector runs once over all leads laid end to end (each scaled to its own amplitude
    block by block, 1 s of silence between them): one call instead of one per lead, so a
    12-lead ECG pays a detector's set-up cost once. The detection band ends at 40 Hz, so
    detecting on every n-th sample (about 250 Hz) loses nothing; ``refine`` puts each peak
    back on the full-rate trace.
    """
    leads = np.atleast_2d(leads)
    gap = int(GAP_S * fs)
    n = leads.shape[1]
    scaled = _block_scaled(leads, int(SCALE_BLOCK_S * fs))
    joined = np.concatenate([np.concatenate([lead, np.zeros(gap)]) for lead in scaled])
    step = max(1, int(fs // DETECTION_FS))
    decimated = joined[::step]
    found: dict[str, list[np.ndarray]] = {}
    for method in (SECONDARY, PRIMARY):
        trace = np.abs(decimated) if method == PRIMARY else decimated
        marks = _find(trace, fs / step, method) * step
        starts = [k * (n + gap) for k in range(len(leads))]
        found[method] = [
            refine(lead, marks[(marks >= start) & (marks < start + n)] - start, fs)
            for start, lead in zip(starts, leads, strict=True)
        ]
    found[PRIMARY] = [
        above_floor(lead, mine, checking, fs)
        for lead, mine, checking in zip(leads, found[PRIMARY], found[SECONDARY], strict=True)
    ]
    return found[PRIMARY], found[SECONDARY]


def detect_primary(leads: np.ndarray, fs: float) -> list[np.ndarray]:
    """R peaks of each detection-band lead by the gradient method (its floor needs the
    checking detector, which therefore runs too)."""
    return detect_both(leads, fs)[0]
