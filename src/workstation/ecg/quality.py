"""Signal quality per lead and per 10 s window, decided before anything is interpreted.

An ECG engine that interprets noise misleads: electrode motion and muscle noise make a
detector find irregular "beats", which look like atrial fibrillation. So every lead is cut
into windows of about 10 s and each window is scored with published signal quality
indices (Li, Mark & Clifford, Physiol Meas 2008; Clifford et al., Physiol Meas 2012):

- bSQI, the agreement of two independent QRS detectors (matched within 150 ms);
- kSQI, the kurtosis of the trace: a clean ECG is peaky (kurtosis > 5), noise is not;
- flat or stuck stretches (electrode off, amplifier saturated at its rail, signal held);
- basSQI, the share of 0-40 Hz power above 1 Hz (baseline wander lowers it);
- pSQI, the share of 5-40 Hz power in the QRS band 5-15 Hz (muscle noise lowers it);
- tSQI, the correlation of the detected QRS complexes with the window's median QRS: real
  beats repeat their shape, "beats" found in noise do not (Orphanidou et al., IEEE J Biomed
  Health Inform 2015: acceptable from 0.66). The median over beats is used where Orphanidou
  took the mean, so that frequent ventricular ectopics, real beats of another shape, do not
  make a clean window look like noise.

A window is usable in a lead when it is neither flat nor stuck and the two detectors agree
(bSQI >= 0.8) on a peaky trace (kSQI >= 5) whose beats repeat their shape (tSQI >= 0.66):
the decision thresholds are the published ones. The other indices are reported so a reader
sees why a window looks poor. A window of the recording is usable when at least one lead is.

Detectors also disagree on clean leads: a tall T wave counted as a second beat, a small QRS
the checking detector does not see (LUDB development: 101 lead-windows of 1,788, a third of
the records losing a lead and with it that lead's ST and voltages). So where another lead of
the window is usable, a lead left out only for that disagreement is judged again at the
beats the usable lead's detectors agreed on (``rejudged_at_beats``): it is kept for the
measurements, not for the rhythm, when its QRS repeats there (correlation >= 0.9) and what
is left after subtracting its median beat from each beat (``beat_noise``) is no more than
BEAT_NOISE_MAX of that beat's height.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import numpy as np

from workstation.ecg.leads import FLAT_MV

WINDOW_S = 10.0
MATCH_S = 0.15  # [Li 2008] beats of the two detectors agree within 150 ms
BSQI_MIN = 0.8  # [Clifford 2012, Behar 2013] below 0.8 the detectors disagree: noise
KSQI_MIN = 5.0  # [Li 2008] kurtosis of a clean ECG exceeds 5
TSQI_MIN = 0.66  # [Orphanidou 2015] QRS correlation with the window's template
#: Low kurtosis alone does not make a lead noise when both detectors agree this well and its
#: beats repeat this closely: broad ST-T deflections (ST elevation, tall T waves, bundle branch
#: block) lower kurtosis, and a 2.5 mm anterior ST elevation had V2 dropped as "not ECG-like".
KSQI_RESCUE_TSQI = 0.9
KSQI_RESCUE_BSQI = 0.95
STUCK_S = 0.08  # a run this long at the window's extreme is a signal clipped at a rail
STUCK_MAX_FRACTION = 0.1
FLAT_BLOCK_S = 1.0
FLAT_MAX_FRACTION = 0.2
MIN_BEATS_PER_WINDOW = 2
DISAGREE = "QRS detectors disagree"
#: ``beat_noise`` limit for keeping a lead whose detectors disagree: about the 90th percentile
#: (0.032) of the same measure on the 1,675 lead-windows the gate accepts on LUDB development
#: (train + validation), so a kept lead is no noisier than nine in ten the gate takes anyway.
BEAT_NOISE_MAX = 0.03
RESCUE_SHAPE_MIN = KSQI_RESCUE_TSQI
MIN_TEMPLATE_BEATS = 3  # a median beat needs at least three beats
#: ``beat_noise`` needs this many beats: its median over three beats reads low (review).
MIN_RESCUE_BEATS = 5
BEAT_SPAN_S = (-0.25, 0.45)  # P wave to T wave around the R peak
#: A recording is interpretable when this much of it is usable (all of it under 10 s) and,
#: for records up to SHORT_RECORD_S, at least half of it.
MIN_USABLE_S = 10.0
SHORT_RECORD_S = 120.0


def window_edges(n_samples: int, fs: float, window_s: float = WINDOW_S) -> np.ndarray:
    """Sample edges of equal windows of about ``window_s`` covering the whole recording."""
    n = max(1, int(round(n_samples / (window_s * fs))))
    return np.linspace(0, n_samples, n + 1).round().astype(np.int64)


def confirmed(a: np.ndarray, b: np.ndarray, fs: float) -> np.ndarray:
    """For each beat of A (sorted sample indices), whether B has a beat within MATCH_S."""
    if a.size == 0 or b.size == 0:
        return np.zeros(a.size, dtype=bool)
    pos = np.clip(np.searchsorted(b, a), 1, b.size - 1) if b.size > 1 else np.zeros_like(a)
    nearest = np.minimum(np.abs(b[pos] - a), np.abs(b[np.maximum(pos - 1, 0)] - a))
    return nearest <= MATCH_S * fs


def agreed_intervals(
    a: np.ndarray, b: np.ndarray, fs: float, trusted: np.ndarray | None = None
) -> np.ndarray:
    """For each interval between consecutive beats of A, whether detector B found both its
    beats (or they are ``trusted`` without it) and none between them."""
    if a.size < 2:
        return np.zeros(0, dtype=bool)
    ends = confirmed(a, b, fs)
    if trusted is not None:
        ends |= trusted
    tolerance = MATCH_S * fs
    first = np.searchsorted(b, a[:-1] + tolerance, side="right")
    last = np.searchsorted(b, a[1:] - tolerance, side="left")
    return ends[:-1] & ends[1:] & (last <= first)


def bsqi(a: np.ndarray, b: np.ndarray, fs: float) -> float:
    """Matched beats / (beats of A + beats of B - matched); 0 when neither found any."""
    if a.size == 0 or b.size == 0:
        return 0.0
    matched = int(np.sum(confirmed(a, b, fs)))
    return matched / max(a.size + b.size - matched, 1)


def _stuck_fraction(raw: np.ndarray, fs: float) -> float:
    """Share of the window held at one value: at the window's extreme (clipped at a rail)
    for STUCK_S or more, or anywhere for FLAT_BLOCK_S or more (a dropped signal held).

    A repeated value inside the range is not saturation: a coarsely quantised or
    amplitude-normalised ECG (LUDB) repeats its sample for 100-400 ms on every flat TP
    segment, and counting those runs refused 14 of LUDB's 150 development records."""
    same = np.concatenate([[False], np.diff(raw) == 0])
    edges = np.diff(np.concatenate([[0], same.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = ends - starts
    value = raw[np.maximum(starts - 1, 0)]
    at_rail = (value == raw.max()) | (value == raw.min())
    stuck = (at_rail & (lengths >= STUCK_S * fs)) | (lengths >= FLAT_BLOCK_S * fs)
    return float(lengths[stuck].sum()) / max(raw.size, 1)


def _flat_fraction(x: np.ndarray, fs: float) -> float:
    block = max(int(FLAT_BLOCK_S * fs), 1)
    n = x.size // block
    if n == 0:
        return 0.0
    blocks = x[: n * block].reshape(n, block)
    return float(np.mean(np.ptp(blocks, axis=1) < FLAT_MV))


def _kurtosis(x: np.ndarray) -> float:
    """Pearson kurtosis (a Gaussian gives 3)."""
    centred = x - x.mean()
    squared = centred * centred
    var = float(squared.sum()) / x.size
    return float(squared @ squared) / x.size / var**2 if var > 0 else 0.0


@lru_cache(maxsize=8)
def _hann(n: int) -> np.ndarray:
    """The Hann taper of n samples, made once per window length (every lead and window of a
    recording has one of two lengths)."""
    return np.hanning(n)


def _spectrum(raw: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """Periodogram of the mean-removed window (Hann taper): enough for band-power ratios."""
    x = (raw - raw.mean()) * _hann(raw.size)
    return np.fft.rfftfreq(raw.size, 1.0 / fs), np.abs(np.fft.rfft(x)) ** 2


def _band_power(freqs: np.ndarray, power: np.ndarray, lo: float, hi: float) -> float:
    return float(power[(freqs >= lo) & (freqs < hi)].sum())


def interpretable(usable_s: float, duration_s: float) -> bool:
    """Enough usable signal to say anything about rhythm: at least MIN_USABLE_S (or the whole
    of a shorter record), and half of a record up to SHORT_RECORD_S. A function of the two
    figures the stored analysis keeps, so that an analysis stored before its findings were
    withheld can be judged again when it is shown."""
    if usable_s < min(duration_s, MIN_USABLE_S) - 1e-6:
        return False
    return duration_s > SHORT_RECORD_S or usable_s >= 0.5 * duration_s


@dataclass(frozen=True)
class LeadWindowQuality:
    """The quality indices of one lead in one window and, when unusable, why."""

    bsqi: float
    ksqi: float
    tsqi: float
    bas_sqi: float
    p_sqi: float
    flat_fraction: float
    stuck_fraction: float
    n_beats: int
    reason: str | None
    #: Measured only when the lead is judged at another lead's beats: see ``beat_noise``.
    beat_noise: float | None = None

    @property
    def usable(self) -> bool:
        return self.reason is None

    @property
    def detectors_disagree(self) -> bool:
        """Left out only because its two QRS detectors disagree (see ``rejudged_at_beats``)."""
        return self.reason is not None and self.reason.startswith(DISAGREE)


def lead_window_quality(
    raw: np.ndarray,
    filtered: np.ndarray,
    primary: np.ndarray,
    secondary: np.ndarray,
    template_correlation: float,
    fs: float,
) -> LeadWindowQuality:
    """Score one lead's window: raw millivolts, its detection-band trace, both detectors'
    beats (indices into the window) and the beats' mean correlation with their median QRS."""
    stuck = _stuck_fraction(raw, fs)
    flat = _flat_fraction(filtered, fs)
    agreement = bsqi(primary, secondary, fs)
    peaky = _kurtosis(filtered)
    freqs, power = _spectrum(raw, fs)
    total = _band_power(freqs, power, 0.0, 40.0)
    bas = 1.0 - _band_power(freqs, power, 0.0, 1.0) / total if total > 0 else 0.0
    qrs_band = _band_power(freqs, power, 5.0, 40.0)
    p_sqi = _band_power(freqs, power, 5.0, 15.0) / qrs_band if qrs_band > 0 else 0.0
    if flat > FLAT_MAX_FRACTION:
        reason = "flat signal (electrode off?)"
    elif stuck > STUCK_MAX_FRACTION:
        reason = "signal stuck at one value (saturated or dropped)"
    elif primary.size < MIN_BEATS_PER_WINDOW:
        reason = "no heartbeats recognisable"
    elif agreement < BSQI_MIN:
        # Noise is the usual cause, but not the only one: a tall T wave counted as a second
        # beat, or a QRS one detector does not see, makes them disagree on a clean lead too
        # (LUDB 1, V2: the primary detector found every T wave), so the text says both.
        reason = (
            f"{DISAGREE} (bSQI {agreement:.2f} < {BSQI_MIN}): noise, or waves "
            "that mislead a detector"
        )
    elif peaky < KSQI_MIN and not (
        agreement >= KSQI_RESCUE_BSQI and template_correlation >= KSQI_RESCUE_TSQI
    ):
        reason = f"noise: trace not ECG-like (kurtosis {peaky:.1f} < {KSQI_MIN:g})"
    elif template_correlation < TSQI_MIN:
        reason = (
            f"noise: beats differ in shape (QRS correlation {template_correlation:.2f} "
            f"< {TSQI_MIN})"
        )
    else:
        reason = None
    return LeadWindowQuality(
        round(agreement, 3),
        round(peaky, 2),
        round(template_correlation, 3),
        round(bas, 3),
        round(p_sqi, 3),
        round(flat, 3),
        round(stuck, 3),
        int(primary.size),
        reason,
    )


def median_beat_fit(segments: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each beat (rows of ``segments``) less its own median, the median beat of those, and
    the least-squares gain that scales the median beat to each beat."""
    centred = segments - np.median(segments, axis=1, keepdims=True)
    template = np.median(centred, axis=0)
    gain = centred @ template / max(float(template @ template), 1e-12)
    return centred, template, gain


def beat_span(fs: float) -> tuple[int, int]:
    """Samples from the R peak to a beat segment's start and end (BEAT_SPAN_S at ``fs``)."""
    start, stop = (int(round(s * fs)) for s in BEAT_SPAN_S)
    return start, stop


def beat_segments(x: np.ndarray, beats: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """The beats whose whole span lies inside ``x``, and their segments (beats × samples)."""
    start, stop = beat_span(fs)
    inside = beats[(beats + start >= 0) & (beats + stop <= x.size)]
    return inside, x[inside[:, None] + np.arange(start, stop)[None, :]]


def beat_noise(x: np.ndarray, beats: np.ndarray, fs: float) -> float | None:
    """Median over beats of the RMS left after cancelling the median beat, over the median
    beat's peak-to-peak height; None with fewer than MIN_RESCUE_BEATS whole beats (with
    three, the median of three RMS values reads about a seventh lower than with ten).

    The median over beats, not the whole trace: the measurements are taken on the median
    beat, which an ectopic beat or a burst of motion in a few beats does not move, and an
    ectopic beat differs from the median without being noise. So a lead whose noise comes
    in bursts covering less than half its beats is kept; noise throughout is not."""
    inside, segments = beat_segments(x, beats, fs)
    if inside.size < MIN_RESCUE_BEATS:
        return None
    centred, template, gain = median_beat_fit(segments)
    residual = centred - gain[:, None] * template[None, :]
    height = float(np.ptp(template))
    if not height > 0:
        return None
    rms = np.sqrt(np.mean((residual - residual.mean(axis=1, keepdims=True)) ** 2, axis=1))
    return float(np.median(rms)) / height


def rejudged_at_beats(
    q: LeadWindowQuality, shape: float | None, noise: float | None
) -> LeadWindowQuality:
    """A lead left out only because its detectors disagree, judged at another usable lead's
    beats: its QRS correlation with its median QRS there (``shape``) and its ``beat_noise``.
    Kept (reason None) when its QRS repeats and it is no noisier than leads the gate takes;
    otherwise its reason says which of the two failed, so the reader is not left to guess
    whether a detector or the signal was at fault. Other leads are returned as they are.
    Kurtosis is not judged again: a trace whose QRS repeats at correlation 0.9 with little
    left around its median beat is an ECG whatever its peakiness (broad ST-T waves lower it).
    Written so that a NaN (never reached: recordings with one are refused) keeps it out."""
    if not q.detectors_disagree or shape is None or noise is None:
        return q
    judged = replace(q, beat_noise=round(noise, 4))
    disagree = f"{DISAGREE} (bSQI {q.bsqi:.2f} < {BSQI_MIN})"
    if not shape >= RESCUE_SHAPE_MIN:
        return replace(
            judged,
            reason=f"{disagree} and the QRS does not repeat at the other leads' beats "
            f"(correlation {shape:.2f} < {RESCUE_SHAPE_MIN})",
        )
    if not noise <= BEAT_NOISE_MAX:
        return replace(
            judged,
            reason=f"{disagree} and the beats differ too much from their median beat (by "
            f"{100 * noise:.0f} % of its height, limit {100 * BEAT_NOISE_MAX:.0f} %)",
        )
    return replace(judged, reason=None)


_FIGURES = re.compile(r" \([^()]*\d[^()]*\)")


def commonest_reason(reasons: Sequence[str | None]) -> str:
    """The reason given most often, its figures aside (ties: the first met), in the wording
    it was first given; "unusable" when none. Counting whole strings made nearly every
    reason unique, and the pick then depended on set order, which varies run to run."""
    named = [r for r in reasons if r]
    if not named:
        return "unusable"
    kinds = [_FIGURES.sub("", r) for r in named]
    commonest = max(dict.fromkeys(kinds), key=kinds.count)
    return named[kinds.index(commonest)]


def left_out_text(leads_unusable: Mapping[str, str], label: Callable[[str], str]) -> str:
    """The leads left out, grouped by their reason without its figures ("QRS detectors
    disagree (bSQI 0.22 < 0.8)" and "... (bSQI 0.31 < 0.8)" are one reason), in the order
    first met: "III, aVL (reason); V2 (reason)". Short enough for a report line or a header
    when many leads are out; the figures stay in the JSON and the app's tooltip."""
    groups: dict[str, list[str]] = {}
    for lead, why in leads_unusable.items():
        groups.setdefault(_FIGURES.sub("", why), []).append(label(lead))
    return "; ".join(f"{', '.join(leads)} ({why})" for why, leads in groups.items())


INDEX_NAMES = tuple(f.name for f in fields(LeadWindowQuality))


@dataclass
class QualityMap:
    """Quality of every lead in every window; ``edges`` are sample indices at ``fs``."""

    leads: list[str]
    fs: float
    edges: np.ndarray
    windows: list[list[LeadWindowQuality]]  # window × lead

    @property
    def usable(self) -> np.ndarray:
        """windows × leads, True where the lead is usable in the window."""
        return np.asarray([[q.usable for q in w] for w in self.windows], dtype=bool).reshape(
            len(self.windows), len(self.leads)
        )

    @property
    def window_usable(self) -> np.ndarray:
        return self.usable.any(axis=1)

    @property
    def duration_s(self) -> float:
        return float(self.edges[-1]) / self.fs

    @property
    def usable_s(self) -> float:
        lengths = np.diff(self.edges) / self.fs
        return float(lengths[self.window_usable].sum())

    @property
    def interpretable(self) -> bool:
        """Enough usable signal to say anything about rhythm (``interpretable``)."""
        return interpretable(self.usable_s, self.duration_s)

    def best_lead(self, window: int) -> int | None:
        """The usable lead with the best detector agreement (then kurtosis) in a window."""
        candidates = [(q.bsqi, q.ksqi, k) for k, q in enumerate(self.windows[window]) if q.usable]
        return max(candidates)[2] if candidates else None

    def excluded_spans_s(self) -> list[tuple[float, float]]:
        """Merged (start, end) seconds of windows where no lead is usable."""
        spans: list[tuple[float, float]] = []
        for w in np.flatnonzero(~self.window_usable):
            start, end = self.edges[w] / self.fs, self.edges[w + 1] / self.fs
            if spans and abs(spans[-1][1] - start) < 1e-9:
                spans[-1] = (spans[-1][0], float(end))
            else:
                spans.append((float(start), float(end)))
        return spans

    def lead_reasons(self) -> dict[str, str]:
        """Per lead, the commonest reason its windows were unusable (leads never usable)."""
        out = {}
        usable = self.usable
        for k, lead in enumerate(self.leads):
            if usable[:, k].any():
                continue
            out[lead] = commonest_reason([w[k].reason for w in self.windows])
        return out

    def to_json(self) -> dict[str, Any]:
        """Window edges (samples at ``sample_rate_hz``) and, per index, a windows × leads
        table (compact enough for a 24-hour recording's 8,640 windows)."""
        return {
            "window_edges": self.edges.tolist(),
            "leads": list(self.leads),
            "usable_s": round(self.usable_s, 1),
            "duration_s": round(self.duration_s, 1),
            "excluded_s": [[round(a, 2), round(b, 2)] for a, b in self.excluded_spans_s()],
            "indices": {
                name: [[getattr(q, name) for q in w] for w in self.windows] for name in INDEX_NAMES
            },
        }
