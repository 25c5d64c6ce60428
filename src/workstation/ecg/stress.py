"""Hostile inputs made from real recordings, for the tests and the benchmarks.

Real noise for testing the quality gate: what is left of a noisy recording without its beats.

White noise is easy to refuse; the noise that fools a rhythm engine is electrode motion,
muscle and baseline wander. No noise stress test database is available offline, so noise
is cut from real recordings: each beat of a noisy wearable ECG (CPSC 2019, cardiologist R
peaks) is cancelled by subtracting the record's median beat, scaled to it by least squares,
and what remains is that recording's own motion, muscle and baseline noise (the same beat
cancellation with which the quality gate measures a lead's noise).

Rhythms made from real beats: ``retime_beats`` lays a recording's own beats down again at
new intervals (sinus arrhythmia, premature beats, pauses), so that every P wave, QRS, T wave
and noise sample is a real one and only the timing, and for an ectopic beat its P wave or
QRS, changes. The shared data hold few such rhythms; the rhythm engine must neither call
them AF nor refuse them as noise.

Used by the tests and the benchmarks, never by the analysis.
"""

from __future__ import annotations

import numpy as np

from workstation.dsp.filters import highpass
from workstation.ecg.quality import MIN_TEMPLATE_BEATS, beat_segments, beat_span, median_beat_fit

BAND_LOW_HZ = 0.67
#: Beats are cut this far into each RR interval after their R peak: after the T wave,
#: before the next P wave.
CUT_AT = 0.62
P_WAVE_S = (0.24, 0.06)  # before the R peak: where the P wave of a conducted beat lies
T_WAVE_S = (0.12, 0.45)  # after the R peak
QRS_HALF_S = 0.06
#: A premature ventricular complex is the beat's QRS window stretched by this factor (a QRS
#: of about 150 ms), inverted and 1.3 times as tall. At 2.2 (about 200 ms) the checking QRS
#: detector missed 295 of 412 such complexes (issue #15 notes).
PVC_WIDENING = 1.7
PVC_GAIN = -1.3
#: A premature atrial complex has its P wave inverted at half height: a low atrial focus.
PAC_P_GAIN = -0.5
RIPPLE_HALF_S = 0.04


def residual_noise(x: np.ndarray, r_peaks: np.ndarray, fs: float) -> np.ndarray:
    """``x`` with every beat at ``r_peaks`` cancelled (median template, least-squares gain)."""
    out = np.asarray(x, dtype=np.float64).copy()
    inside, segments = beat_segments(out, r_peaks, fs)
    if inside.size < MIN_TEMPLATE_BEATS:
        return out
    _, template, gain = median_beat_fit(segments)
    start, stop = beat_span(fs)
    for r, g in zip(inside, gain, strict=True):
        out[r + start : r + stop] -= g * template
    return out


def noisiness(x: np.ndarray, r_peaks: np.ndarray, fs: float) -> float:
    """Residual RMS over the median absolute R amplitude: how noisy the recording is."""
    residual = residual_noise(x, r_peaks, fs)
    r_amp = float(np.median(np.abs(x[r_peaks[(r_peaks >= 0) & (r_peaks < x.size)]])))
    return float(np.sqrt(np.mean((residual - residual.mean()) ** 2))) / max(r_amp, 1e-9)


def add_noise(clean: np.ndarray, noise: np.ndarray, snr_db: float, fs: float) -> np.ndarray:
    """``clean`` plus ``noise`` (tiled to length) at the given signal-to-noise ratio.

    Both powers are taken above 0.67 Hz (the diagnostic band's lower edge): baseline wander
    carries most of a noisy recording's power but is filtered away before any beat is
    looked for, so an SNR counting it would make the test far easier than it sounds. The
    noise is added whole, wander included.
    """
    reps = int(np.ceil(clean.shape[-1] / noise.size))
    tiled = np.tile(noise, reps)[: clean.shape[-1]]
    tiled = tiled - tiled.mean()
    signal_rms = float(np.sqrt(np.mean(highpass(clean, fs, BAND_LOW_HZ) ** 2)))
    noise_rms = float(np.sqrt(np.mean(highpass(tiled, fs, BAND_LOW_HZ) ** 2)))
    gain = signal_rms / max(noise_rms, 1e-12) / 10 ** (snr_db / 20)
    return clean + gain * tiled


