"""Per-lead ST measurement on the median beats: J point, ST at J+60 and J+80 ms.

The J point is the delineation's global QRS offset (the end of QRS across all leads), the
reference point of the Fourth Universal Definition of MI (Thygesen et al., Circulation
2018;138:e618). ST levels are measured against the PR-segment baseline (median of the PR
segment, the isoelectric reference of the AHA recommendations, Kligfield et al. 2007); when
no P wave was delineated (AF, junctional rhythm) the TP segment after the T wave is used
instead, and when neither is long enough, the 30 ms before QRS onset. Values are in µV and in
mm at the standard 10 mm/mV gain, the unit in which the ischaemia thresholds are written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from workstation.ecg.delineation import Beat
from workstation.ecg.measurements import (
    MEDIAN_BEAT_WINDOW_S,
    Measurements,
    beat_windows,
    typical_beat,
)

GAIN_MM_PER_MV = 10.0
ST_OFFSETS_MS = (60, 80)
MIN_BASELINE_MS = 10.0
#: Samples either side of a measuring point that are averaged (± 4 ms): the median beat is
#: already an average, this only removes the last sample-to-sample noise.
POINT_HALF_WIDTH_MS = 4.0
PRE_QRS_BASELINE_MS = (30.0, 5.0)
#: Standard error (µV) of a lead's median ST levels above which they are uncertain. The
#: ischaemia criteria step in 0.5 mm (50 µV): above 25 µV the 95 % interval of a level
#: spans more than one such step either side. Clean leads measure 4-16 µV; a lead with
#: real noise that passes the quality gate can move its own ST by 100 µV and more.
ST_SE_MAX_UV = 25.0
#: Standard errors an uncertain level must clear a criterion's limit by to count.
MARGIN_SE = 2.0
#: Standard error of a median over that of a mean, for normal data ((pi/2) ** 0.5), and
#: the MAD-to-SD factor: together they turn the beats' MAD into the median's standard error.
MEDIAN_SE_FACTOR = 1.2533 * 1.4826
#: Beats needed to judge how much a lead's ST varies. With 3 or 4 the MAD runs low, so a
#: small error there is weak evidence of a clean lead, but a large one is still seen.
MIN_BEATS_FOR_ERROR = 3


@dataclass(frozen=True)
class LeadST:
    """One lead's J point and ST levels (µV) against its isoelectric baseline."""

    j_uv: float | None
    st60_uv: float | None
    st80_uv: float | None
    baseline: str  # 'PR segment', 'TP segment' or 'pre-QRS'
    #: How far the levels could be off: the largest standard error of the median J, J+60
    #: and J+80 over the beats (µV); None when too few beats to judge it.
    standard_error_uv: float | None = None

    @property
    def margin_uv(self) -> float | None:
        """How far a level must pass a criterion's limit to count: two standard errors for
        a lead whose ST is uncertain (standard error above ST_SE_MAX_UV), None for the
        others, whose error is small beside the criteria's 0.5 mm steps."""
        if self.standard_error_uv is None or self.standard_error_uv <= ST_SE_MAX_UV:
            return None
        return round(MARGIN_SE * self.standard_error_uv, 1)

    @property
    def margin_mm(self) -> float | None:
        return to_mm(self.margin_uv)

    @property
    def j_mm(self) -> float | None:
        return to_mm(self.j_uv)

    @property
    def st60_mm(self) -> float | None:
        return to_mm(self.st60_uv)

    @property
    def st80_mm(self) -> float | None:
        return to_mm(self.st80_uv)

    def to_json(self) -> dict[str, float | str | None]:
        return {
            "j_uv": self.j_uv,
            "st60_uv": self.st60_uv,
            "st80_uv": self.st80_uv,
            "j_mm": self.j_mm,
            "st60_mm": self.st60_mm,
            "st80_mm": self.st80_mm,
            "baseline": self.baseline,
            "standard_error_uv": self.standard_error_uv,
            "margin_uv": self.margin_uv,
            "margin_mm": self.margin_mm,
        }


def to_mm(uv: float | None) -> float | None:
    """Microvolts as millimetres on paper at the standard gain (10 mm/mV)."""
    return None if uv is None else round(uv / 1000.0 * GAIN_MM_PER_MV, 2)


def _point(beat: np.ndarray, index: int, half: int) -> float | None:
    if index < 0 or index >= beat.size:
        return None
    return float(np.mean(beat[max(index - half, 0) : index + half + 1]))


