"""Voice arousal indicators from speech: pitch, loudness, jitter, shimmer, speech rate and
pauses, with a speech-presence and signal-to-noise check.

Written on numpy/scipy rather than librosa (not in the project's lock; these few measures
need nothing more): pitch by YIN (de Cheveigné & Kawahara, JASA 2002) on 40 ms frames every
10 ms; jitter and shimmer "local" as Praat defines them (mean absolute difference of
consecutive periods / peak amplitudes over their mean) from one waveform peak per glottal
cycle; syllables as peaks of the loudness envelope (de Jong & Wempe, Behav Res Methods 2009,
simplified). No stress threshold is applied here: the fusion compares each number with the
same patient's baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import signal
from scipy.io import wavfile

from workstation.wellness.observation import ModalityResult, Quality, not_measurable

FRAME_S = 0.04
HOP_S = 0.01
F0_RANGE = (75.0, 400.0)
YIN_THRESHOLD = 0.15
#: A frame whose best CMNDF dip is above this is aperiodic (noise, fricative, silence).
MAX_APERIODICITY = 0.5
MIN_SPEECH_S = 2.0
MIN_SPEECH_FRACTION = 0.1
MIN_SNR_DB = 10.0
MIN_PAUSE_S = 0.25
WINDOW_S = 5.0
UPSAMPLE = 8
YIN_BLOCK = 2000

UNITS = {
    "pitch_mean_hz": "Hz",
    "pitch_sd_semitones": "semitones",
    "loudness_dbfs": "dBFS",
    "jitter_local_pct": "%",
    "shimmer_local_pct": "%",
    "speech_rate_syl_s": "syllables/s",
    "articulation_rate_syl_s": "syllables/s",
    "pauses_per_min": "/min",
    "mean_pause_s": "s",
}


@dataclass(frozen=True)
class Audio:
    """Mono samples in [-1, 1] at ``fs``; held in memory only."""

    samples: np.ndarray
    fs: float
    source: str


def read_audio(path: str | Path) -> Audio:
    """Read a WAV file (any PCM width or float) with scipy, or any other audio or video file
    through ``media_audio`` (16 kHz), mixed to mono."""
    path = Path(path)
    try:
        fs, data = wavfile.read(path)
    except (OSError, ValueError):
        from workstation.wellness.media_audio import read_media_audio

        return read_media_audio(path)
    x = np.asarray(data, dtype=np.float64)
    if np.issubdtype(data.dtype, np.integer):
        x = x / float(np.iinfo(data.dtype).max)
    if x.ndim == 2:
        x = x.mean(axis=1)
    return Audio(x, float(fs), path.name)


def _frames(x: np.ndarray, fs: float) -> np.ndarray:
    n, hop = int(FRAME_S * fs), int(HOP_S * fs)
    if len(x) < n:
        return np.zeros((0, n))
    return np.lib.stride_tricks.sliding_window_view(x, n)[::hop]


def yin(frames: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """F0 (Hz, NaN when aperiodic) and the aperiodicity (CMNDF minimum) of each frame.

    Done in blocks of frames, so that a long recording (a 20-minute live session is 120,000
    frames) does not need its whole spectrum matrix in memory at once."""
    if len(frames) > YIN_BLOCK:
        parts = [yin(frames[i : i + YIN_BLOCK], fs) for i in range(0, len(frames), YIN_BLOCK)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    n = frames.shape[1]
    tau_max = int(fs / F0_RANGE[0])
    tau_min = int(fs / F0_RANGE[1])
    w = n - tau_max
    if w <= 0 or len(frames) == 0:
        return np.full(len(frames), np.nan), np.ones(len(frames))
    size = 1 << int(np.ceil(np.log2(n + w)))
    spec_a = np.fft.rfft(frames[:, :w], size)
    spec_b = np.fft.rfft(frames, size)
    r = np.fft.irfft(np.conj(spec_a) * spec_b, size)[:, : tau_max + 1]
    sq = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames**2, axis=1)], axis=1)
    e0 = sq[:, w][:, None]
    taus = np.arange(tau_max + 1)
    e_tau = sq[:, taus + w] - sq[:, taus]
    d = np.maximum(e0 + e_tau - 2 * r, 0.0)
    cum = np.cumsum(d[:, 1:], axis=1)
    cmndf = np.ones_like(d)
    cmndf[:, 1:] = d[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)
    f0 = np.full(len(frames), np.nan)
    aperiodicity = np.ones(len(frames))
    for i, row in enumerate(cmndf):
        seg = row[tau_min : tau_max + 1]
        below = np.flatnonzero(seg < YIN_THRESHOLD)
        if len(below):
            k = below[0]
            while k + 1 < len(seg) and seg[k + 1] < seg[k]:
                k += 1
        else:
            k = int(np.argmin(seg))
        aperiodicity[i] = seg[k]
        if seg[k] > MAX_APERIODICITY:
            continue
        tau = float(k + tau_min)
        if 0 < k < len(seg) - 1:
            a, b, c = seg[k - 1 : k + 2]
            if a - 2 * b + c != 0:
                tau += 0.5 * (a - c) / (a - 2 * b + c)
        f0[i] = fs / tau
    return f0, aperiodicity


def cycle_perturbation(
    x: np.ndarray, fs: float, f0: np.ndarray, voiced: np.ndarray
) -> tuple[float, float, int]:
    """Jitter and shimmer (local, %) over voiced runs, and the number of periods used.

    One peak per cycle (the highest, at least 0.7 period apart), refined by a parabola;
    periods outside 0.7-1.3 × the run's median are dropped, as Praat's period factor does.
    """
    hop = int(HOP_S * fs)
    n = int(FRAME_S * fs)
    jit_num = shim_num = 0.0
    jit_den = shim_den = 0.0
    count = 0
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(int), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start < 5:
            continue
        # 8x band-limited upsampling first, so the peak times are not biased by where a
        # sharp peak falls between samples (Praat interpolates with sincs for the same reason).
        period = UPSAMPLE * fs / float(np.nanmedian(f0[start:stop]))
        # A frame's label describes its middle half: the run's outer quarters may be silence.
        raw = x[start * hop + n // 4 : (stop - 1) * hop + n - n // 4]
        seg = signal.resample_poly(raw, UPSAMPLE, 1)
        peaks, _ = signal.find_peaks(seg, distance=max(int(0.7 * period), 1))
        peaks = peaks[(peaks > 0) & (peaks < len(seg) - 1)]
        if len(peaks):
            peaks = peaks[seg[peaks] > 0.3 * np.median(seg[peaks])]
        if len(peaks) < 3:
            continue
        a, b, c = seg[peaks - 1], seg[peaks], seg[peaks + 1]
        denom = a - 2 * b + c
        shift = np.where(denom != 0, 0.5 * (a - c) / np.where(denom != 0, denom, 1), 0.0)
        times = peaks + shift
        amps = b - 0.25 * (a - c) * shift
        periods = np.diff(times)
        ok = (periods > 0.7 * period) & (periods < 1.3 * period)
        pairs = ok[1:] & ok[:-1]
        if not pairs.any():
            continue
        jit_num += float(np.abs(np.diff(periods))[pairs].sum())
        jit_den += float(periods[1:][pairs].sum())
        amp_pairs = np.abs(np.diff(amps))[ok]
        shim_num += float(amp_pairs.sum())
        shim_den += float(amps[1:][ok].sum())
        count += int(pairs.sum())
    if count < 10:
        return float("nan"), float("nan"), count
    return 100 * jit_num / jit_den, 100 * shim_num / shim_den, count


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2], strict=True))


def _syllables(level_db: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """Frame indices of syllable nuclei: envelope peaks 4 dB above their surroundings, at
    least 100 ms apart, inside speech."""
    smooth = np.convolve(level_db, np.ones(5) / 5, mode="same")
    peaks, _ = signal.find_peaks(smooth, prominence=4.0, distance=int(0.1 / HOP_S))
    return peaks[speech[peaks]]


def analyse_voice(audio: Audio, checks_only: bool = False) -> ModalityResult:
    """Voice features over the whole recording and in 5 s windows; 'not measurable' when
    there is too little speech or too much noise. With ``checks_only`` just the quality
    verdict (speech present, SNR), without the features: the live readout's once-a-second
    look at the last seconds, at a fraction of the cost."""
    fs, x = audio.fs, audio.samples - np.mean(audio.samples)
    if fs < 8000:
        return not_measurable(
            "voice", f"audio sampled at {fs:.0f} Hz (needs 8 kHz or more)", {"fs_hz": fs}, UNITS
        )
    frames = _frames(x, fs)
    if len(frames) < 10:
        return not_measurable("voice", "the audio is shorter than 0.1 s", {}, UNITS)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    level = 20 * np.log10(rms + 1e-10)
    zcr_hz = np.mean(np.abs(np.diff(np.signbit(frames), axis=1)), axis=1) * fs
    floor, top = np.percentile(level, 10), np.percentile(level, 90)
    threshold = max(-55.0, min(floor + 9.0, top - 15.0))
    f0, aperiodicity = yin(frames, fs)
    # Voiced: periodic, and either few zero crossings (a fricative has many) or so clearly
    # periodic that crossings from background noise between glottal pulses do not matter.
    voiced = (level > threshold) & np.isfinite(f0) & ((zcr_hz < 3000) | (aperiodicity < 0.2))
    # Speech: loud frames within 0.3 s of a periodic (voiced) one, so unvoiced consonants
    # next to a vowel count and steady noise, which has no pitch, does not.
    near = np.convolve(voiced.astype(float), np.ones(2 * int(0.3 / HOP_S) + 1), "same") > 0
    speech = (level > threshold) & near
    duration = len(frames) * HOP_S
    speech_s = float(speech.sum()) * HOP_S
    # Signal-to-noise: loud frames (95th percentile) over the quietest (10th), which fall in
    # the gaps between syllables and words; a recording without any gap reads as noisy.
    snr = float(np.percentile(level, 95) - floor)
    checks = {
        "speech_fraction": speech_s / duration,
        "speech_s": speech_s,
        "voiced_s": float(voiced.sum()) * HOP_S,
        "snr_db": snr,
        "duration_s": duration,
    }
    if snr < MIN_SNR_DB:
        reason = (
            f"too noisy or silent: the loudest parts are only {snr:.0f} dB above the background"
        )
        return not_measurable("voice", reason, checks, UNITS)
    if speech_s < MIN_SPEECH_S or checks["speech_fraction"] < MIN_SPEECH_FRACTION:
        return not_measurable("voice", f"only {speech_s:.1f} s of speech found", checks, UNITS)
    if checks_only:
        return ModalityResult("voice", Quality(True, checks), {}, UNITS)
    jitter, shimmer, periods = cycle_perturbation(x, fs, f0, voiced)
    checks["periods"] = float(periods)
    nuclei = _syllables(level, speech)
    runs = _runs(speech)
    pauses = [
        (b2 - e1) * HOP_S
        for (_, e1), (b2, _) in zip(runs[:-1], runs[1:], strict=True)
        if (b2 - e1) * HOP_S >= MIN_PAUSE_S
    ]
    span = (runs[-1][1] - runs[0][0]) * HOP_S
    pitch = f0[voiced]
    features = {
        "pitch_mean_hz": float(np.mean(pitch)) if len(pitch) else float("nan"),
        "pitch_sd_semitones": float(np.std(12 * np.log2(pitch / np.median(pitch))))
        if len(pitch) > 1
        else float("nan"),
        "loudness_dbfs": float(10 * np.log10(np.mean(rms[speech] ** 2))),
        "jitter_local_pct": jitter,
        "shimmer_local_pct": shimmer,
        "speech_rate_syl_s": len(nuclei) / span,
        "articulation_rate_syl_s": len(nuclei) / (span - sum(pauses)),
        "pauses_per_min": len(pauses) * 60.0 / span,
        "mean_pause_s": float(np.mean(pauses)) if pauses else 0.0,
    }
    per = int(WINDOW_S / HOP_S)
    starts = list(range(0, len(frames) - per + 1, per)) or [0]
    series: dict[str, list[float]] = {
        "pitch_mean_hz": [],
        "loudness_dbfs": [],
        "speech_fraction": [],
        "syllables_s": [],
    }
    for s in starts:
        sl = slice(s, s + per)
        sp, vo = speech[sl], voiced[sl]
        enough = sp.mean() >= MIN_SPEECH_FRACTION
        series["speech_fraction"].append(float(sp.mean()))
        series["pitch_mean_hz"].append(
            float(np.mean(f0[sl][vo])) if enough and vo.any() else np.nan
        )
        series["loudness_dbfs"].append(
            float(10 * np.log10(np.mean(rms[sl][sp] ** 2))) if enough else np.nan
        )
        n_syl = int(((nuclei >= s) & (nuclei < s + per)).sum())
        series["syllables_s"].append(n_syl / WINDOW_S if enough else np.nan)
    return ModalityResult(
        "voice",
        Quality(True, checks),
        features,
        UNITS,
        np.array([(s + per / 2) * HOP_S for s in starts]),
        {k: np.array(v, dtype=float) for k, v in series.items()},
    )
