"""Heart-rate variability from pulse peaks, only where the pulse is clean enough to time beats.

Peaks are found on the band-passed pulse with a minimum spacing derived from the measured
rate, refined between frames by parabolic interpolation (at 30 fps a frame is 33 ms, far
coarser than the differences RMSSD measures). NeuroKit2 computes the metrics. LF/HF needs
at least two minutes of beats (Task Force of the ESC and NASPE, Circulation 1996) and is
left out on shorter recordings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from workstation.rppg.methods import parabolic_offset

MIN_BEATS = 30
MIN_MEASURABLE_FRACTION = 0.8
LF_HF_MIN_SECONDS = 120.0
_TIMING_RATE_HZ = 1000


@dataclass(frozen=True)
class Hrv:
    status: str
    message: str
    beats: int
    mean_hr_bpm: float | None = None
    sdnn_ms: float | None = None
    rmssd_ms: float | None = None
    pnn50_pct: float | None = None
    lf_hf: float | None = None


def not_enough(beats: int, why: str) -> Hrv:
    return Hrv("not_enough_clean_signal", f"Not enough clean signal for HRV: {why}", beats)


def pulse_peaks(bvp: np.ndarray, fps: float, rate_bpm: float) -> np.ndarray:
    """Peak times in seconds, with sub-frame precision."""
    spacing = max(1, int(0.6 * fps * 60.0 / rate_bpm))
    peaks, _ = find_peaks(bvp, distance=spacing, prominence=0.3 * np.std(bvp))
    inner = peaks[(peaks > 0) & (peaks < len(bvp) - 1)]
    left, mid, right = bvp[inner - 1], bvp[inner], bvp[inner + 1]
    return (inner + parabolic_offset(left, mid, right)) / fps


def hrv_from_peaks(peak_times_s: np.ndarray, measurable_fraction: float) -> Hrv:
    beats = int(len(peak_times_s))
    if measurable_fraction < MIN_MEASURABLE_FRACTION:
        return not_enough(beats, f"only {measurable_fraction:.0%} of the windows were measurable.")
    if beats < MIN_BEATS:
        return not_enough(beats, f"{beats} beats found, at least {MIN_BEATS} are needed.")
    import neurokit2 as nk

    indices = np.round(np.asarray(peak_times_s) * _TIMING_RATE_HZ).astype(int)
    time_domain = nk.hrv_time(indices, sampling_rate=_TIMING_RATE_HZ)
    lf_hf = None
    if peak_times_s[-1] - peak_times_s[0] >= LF_HF_MIN_SECONDS:
        frequency = nk.hrv_frequency(indices, sampling_rate=_TIMING_RATE_HZ)
        lf_hf = _number(frequency["HRV_LFHF"].iloc[0])
    intervals = np.diff(peak_times_s)
    return Hrv(
        status="ok",
        message=f"HRV from {beats} beats.",
        beats=beats,
        mean_hr_bpm=float(60.0 / intervals.mean()),
        sdnn_ms=_number(time_domain["HRV_SDNN"].iloc[0]),
        rmssd_ms=_number(time_domain["HRV_RMSSD"].iloc[0]),
        pnn50_pct=_number(time_domain["HRV_pNN50"].iloc[0]),
        lf_hf=lf_hf,
    )


def _number(value: object) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None
