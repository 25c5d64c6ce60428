"""A clean lead whose two QRS detectors disagree is measured, judged at the beats another
lead's detectors agreed on; a noisy one stays out, and the rhythm is what the agreeing leads
found either way (quality module docstring)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.io
from helpers import shared

from workstation.dsp.resample import resample
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.quality import (
    BEAT_NOISE_MAX,
    LeadWindowQuality,
    beat_noise,
    commonest_reason,
    left_out_text,
    rejudged_at_beats,
)
from workstation.ecg.stress import add_noise, residual_noise
from workstation.io import read_recording
from workstation.recording import Recording

pytestmark = pytest.mark.usefixtures("model_available")

DISAGREEING = LeadWindowQuality(
    0.6, 9.0, 0.95, 0.9, 0.5, 0.0, 0.0, 20, "QRS detectors disagree (bSQI 0.60 < 0.8): noise"
)


def _beats(noise_sd: float, fs: float = 500.0) -> tuple[np.ndarray, np.ndarray]:
    """Ten identical 1 mV beats, one a second, plus white noise of ``noise_sd`` mV."""
    t = np.arange(int(11 * fs)) / fs
    beats = np.arange(1, 11) * int(fs)
    x = np.zeros_like(t)
    for b in beats:
        x += np.exp(-(((t - b / fs) / 0.01) ** 2)) + 0.3 * np.exp(
            -(((t - b / fs - 0.3) / 0.05) ** 2)
        )
    return x + np.random.default_rng(3).normal(0.0, noise_sd, t.size), beats


def test_beat_noise_is_the_residual_after_the_median_beat_over_its_height() -> None:
    clean, beats = _beats(0.0)
    assert beat_noise(clean, beats, 500.0) == pytest.approx(0.0, abs=1e-9)
    noisy, _ = _beats(0.05)
    assert beat_noise(noisy, beats, 500.0) == pytest.approx(0.05, rel=0.15)
    assert beat_noise(noisy, beats[:2], 500.0) is None  # too few beats to have a median


def test_only_a_lead_left_out_for_detector_disagreement_is_judged_again() -> None:
    kept = rejudged_at_beats(DISAGREEING, 0.97, 0.02)
    assert kept.usable and kept.beat_noise == 0.02
    noisy = rejudged_at_beats(DISAGREEING, 0.97, 0.12)
    assert not noisy.usable and noisy.reason == (
        "QRS detectors disagree (bSQI 0.60 < 0.8) and the beats differ too much from their "
        "median beat (by 12 % of its height, limit 3 %)"
    )
    other_shape = rejudged_at_beats(DISAGREEING, 0.85, 0.02)
    assert not other_shape.usable
    assert "QRS does not repeat at the other leads' beats (correlation 0.85 < 0.9)" in (
        other_shape.reason
    )
    assert rejudged_at_beats(DISAGREEING, None, None) == DISAGREEING
    flat = LeadWindowQuality(0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0, "flat signal (electrode off?)")
    assert rejudged_at_beats(flat, 1.0, 0.0) == flat


def test_leads_left_out_are_grouped_by_reason_without_figures() -> None:
    """Nine leads out must fit a report line: same reason, different figures, one group."""
    text = left_out_text(
        {
            "iii": rejudged_at_beats(DISAGREEING, 0.97, 0.12).reason,
            "v2": "no heartbeats recognisable",
            "avl": rejudged_at_beats(replace(DISAGREEING, bsqi=0.2), 0.97, 0.2).reason,
            "v4": "flat signal (electrode off?)",
        },
        str.upper,
    )
    assert text == (
        "III, AVL (QRS detectors disagree and the beats differ too much from their median beat); "
        "V2 (no heartbeats recognisable); V4 (flat signal (electrode off?))"
    )


def _ludb(rid: int) -> Recording:
    return read_recording(shared("ludb", "data", f"{rid}.hea"))


def _without(rec: Recording, lead: str) -> Recording:
    return rec.pick_channels([name for name in rec.channel_names if name.lower() != lead])


def test_a_clean_lead_whose_detectors_disagree_is_measured_and_the_rhythm_is_unchanged() -> None:
    """LUDB 1 (development split), V2: the primary detector counts its tall T waves as beats.
    V2 is measured, and the rhythm is exactly what the record without V2 gives."""
    rec = _ludb(1)
    result = analyze_ecg(rec)
    v2 = result.rhythm.quality.leads.index("v2")
    judged = result.rhythm.quality.windows[0][v2]
    assert judged.bsqi < 0.8 and judged.usable and judged.beat_noise <= BEAT_NOISE_MAX
    assert "v2" in result.leads_used and not result.leads_unusable
    assert "v2" in result.st_segment.leads and "v2" in result.waves
    without = analyze_ecg(_without(rec, "v2")).rhythm
    # The evidence too: judged before the rhythm, V2 would join the other leads' P-wave and
    # ectopy evidence (in review, that order changed the evidence on 27 of 200 LUDB records).
    assert [w.evidence for w in result.rhythm.windows] == [w.evidence for w in without.windows]
    assert [w.label for w in result.rhythm.windows] == [w.label for w in without.windows]
    assert np.array_equal(result.rhythm.beats, without.beats)
    assert np.array_equal(result.rhythm.beat_kinds, without.beat_kinds)


def test_a_lead_with_real_noise_whose_detectors_disagree_stays_out() -> None:
    """The same V2 with the beat-cancelled residual of a noisy CPSC 2019 recording (motion
    and muscle) at 0 dB: its beats still repeat their QRS at the other leads' beats, but what
    is left around them is noise, so it is not measured."""
    folder = shared("cpsc2019-sample")
    x = scipy.io.loadmat(folder / "data" / "data_00224.mat")["ecg"].ravel().astype(float)
    peaks = scipy.io.loadmat(folder / "ref" / "R_00224.mat")["R_peak"].ravel().astype(int)
    noise = residual_noise(x, peaks, 500.0)
    rec = _ludb(1)
    signals = np.array(rec.signals, dtype=float)
    v2 = [name.lower() for name in rec.channel_names].index("v2")
    signals[v2] = add_noise(signals[v2], noise[: signals.shape[1]], 0.0, rec.fs)
    result = analyze_ecg(replace(rec, signals=signals))
    judged = result.rhythm.quality.windows[0][result.rhythm.quality.leads.index("v2")]
    assert "v2" in result.leads_unusable and "v2" not in result.leads_used
    assert judged.beat_noise > BEAT_NOISE_MAX  # judged again, and too noisy
    assert "differ too much from their median beat" in result.leads_unusable["v2"]


def test_the_quality_json_reports_the_noise_measured_at_the_other_leads_beats() -> None:
    """LUDB 105 (development split): II kept, III, aVL and aVF judged again and left out."""
    quality = analyze_ecg(_ludb(105)).rhythm.quality
    table = quality.to_json()["indices"]["beat_noise"]
    judged = {
        lead: (value, quality.windows[0][k].usable)
        for k, (lead, value) in enumerate(zip(quality.leads, table[0], strict=True))
        if value is not None
    }
    assert {lead for lead, (_, kept) in judged.items() if kept} == {"ii"}
    assert {"iii", "avl", "avf"} <= set(judged)
    assert all((value <= BEAT_NOISE_MAX) == kept for value, kept in judged.values())


def test_the_commonest_reason_is_counted_without_its_figures_and_does_not_vary() -> None:
    beats_differ = "noise: beats differ in shape (QRS correlation {} < 0.66)"
    reasons = [beats_differ.format(0.41), "noise: trace not ECG-like (kurtosis 3.1 < 5)"]
    reasons.append(beats_differ.format(0.52))
    assert commonest_reason([None, *reasons]) == beats_differ.format(0.41)
    assert commonest_reason([None, None]) == "unusable"


def _ptb_with_noise_in(lead: str, residual_record: str) -> Recording:
    """PTB s0010_re, 9.6-19.2 s (15 leads, sinus rhythm, true millivolts), with the beat-
    cancelled residual of a CPSC 2019 recording added to one lead at -6 dB."""
    folder = shared("cpsc2019-sample")
    x = scipy.io.loadmat(folder / "data" / f"data_{residual_record}.mat")["ecg"].ravel()
    peaks = scipy.io.loadmat(folder / "ref" / f"R_{residual_record}.mat")["R_peak"].ravel()
    rec = read_recording(shared("wfdb-samples", "s0010_re.hea")).slice_time(9.6, 19.2)
    noise = resample(
        residual_noise(x.astype(float), peaks.astype(int), 500.0)[None, :], 500.0, rec.fs
    )[0]
    signals = np.array(rec.signals, dtype=np.float64)
    k = [name.lower() for name in rec.channel_names].index(lead)
    signals[k] = add_noise(signals[k], noise[: signals.shape[1]], -6.0, rec.fs)
    return replace(rec, signals=signals.astype(np.float32))


def test_one_noisy_lead_does_not_hide_the_p_waves_of_the_others() -> None:
    """Noise in V2 alone, pooled into the P-wave evidence by raw energy, took the coherence
    from 0.96 to 0.18: "not confirmed as sinus", the PR withdrawn, ST measured against the TP
    segment and inferior STEMI criteria stated. Weighted by each lead's residual, the clean
    leads' P waves carry the pooled evidence."""
    result = analyze_ecg(_ptb_with_noise_in("v2", "01068"), score=False)
    codes = {s.code for s in result.statements}
    assert "sinus_rhythm" in codes and "non_sinus_rhythm" not in codes
    assert "st_elevation_stemi_criteria" not in codes
    assert result.rhythm.windows[0].evidence.p_coherence > 0.8


