"""Pacemaker spikes on real 12-lead ECGs: a paced rhythm is named as such and gets no sinus or
AF statement; spikes at no fixed place before the QRS, and sharp QRS complexes, are not
pacing."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import shared

from workstation.dsp.resample import resample
from workstation.ecg.analysis import EcgAnalysis, analyze_ecg
from workstation.ecg.pacing import MIN_FS_HZ, PACED_SHARE, paced_share
from workstation.ecg.qrs import detect_primary, detection_signal
from workstation.ecg.rhythm_features import align_to_template
from workstation.io import read_recording
from workstation.recording import Modality, Recording

pytestmark = pytest.mark.usefixtures("model_available")

SINUS_OR_AF = {"sinus_rhythm", "sinus_bradycardia", "sinus_tachycardia", "af_suspected"}


def ludb(record: int) -> Recording:
    return read_recording(shared("ludb", "data", f"{record}.hea"))


def codes(result: EcgAnalysis) -> set[str]:
    return {s.code for s in result.statements}


def test_paced_af_is_named_paced_not_sinus() -> None:
    """LUDB 95 (development split): AF with intermittent ventricular pacing. The spikes and
    the wide paced QRS onsets repeated in the P window like P waves, and the record was
    stated "sinus rhythm". Now: paced rhythm, no sinus or AF statement, no PR or P axis,
    and its early conducted beats are not counted as premature atrial complexes."""
    result = analyze_ecg(ludb(95))
    assert "paced_rhythm" in codes(result)
    assert not codes(result) & SINUS_OR_AF
    paced = next(s for s in result.statements if s.code == "paced_rhythm")
    assert paced.evidence["paced_share_median"] >= PACED_SHARE
    assert "pacemaker spikes before" in paced.text
    assert result.measurements.pr_ms is None
    assert result.measurements.axis_deg["p"] is None
    assert "premature_atrial_complexes" not in codes(result)


@pytest.mark.parametrize("record", [34, 72, 104])
def test_ventricular_pacing_is_found(record: int) -> None:
    """LUDB development records with unipolar ventricular pacing (34, 104) or P-synchronous
    pacing (72)."""
    assert "paced_rhythm" in codes(analyze_ecg(ludb(record)))


@pytest.mark.parametrize(("record", "rhythm"), [(1, "sinus_bradycardia"), (109, "af_suspected")])
def test_sharp_qrs_complexes_are_not_pacing(record: int, rhythm: str) -> None:
    """LUDB development records without a pacemaker: 1 (sinus bradycardia, narrow QRS) and
    109 (AF, with sharp notches inside its QRS complexes at scattered places)."""
    found = codes(analyze_ecg(ludb(record)))
    assert "paced_rhythm" not in found
    assert rhythm in found


def beats_and_signals(record: int) -> tuple[np.ndarray, np.ndarray, float]:
    """A LUDB record's signals as recorded and its beats aligned as the rhythm scan aligns
    them (lead II)."""
    rec = ludb(record)
    raw = np.asarray(rec.signals, dtype=float)
    lead = list(rec.channel_names).index("ii")
    x = detection_signal(raw, rec.fs)
    beats = align_to_template(x[lead], detect_primary(x[lead : lead + 1], rec.fs)[0], rec.fs)
    return raw, beats, rec.fs


def with_spikes(raw: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The signals with a one-sample 2 mV pulse in every lead at the given samples."""
    out = raw.copy()
    out[:, at] += 2.0
    return out


def test_spikes_a_fixed_time_before_each_qrs_are_pacing_spikes_anywhere_are_not() -> None:
    """LUDB 1 (sinus, no pacemaker) with a 2 mV one-sample pulse 80 ms before every QRS
    reads as paced; the same pulses at random places in the 300 ms before each QRS do not,
    and neither does the record as it is."""
    raw, beats, fs = beats_and_signals(1)
    inner = beats[(beats > 0.4 * fs) & (beats < raw.shape[1] - 0.2 * fs)]
    assert paced_share(raw, beats, fs) == 0.0
    assert paced_share(with_spikes(raw, inner - int(0.08 * fs)), beats, fs) >= 0.8
    rng = np.random.default_rng(1)
    scattered = inner - rng.integers(int(0.03 * fs), int(0.3 * fs), inner.size)
    assert paced_share(with_spikes(raw, scattered), beats, fs) < PACED_SHARE


def test_a_step_at_one_place_in_every_beat_is_not_a_spike() -> None:
    """LUDB 1 with a 0.3 mV step 20 ms after every QRS fiducial, held for 150 ms (the edge
    of a constructed ST shift; an amplifier's offset jump): as sharp as a spike, at one
    place in each beat, but it does not come back, so it is no pacing pulse."""
    raw, beats, fs = beats_and_signals(1)
    stepped = raw.copy()
    for b in beats[(beats > 0.4 * fs) & (beats < raw.shape[1] - 0.2 * fs)]:
        stepped[:, b + int(0.02 * fs) : b + int(0.17 * fs)] += 0.3
    assert paced_share(stepped, beats, fs) < PACED_SHARE


def test_spikes_are_not_looked_for_below_500_hz() -> None:
    """LUDB 34 (paced) at 250 Hz: a spike and a narrow R apex are each a sample or two wide
    there, so the detector says nothing rather than guess."""
    raw, beats, fs = beats_and_signals(34)
    assert paced_share(raw, beats, fs) >= PACED_SHARE
    low = 250.0
    assert low < MIN_FS_HZ
    assert paced_share(resample(raw, fs, low), np.round(beats * low / fs).astype(int), low) is None


def two_leads(record: int) -> np.ndarray:
    rec = ludb(record)
    return np.asarray(rec.signals)[[rec.channel_names.index(n) for n in ("ii", "v5")]]


def test_a_paced_stretch_inside_a_long_record_is_found_in_its_window() -> None:
    """Six minutes of two leads (II, V5): LUDB 2 (sinus) repeated, with LUDB 34 (paced) as
    the 21st of 36 windows. Judged over the context beats of the neighbouring sinus windows
    too, the paced window's share was 0.45 and it was called sinus."""
    sinus, paced = two_leads(2), two_leads(34)
    signals = np.concatenate([sinus] * 20 + [paced] + [sinus] * 15, axis=1)
    rec = Recording(signals, 500.0, ("ii", "v5"), ("mV", "mV"), modality=Modality.ECG)
    result = analyze_ecg(rec, score=False)
    labels = [w.label for w in result.rhythm.windows]
    assert labels[20] == "paced"
    assert labels.count("paced") == 1
    statement = next(s for s in result.statements if s.code == "paced_rhythm")
    assert statement.text.startswith("Paced rhythm in 1 of 36 analysed windows")


def test_a_rate_rounded_below_500_hz_still_looks_for_spikes() -> None:
    """A 500 Hz export whose rate is computed from time stamps reads 499.99... Hz."""
    rec = ludb(34)
    rounded = Recording(
        np.asarray(rec.signals), 499.99999999999955, rec.channel_names, rec.units, Modality.ECG
    )
    assert "paced_rhythm" in codes(analyze_ecg(rounded, score=False))