def isoelectric_level(
    beat: np.ndarray, typical: Beat, fs: float, rr_ms: float | None
) -> tuple[float, str]:
    """The baseline of one median beat and where it was taken (indices relative to QRS on)."""
    zero = -int(MEDIAN_BEAT_WINDOW_S[0] * fs)
    min_len = int(MIN_BASELINE_MS * fs / 1000.0)
    if typical.p_off is not None and -typical.p_off >= min_len:
        segment = beat[zero + typical.p_off + 1 : zero]
        return float(np.median(segment)), "PR segment"
    if typical.t_off is not None:
        start = zero + typical.t_off + int(0.02 * fs)
        stop = beat.size
        if rr_ms is not None:  # stop before the next beat's P wave (PR at most 200 ms)
            stop = min(stop, zero + int((rr_ms - 200.0) * fs / 1000.0))
        if stop - start >= min_len:
            return float(np.median(beat[start:stop])), "TP segment"
    early, late = (int(ms * fs / 1000.0) for ms in PRE_QRS_BASELINE_MS)
    return float(np.median(beat[max(zero - early, 0) : zero - late])), "pre-QRS"


def lead_st(beat: np.ndarray, typical: Beat, fs: float, rr_ms: float | None) -> LeadST:
    """J point and ST at J+60/J+80 ms of one median beat (millivolts in, µV out)."""
    zero = -int(MEDIAN_BEAT_WINDOW_S[0] * fs)
    level, source = isoelectric_level(beat, typical, fs, rr_ms)
    half = int(POINT_HALF_WIDTH_MS * fs / 1000.0)
    j = zero + typical.qrs_off

    def at(offset_ms: float) -> float | None:
        value = _point(beat, j + int(round(offset_ms * fs / 1000.0)), half)
        return None if value is None else round(1000.0 * (value - level), 1)

    return LeadST(at(0.0), *(at(ms) for ms in ST_OFFSETS_MS), source)


def standard_error(
    windows: np.ndarray, typical: Beat, fs: float, rr_ms: float | None
) -> float | None:
    """The largest standard error (µV) of the median J, J+60 and J+80 levels, from how much
    they vary beat to beat (MAD, robust to a few odd beats); each beat is measured against
    its own baseline, so baseline wander between beats does not count as noise. None with
    fewer than MIN_BEATS_FOR_ERROR beats (the analysis needs as many): the MAD of one or two
    values is 0 or their half-difference, which says nothing."""
    levels = np.array(
        [[s.j_uv, s.st60_uv, s.st80_uv] for s in (lead_st(w, typical, fs, rr_ms) for w in windows)],
        dtype=float,
    )
    counts = np.sum(np.isfinite(levels), axis=0)
    if counts.min() < MIN_BEATS_FOR_ERROR:
        return None
    mad = np.nanmedian(np.abs(levels - np.nanmedian(levels, axis=0)), axis=0)
    return round(float(np.max(MEDIAN_SE_FACTOR * mad / np.sqrt(counts))), 1)


def measure_st(
    m: Measurements, beats: list[Beat], fs: float, leads: dict[str, np.ndarray]
) -> dict[str, LeadST]:
    """ST of every lead with a median beat and its standard error; ``beats`` and ``leads``
    (the signals the median beats were taken from) at ``fs``, the median beats' rate.

    Where the rhythm analysis found no coherent P wave (``pr_ms`` removed), the delineator's
    'P waves' are f waves or noise, so the baseline is taken from the TP segment instead.
    """
    if not beats or not m.median_beats:
        return {}
    typical = typical_beat(beats)
    if m.pr_ms is None:
        typical = replace(typical, p_on=None, p_off=None)
    rr = m.rhythm.rr_mean_ms
    out = {}
    for lead, beat in m.median_beats.items():
        st = lead_st(beat, typical, fs, rr)
        windows = beat_windows(leads[lead], beats, fs)
        error = None if windows is None else standard_error(windows, typical, fs, rr)
        out[lead] = replace(st, standard_error_uv=error)
    return out


@dataclass(frozen=True)
class STSegment:
    """Every lead's ST measurement, or why none is given: in a file whose amplitudes were
    normalised per lead (LUDB), a microvolt is not a microvolt and no value is shown."""

    leads: dict[str, LeadST]
    calibrated: bool

    def to_json(self) -> dict[str, object]:
        if not self.calibrated:
            return {
                "gain_mm_per_mv": GAIN_MM_PER_MV,
                "leads": {},
                "not_measured": "lead amplitudes are normalised in this file: ST levels in "
                "µV and mm would not be true values",
            }
        return {
            "gain_mm_per_mv": GAIN_MM_PER_MV,
            "leads": {lead: st.to_json() for lead, st in self.leads.items()},
        }
