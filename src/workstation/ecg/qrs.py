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
before: a pause missed rather than one made up). The checking detector's Pan-Tompkins
thresholding has a noise level of its own; the gradient method has none. Without the floor,
sinus pauses of 2.4-3 s made from development records' own beats were stated in 51 % of
pieces and refused as "QRS detectors disagree" in 13 %
(benchmarks/ecg_irregular_rhythms.py), and ripple marked at a record's ends raised 10 s
rates: LUDB 12 read 60.8 bpm, its annotated beats 52.6. Elsewhere a sub-floor detection
stays, so that noise between beats still shows as the detectors disagreeing: dropped
everywhere, one more noisy development piece was called AF; dropped also in gaps of 1.5
intervals under 2 s, real beats under noise spikes were lost (CPSC 2019 whole-trace Se 94.6
-> 93.6 %) (issue #15, benchmarks/RESULTS.md). An arrest of about 7 s or more is not helped:
the median of the detections within 5 s is then the ripple's own.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np

from workstation.dsp.filters import below_nyquist, butterworth, notch_sos, pad_length, zero_phase

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
#: A gradient-method detection smaller than this share of the median amplitude of the
#: detections within AMPLITUDE_SPAN_S of it is sub-floor: ripple, unless it stands out
#: (module docstring).
AMPLITUDE_FLOOR = 0.2
AMPLITUDE_SPAN_S = 5.0  # about five beats either side: the local QRS amplitude
#: A gap between floor-level detections is a pause when longer than PAUSE_S and than this
#: many times their median interval nearby (a slow rhythm's intervals are not pauses).
PAUSE_FACTOR = 1.5
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
PAUSE_GUARD_S = 0.1  # the bounding QRS complexes, left out of the pause's baseline


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


def above_floor(x: np.ndarray, peaks: np.ndarray, fs: float) -> np.ndarray:
    """The peaks without the sub-floor ones where no QRS is due (module docstring).

    A peak is sub-floor when its |x| is under AMPLITUDE_FLOOR of the median |x| of the peaks
    within AMPLITUDE_SPAN_S either side. It is dropped only within SETTLE_S of the trace's
    ends before the first or after the last floor-level peak, or inside a pause between
    floor-level peaks (longer than PAUSE_S and than PAUSE_FACTOR times their median
    interval within AMPLITUDE_SPAN_S) when it does not stand out from the pause's own
    baseline (``_stands_out``). Elsewhere it stays, so that noise between beats still
    makes the two detectors disagree."""
    if peaks.size < 3:
        return peaks
    amplitude = np.abs(x[peaks])
    span = int(AMPLITUDE_SPAN_S * fs)
    lo = np.searchsorted(peaks, peaks - span)
    hi = np.searchsorted(peaks, peaks + span, side="right")
    local = np.array([np.median(amplitude[a:b]) for a, b in zip(lo, hi, strict=True)])
    big = amplitude >= AMPLITUDE_FLOOR * local
    beats = peaks[big]
    if beats.size < 2:
        return peaks
    after = np.searchsorted(beats, peaks)  # index of the next floor-level peak
    keep = big.copy()
    for i in np.flatnonzero(~big):
        j = after[i]
        if j == 0 or j == beats.size:
            keep[i] = SETTLE_S * fs <= peaks[i] < x.size - SETTLE_S * fs
            continue
        first, last = np.searchsorted(beats, [peaks[i] - span, peaks[i] + span + 1])
        near = np.diff(beats[first:last])
        usual = float(np.median(near)) if near.size else float(np.median(np.diff(beats)))
        gap = beats[j] - beats[j - 1]
        pause = gap > max(PAUSE_FACTOR * usual, PAUSE_S * fs)
        keep[i] = not pause or _stands_out(x, peaks[i], (beats[j - 1], beats[j]), fs, local[i])
    return peaks[keep]


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


def detect(leads: np.ndarray, fs: float, methods: tuple[str, ...]) -> list[list[np.ndarray]]:
    """R peaks (sample indices) of every lead by each NeuroKit2 method in ``methods``.

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
    out = []
    for method in methods:
        trace = np.abs(decimated) if method == PRIMARY else decimated
        found = _find(trace, fs / step, method) * step
        per_lead = []
        for k, lead in enumerate(leads):
            start = k * (n + gap)
            mine = refine(lead, found[(found >= start) & (found < start + n)] - start, fs)
            per_lead.append(above_floor(lead, mine, fs) if method == PRIMARY else mine)
        out.append(per_lead)
    return out


def detect_primary(leads: np.ndarray, fs: float) -> list[np.ndarray]:
    """R peaks of each detection-band lead by the gradient method alone."""
    return detect(leads, fs, (PRIMARY,))[0]


def detect_both(leads: np.ndarray, fs: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """R peaks of each lead by the primary and by the secondary (checking) detector."""
    primary, secondary = detect(leads, fs, (PRIMARY, SECONDARY))
    return primary, secondary