def _ventricular(beat: np.ndarray, r: int, fs: float) -> np.ndarray:
    """A wide, inverted complex without a P wave, its T wave inverted, from a normal beat."""
    out = beat.copy()
    p0, p1 = r - int(P_WAVE_S[0] * fs), r - int(P_WAVE_S[1] * fs)
    out[max(p0, 0) : max(p1, 0)] = 0.0
    t0, t1 = r + int(T_WAVE_S[0] * fs), min(r + int(T_WAVE_S[1] * fs), len(out))
    out[t0:t1] *= -1.0
    half = int(QRS_HALF_S * fs)
    qrs = beat[r - half : r + half]
    wide_half = int(PVC_WIDENING * half)
    stretched = np.interp(np.linspace(0, len(qrs) - 1, 2 * wide_half), np.arange(len(qrs)), qrs)
    lo, hi = max(r - wide_half, 0), min(r + wide_half, len(out))
    out[lo:hi] = PVC_GAIN * stretched[lo - (r - wide_half) : hi - (r - wide_half)]
    return out


def _atrial(beat: np.ndarray, r: int, fs: float) -> np.ndarray:
    out = beat.copy()
    p0, p1 = r - int(P_WAVE_S[0] * fs), r - int(P_WAVE_S[1] * fs)
    out[max(p0, 0) : max(p1, 0)] *= PAC_P_GAIN
    return out


def diastole_ripple(y: np.ndarray, cuts: np.ndarray, fs: float) -> np.ndarray:
    """The ripple of the T-P baseline around each cut (its mean removed), joined without
    steps by Hann-windowed chunks overlapped by half: plain joins left steps that a QRS
    detector took for beats."""
    half = int(RIPPLE_HALF_S * fs)
    chunks = [y[c - half : c + half] for c in cuts if c - half >= 0 and c + half <= len(y)]
    window = np.hanning(2 * half + 1)[:-1]
    out = np.zeros(half * (len(chunks) + 1))
    for i, chunk in enumerate(chunks):
        out[i * half : i * half + 2 * half] += window * (chunk - chunk.mean())
    return out[half:-half]


def retime_beats(
    y: np.ndarray, peaks: np.ndarray, fs: float, rr_s: np.ndarray, kinds: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The beats of ``y`` (one lead, baseline removed) laid down again at new intervals.

    ``peaks`` are the R peaks; beats are cut at CUT_AT of each interval. ``rr_s`` gives the
    new interval before each beat's successor (one per interval of ``peaks``), ``kinds`` one
    letter per beat: 'n' as recorded, 'a' a premature atrial complex (its P wave inverted),
    'v' a premature ventricular complex (``PVC_WIDENING``), 'x' left out with its P wave
    (its interval joins the next: a pause). The first and last beats only bound the cuts.
    A shorter interval sums the next beat's P wave onto the T wave before it, as a
    premature P wave rides on the T wave; a longer one is filled with a straight line
    between the beats' levels plus the recording's own diastolic ripple. Returns the made
    trace and where each beat's R peak now lies (-1 for a beat not laid down), so that
    what the engine finds can be scored beat by beat."""
    rr = np.diff(peaks).astype(np.float64)
    cuts = (peaks[:-1] + CUT_AT * rr).astype(int)
    ripple = diastole_ripple(y, cuts, fs)
    out = np.zeros(int(np.sum(rr_s) * fs) + len(y))
    filled, r_new, end = 0, float(peaks[1] - cuts[0]), 0
    placed = np.full(len(peaks), -1, dtype=np.int64)
    for k in range(1, len(peaks) - 1):
        if k > 1:
            r_new += rr_s[k - 1] * fs
        if kinds[k] == "x":
            continue
        seg = y[cuts[k - 1] : cuts[k]]
        r_in = int(peaks[k] - cuts[k - 1])
        if kinds[k] == "a":
            seg = _atrial(seg, r_in, fs)
        elif kinds[k] == "v":
            seg = _ventricular(seg, r_in, fs)
        start = int(round(r_new)) - r_in
        placed[k] = start + r_in
        if start > end:
            gap = start - end
            level = np.linspace(out[end - 1] if end else seg[0], seg[0], gap + 2)[1:-1]
            out[end:start] += ripple[(filled + np.arange(gap)) % len(ripple)] + level
            filled += gap
        out[start : start + len(seg)] += seg
        end = max(end, start + len(seg))
    return out[:end], placed
