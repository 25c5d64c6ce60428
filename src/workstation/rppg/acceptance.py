"""When a pulse estimate may be shown: one rule for every method, file, trace and live view.

A spectrum always has a highest peak, so "the peak" is never evidence of a pulse. A still
picture varies by 1e-11 of its colour (codec rounding), a flicker or a jittering crop puts
its own peak in the band, and PCA and ICA pick the best of three components, which inflates
their SNR. So a window is measurable only when all of these hold:

- the skin region held still (motion at most MAX_MOTION);
- its colour varies inside the pulse band by at least MIN_RELATIVE_AMPLITUDE of the mean
  colour and QUANTISATION_MARGIN times the quantisation noise of the mean: a living pulse
  changes skin colour by 0.05–1 % (Verkruysse et al. 2008), far above both floors;
- its spectral peak is not on an edge of the pulse band, where the band-pass's own slope
  rather than a heartbeat makes the maximum;
- its SNR clears the method's threshold, set on real recordings without a usable pulse
  (motion-corrupted skin crops and frozen and looped clips made from them, India clips of
  Dasari et al. 2021; Sierra Leone held out; ``benchmarks/rppg_calibration.py``).

A recording is "ok" only when at least MIN_ACCEPTED_WINDOWS windows and MIN_ACCEPTED_FRACTION
of all windows are measurable, and at least MIN_AGREEMENT of those lie within AGREEMENT_BPM
of their median: one lucky window out of six is not a heart rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Largest accepted movement of the skin region within a window, as a fraction of its size.
MAX_MOTION = 0.15
#: In-band colour variation (RMS of the band-passed, mean-normalised channel) below which a
#: window holds no pulse: 0.003 % of the mean colour, ten times below the weakest camera pulse.
MIN_RELATIVE_AMPLITUDE = 3e-5
#: The in-band variation must also stand this many times above the quantisation noise of the
#: per-frame mean (1/√12 of a level over the number of pixels averaged).
QUANTISATION_MARGIN = 3.0
#: A peak closer than this to either edge of the pulse band is the filter's edge, not a pulse.
EDGE_MARGIN_HZ = 0.05
#: Lowest SNR of any method (the report quotes it); each method has its own, at least this.
MIN_SNR_DB = 2.0
#: Per-method SNR thresholds (dB): the highest SNR of any window more than 10 bpm off the
#: reference on the India calibration clips (3,600–3,900 windows per method, motion ignored
#: so that the jittering crops stand for every kind of non-pulse), plus 0.25 dB, rounded up
#: to 0.5 dB, never below MIN_SNR_DB. PCA and ICA choose the best of three components, which
#: lifts their noise SNR (PCA's highest: 3.0 dB against POS's 1.0 dB). CONTACT is calibrated
#: the same way, on the same clips.
SNR_THRESHOLD_DB = {
    "pos": 2.0,
    "chrom": 2.0,
    "green": 3.0,
    "lgi": 2.5,
    "omit": 2.5,
    "pca": 3.5,
    "ica": 2.5,
    "contact": 3.0,
}
MIN_ACCEPTED_WINDOWS = 3
MIN_ACCEPTED_FRACTION = 0.2
AGREEMENT_BPM = 5.0
MIN_AGREEMENT = 0.5

#: Why a window was not measurable, in words (the first failing check wins, in this order).
WINDOW_REASONS = {
    "motion": "the skin region moved",
    "still": "the colour did not change (no pulse in the picture)",
    "edge": "the spectral peak sat on the edge of the pulse band",
    "snr": "the pulse did not stand out from noise",
}


def snr_threshold_db(method: str) -> float:
    return max(MIN_SNR_DB, SNR_THRESHOLD_DB.get(method.lower(), MIN_SNR_DB))


def amplitude_floor(mean_level: np.ndarray, quantum: float) -> np.ndarray:
    """Smallest relative in-band variation a pulse can have at this mean level.

    ``quantum`` is the RMS quantisation noise of one sample of the trace, in its own units
    (for a video, 1/√(12·pixels) grey levels; for a CSV, its last digit over √12).
    """
    mean = np.maximum(np.abs(np.asarray(mean_level, dtype=float)), 1e-12)
    return np.maximum(MIN_RELATIVE_AMPLITUDE, QUANTISATION_MARGIN * quantum / mean)


def window_reasons(
    method: str,
    bpm: np.ndarray,
    snr_db: np.ndarray,
    motion: np.ndarray,
    amplitude: np.ndarray,
    floor: np.ndarray,
    band_hz: tuple[float, float],
) -> list[str]:
    """Per window, "" when measurable, else the key of the first check it failed."""
    f = np.asarray(bpm, dtype=float) / 60.0
    at_edge = (f <= band_hz[0] + EDGE_MARGIN_HZ) | (f >= band_hz[1] - EDGE_MARGIN_HZ)
    threshold = snr_threshold_db(method)
    reasons = []
    for moved, amp, low, edge, snr in zip(motion, amplitude, floor, at_edge, snr_db, strict=True):
        if moved > MAX_MOTION:
            reasons.append("motion")
        elif not amp >= low:
            reasons.append("still")
        elif edge:
            reasons.append("edge")
        elif not snr >= threshold:
            reasons.append("snr")
        else:
            reasons.append("")
    return reasons


@dataclass(frozen=True)
class RateVerdict:
    """The recording's heart rate (None when refused) and why, in words."""

    bpm: float | None
    accepted: int
    agreeing: int
    windows: int
    message: str


def recording_rate(bpm: list[float], reasons: list[str], motion_words: str = "") -> RateVerdict:
    """The median of the measurable windows, when there are enough of them and they agree."""
    total = len(reasons)
    good = np.array([b for b, r in zip(bpm, reasons, strict=True) if not r], dtype=float)
    if good.size:
        median = float(np.median(good))
        agreeing = int(np.sum(np.abs(good - median) <= AGREEMENT_BPM))
    else:
        median, agreeing = float("nan"), 0
    needed = max(MIN_ACCEPTED_WINDOWS, int(np.ceil(MIN_ACCEPTED_FRACTION * total)))
    if good.size >= needed and agreeing >= MIN_AGREEMENT * good.size:
        return RateVerdict(
            median,
            int(good.size),
            agreeing,
            total,
            f"Heart rate from {good.size} of {total} windows that passed the quality check "
            f"({agreeing} within {AGREEMENT_BPM:g} bpm of it).",
        )
    return RateVerdict(
        None,
        int(good.size),
        agreeing,
        total,
        _refusal(good, agreeing, reasons, needed, motion_words),
    )


def _refusal(
    good: np.ndarray, agreeing: int, reasons: list[str], needed: int, motion_words: str
) -> str:
    total = len(reasons)
    if good.size >= needed:
        return (
            f"The {good.size} windows that passed the quality check disagree (only {agreeing} "
            f"within {AGREEMENT_BPM:g} bpm of their median); no heart rate is reported."
        )
    failed = [r for r in reasons if r]
    counts = {key: failed.count(key) for key in WINDOW_REASONS}
    main = max(counts, key=lambda key: counts[key]) if failed else "snr"
    why = WINDOW_REASONS[main]
    if main == "motion" and motion_words:
        why = motion_words
    return (
        f"{good.size} of {total} windows passed the quality check (at least {needed} are "
        f"needed); in {counts[main]} of them {why}. No heart rate is reported."
    )