def test_a_lead_with_almost_no_residual_does_not_take_over_the_p_wave_evidence() -> None:
    """LUDB 96 (development split, AF) with V1 replaced by its own QRS template at the beats:
    a lead with no f waves and almost no residual, whose filter ringing repeats before every
    QRS. Weighted by the inverse residual alone it took the pooled coherence from 0.10 to
    0.39 and the window to "sinus"; no lead now weighs more than a median one."""
    rec = _ludb(96)
    before = analyze_ecg(rec, score=False).rhythm
    signals = np.array(rec.signals, dtype=np.float64)
    v1 = [name.lower() for name in rec.channel_names].index("v1")
    half = int(0.05 * rec.fs)
    inside = [b for b in before.beats if half <= b < signals.shape[1] - half]
    segments = np.stack([signals[v1, b - half : b + half + 1] for b in inside])
    template = np.median(segments - np.median(segments, axis=1, keepdims=True), axis=0)
    template *= np.hanning(template.size)
    signals[v1] = 0.0
    for b in inside:
        signals[v1, b - half : b + half + 1] += template
    after = analyze_ecg(replace(rec, signals=signals.astype(np.float32)), score=False).rhythm
    assert [w.label for w in after.windows] == ["af"]
    assert after.windows[0].evidence.p_coherence < 0.25


def test_a_lead_that_is_mostly_noise_is_not_the_one_the_rhythm_is_read_from() -> None:
    """PTB s0010_re (15 leads, sinus rhythm) with the beat-cancelled residual of CPSC 2019
    01389 at -6 dB in aVR: the detectors still agree on aVR and noise spikes make it the
    peakiest trace, so it used to be the window's rhythm lead and AF was stated beside 14
    clean leads. A lead with beat noise above RHYTHM_LEAD_NOISE_MAX is now passed over."""
    result = analyze_ecg(_ptb_with_noise_in("avr", "01389"), score=False)
    assert [w.label for w in result.rhythm.windows] == ["sinus"]
    assert result.rhythm.windows[0].lead != "avr"
    assert "af_suspected" not in {s.code for s in result.statements}
