"""Heart-rate variability, only from clean beats and only when it stands above timing jitter.

A heart rate needs a pulse; HRV needs the time of every beat to a few milliseconds, which a
camera pulse rarely gives: at 30 fps a frame is 33 ms, and noise moves a peak by more than
the beat-to-beat differences RMSSD measures. A perfectly regular synthetic pulse filmed
through the video path reads 30–90 ms RMSSD if every peak is believed. So:

1. Beats: peaks of the band-passed pulse with a minimum spacing from the measured rate,
   refined between samples by parabolic interpolation.
2. Beat quality: a beat counts only when it lies in a window whose rate was accepted, its
   shape agrees with the recording's median beat (correlation at least
   MIN_TEMPLATE_CORRELATION), and its own SNR (the template's power over the power of what
   the template leaves unexplained) is at least HRV_SNR_MARGIN_DB above the method's rate
   threshold. (A window's spectral SNR cannot serve: a healthy heart's own variability
   spreads the spectral peak, so a clean finger PPG has a window SNR of only 2–5 dB.) An
   interval counts only between two clean beats and within MAX_INTERVAL_CHANGE of its
   neighbours' median (a missed or extra beat). At least MIN_BEATS clean intervals are
   needed, and at least MIN_CLEAN_FRACTION of all intervals: the calm stretches that pass
   a quality check are not a fair sample of a recording whose other half failed it (on
   the Welltory recordings such subsets underestimated RMSSD by up to 19 ms).
3. Jitter floor: a perfectly regular pulse (a metronome: the recording's own median beat
   at its median interval and frame rate, plus what that beat leaves unexplained in the
   recording, shifted in time) goes through the same peak finder and beat check; its RMSSD
   is what timing error alone produces. The unexplained part also holds the beats' own
   changes of shape, so the floor errs high (towards withholding), never low. HRV is
   reported only when the measured RMSSD is at least FLOOR_RATIO times that floor;
   otherwise "HRV not measurable from this recording", and the wellness indicators leave
   HRV out. (A floor from band-limited noise at the level found between the rate's
   harmonics was tried too: on finger PPG that level holds the breathing's modulation and
   the floor came out 25–55 ms, above the strap's own RMSSD.)

NeuroKit2 computes the metrics from the clean intervals (with their times, so a gap is not
read as one long interval). LF/HF needs at least two minutes of beats (Task Force of the ESC
and NASPE, Circulation 1996) and is left out on shorter recordings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from workstation.rppg.methods import parabolic_offset

MIN_BEATS = 30
MIN_CLEAN_FRACTION = 0.5
LF_HF_MIN_SECONDS = 120.0
MIN_TEMPLATE_CORRELATION = 0.9
HRV_SNR_MARGIN_DB = 8.0
MAX_INTERVAL_CHANGE = 0.3
#: Timing error adds to RMSSD in quadrature, so a floor at most half the measured value
#: inflates it by at most 13 % (√(1 − 1/4) = 0.87).
FLOOR_RATIO = 2.0
_FLOOR_RUNS = 5


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
    clean_intervals: int = 0
    jitter_floor_ms: float | None = None


def not_enough(beats: int, why: str) -> Hrv:
    return Hrv(
        "not_measurable",
        f"HRV not measurable from this recording. Not enough clean signal for HRV: {why}",
        beats,
    )


def pulse_peaks(bvp: np.ndarray, fps: float, rate_bpm: float) -> np.ndarray:
    """Peak times in seconds, with sub-frame precision."""
    spacing = max(1, int(0.6 * fps * 60.0 / rate_bpm))
    peaks, _ = find_peaks(bvp, distance=spacing, prominence=0.3 * np.std(bvp))
    inner = peaks[(peaks > 0) & (peaks < len(bvp) - 1)]
    left, mid, right = bvp[inner - 1], bvp[inner], bvp[inner + 1]
    return (inner + parabolic_offset(left, mid, right)) / fps


def _beat_shapes(bvp: np.ndarray, fps: float, peaks_s: np.ndarray, period_s: float) -> np.ndarray:
    """Each beat from 0.4 periods before its peak to 0.6 after, sampled at the frame rate
    (interpolated to the sub-frame peak time); NaN rows where a beat runs off the ends."""
    offsets = np.arange(int(round(-0.4 * period_s * fps)), int(round(0.6 * period_s * fps)) + 1)
    positions = peaks_s[:, None] * fps + offsets[None, :]
    inside = (positions[:, 0] >= 0) & (positions[:, -1] <= len(bvp) - 1)
    shapes = np.full(positions.shape, np.nan)
    index = np.arange(len(bvp))
    for row in np.flatnonzero(inside):
        shapes[row] = np.interp(positions[row], index, bvp)
    return shapes


def clean_beats(
    bvp: np.ndarray,
    fps: float,
    peaks_s: np.ndarray,
    rate_bpm: float,
    beat_ok: np.ndarray,
    min_beat_snr_db: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Which beats agree with the median beat (and are already ``beat_ok``), and each
    beat's SNR in dB: the fitted template's power over the residual's."""
    none = np.zeros(len(peaks_s), dtype=bool), np.full(len(peaks_s), -np.inf)
    if len(peaks_s) < 3:
        return none
    shapes = _beat_shapes(bvp, fps, peaks_s, 60.0 / rate_bpm)
    usable = ~np.isnan(shapes).any(axis=1)
    if usable.sum() < 3:
        return none
    centred = np.where(usable[:, None], shapes, 0.0)
    centred = centred - centred.mean(axis=1, keepdims=True)
    template = np.median(centred[usable], axis=0)
    scale = (centred @ template) / max(float(template @ template), 1e-30)
    residual = centred - scale[:, None] * template[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = (centred @ template) / (
            np.linalg.norm(centred, axis=1) * np.linalg.norm(template)
        )
        snr = 10 * np.log10((scale**2 * float(template @ template)) / np.sum(residual**2, axis=1))
    snr = np.where(usable, np.nan_to_num(snr, nan=-np.inf, posinf=np.inf), -np.inf)
    clean = (
        usable
        & (np.nan_to_num(correlation) >= MIN_TEMPLATE_CORRELATION)
        & (snr >= min_beat_snr_db)
        & beat_ok
    )
    return clean, snr


def clean_intervals(peaks_s: np.ndarray, clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intervals (s) between consecutive clean beats that fit their neighbours, with the
    time each ends; an extra or a missed beat breaks the sequence instead of entering it."""
    intervals = np.diff(peaks_s)
    both = clean[:-1] & clean[1:]
    if intervals.size == 0:
        return intervals, intervals
    local = np.array(
        [np.median(intervals[max(0, i - 2) : i + 3]) for i in range(intervals.size)], dtype=float
    )
    fits = np.abs(intervals - local) <= MAX_INTERVAL_CHANGE * local
    keep = both & fits
    return intervals[keep], peaks_s[1:][keep]


def _metrics(intervals_s: np.ndarray, ends_s: np.ndarray) -> dict[str, float | None]:
    import neurokit2 as nk

    rri = {"RRI": intervals_s * 1000.0, "RRI_Time": ends_s}
    time_domain = nk.hrv_time(rri)
    lf_hf = None
    if ends_s[-1] - ends_s[0] >= LF_HF_MIN_SECONDS:
        lf_hf = _number(nk.hrv_frequency(rri)["HRV_LFHF"].iloc[0])
    return {
        "sdnn_ms": _number(time_domain["HRV_SDNN"].iloc[0]),
        "rmssd_ms": _number(time_domain["HRV_RMSSD"].iloc[0]),
        "pnn50_pct": _number(time_domain["HRV_pNN50"].iloc[0]),
        "lf_hf": lf_hf,
    }


def _rmssd_ms(intervals_s: np.ndarray, ends_s: np.ndarray) -> float | None:
    if intervals_s.size < 3:
        return None
    successive = np.isclose(np.diff(ends_s), intervals_s[1:], atol=1e-6)
    steps = np.diff(intervals_s)[successive]
    return float(np.sqrt(np.mean(steps**2)) * 1000.0) if steps.size else None


@dataclass(frozen=True)
class BeatModel:
    """The recording's median beat and what it leaves unexplained, as a continuous noise."""

    offsets: np.ndarray  # samples relative to the peak
    template: np.ndarray
    scale: float
    residual: np.ndarray  # the pulse minus each usable beat's fitted template


def beat_model(bvp: np.ndarray, fps: float, peaks_s: np.ndarray, rate_bpm: float) -> BeatModel:
    period = 60.0 / rate_bpm
    offsets = np.arange(int(round(-0.4 * period * fps)), int(round(0.6 * period * fps)) + 1)
    shapes = _beat_shapes(bvp, fps, peaks_s, period)
    usable = ~np.isnan(shapes).any(axis=1)
    centred = shapes[usable] - shapes[usable].mean(axis=1, keepdims=True)
    template = np.median(centred, axis=0)
    scales = (centred @ template) / max(float(template @ template), 1e-30)
    residual = np.array(bvp, dtype=float)
    samples = np.arange(len(bvp))
    for peak, scale in zip(peaks_s[usable], scales, strict=True):
        u = samples - peak * fps
        inside = (u >= offsets[0]) & (u <= offsets[-1])
        residual[inside] -= scale * np.interp(u[inside], offsets, template)
    return BeatModel(offsets, template, float(np.median(scales)), residual)


def jitter_floor_ms(
    bvp: np.ndarray, fps: float, peaks_s: np.ndarray, rate_bpm: float, min_beat_snr_db: float
) -> float:
    """RMSSD (ms) of a metronome through the same peak finder and beat check: the
    recording's own median beat repeated at a perfectly constant interval, sampled at its
    frame rate at drifting sub-frame phases, plus the recording's own residual shifted in
    time (so it is unrelated to the metronome's beats). What it reads is timing error."""
    model = beat_model(bvp, fps, peaks_s, rate_bpm)
    n = len(bvp)
    samples = np.arange(n)
    interval = float(np.median(np.diff(peaks_s))) * fps
    train = np.zeros(n)
    for peak in np.arange(-model.offsets[0], n + model.offsets[-1], interval) + 0.37:
        u = samples - peak
        inside = (u >= model.offsets[0]) & (u <= model.offsets[-1])
        train[inside] = model.scale * np.interp(u[inside], model.offsets, model.template)
    floors = []
    for k in range(1, _FLOOR_RUNS + 1):
        metronome = train + np.roll(model.residual, k * n // (_FLOOR_RUNS + 1))
        peaks = pulse_peaks(metronome, fps, rate_bpm)
        good, _ = clean_beats(
            metronome, fps, peaks, rate_bpm, np.ones(len(peaks), dtype=bool), min_beat_snr_db
        )
        value = _rmssd_ms(*clean_intervals(peaks, good))
        floors.append(np.inf if value is None else value)
    return float(np.median(floors))


def hrv_from_pulse(
    bvp: np.ndarray,
    fps: float,
    rate_bpm: float,
    window_times_s: np.ndarray,
    window_ok: np.ndarray,
    snr_needed_db: float,
) -> Hrv:
    """HRV of a recording whose rate was accepted, or a plain-words reason it has none.

    ``snr_needed_db`` is the beat SNR a beat needs (the rate threshold plus the margin)."""
    window_ok = np.asarray(window_ok, dtype=bool)
    if window_ok.size == 0:
        return not_enough(0, "no measurable window.")
    peaks = pulse_peaks(bvp, fps, rate_bpm)
    if peaks.size == 0:
        return not_enough(0, "no beat was found.")
    nearest = np.abs(peaks[:, None] - np.asarray(window_times_s)[None, :]).argmin(axis=1)
    clean, _ = clean_beats(bvp, fps, peaks, rate_bpm, window_ok[nearest], snr_needed_db)
    intervals, ends = clean_intervals(peaks, clean)
    beats = int(clean.sum())
    if intervals.size < MIN_BEATS:
        return not_enough(
            beats,
            f"{intervals.size} clean beat-to-beat intervals ({len(peaks)} beats found; a beat "
            f"counts when its shape matches the others and it stands {snr_needed_db:.0f} dB "
            f"above its own noise); at least {MIN_BEATS} are needed.",
        )
    found = max(len(peaks) - 1, 1)
    if intervals.size < MIN_CLEAN_FRACTION * found:
        return not_enough(
            beats,
            f"only {intervals.size} of {found} beat-to-beat intervals are clean; at least half "
            "are needed for the variability to stand for the whole recording.",
        )
    metrics = _metrics(intervals, ends)
    floor = jitter_floor_ms(bvp, fps, peaks, rate_bpm, snr_needed_db)
    rmssd = metrics["rmssd_ms"]
    mean_hr = float(60.0 / intervals.mean())
    if rmssd is None or not rmssd >= FLOOR_RATIO * floor:
        shown = "unmeasurable" if rmssd is None else f"{rmssd:.0f} ms"
        return Hrv(
            "not_measurable",
            "HRV not measurable from this recording: a perfectly regular pulse at this "
            f"recording's rate, frame rate and noise reads {floor:.0f} ms RMSSD from timing "
            f"error alone, not well below the {shown} measured.",
            beats,
            mean_hr_bpm=mean_hr,
            clean_intervals=int(intervals.size),
            jitter_floor_ms=_number(floor),
        )
    return Hrv(
        status="ok",
        message=f"HRV from {intervals.size} clean intervals ({beats} of {len(peaks)} beats "
        f"passed the beat check); timing-jitter floor {floor:.1f} ms RMSSD.",
        beats=beats,
        mean_hr_bpm=mean_hr,
        clean_intervals=int(intervals.size),
        jitter_floor_ms=_number(floor),
        **metrics,
    )


def _number(value: object) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None
