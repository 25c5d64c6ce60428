"""A pause is never taken back because another lead disagrees; the leads that beat on
through it are named beside it (``ecg.pause_leads``): a lead that comes off while the
heart beats on reads as a pause in that lead alone, on real two- and twelve-lead records."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
import wfdb
from helpers import shared
from pypdf import PdfReader

from workstation.dsp.filters import highpass
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.pause_leads import LeadBeats, beats_on_through, not_seen_text
from workstation.ecg.stress import retime_beats
from workstation.recording import Modality, Recording

pytestmark = pytest.mark.usefixtures("model_available")

FS = 200.0
USUAL = (150.0, 170.0)  # samples: about 75 bpm at FS
START, END = 2000, 2960  # a 4.8 s pause in the rhythm's beats
BEFORE = list(range(START - 8 * 160, START + 1, 160))
AFTER = list(range(END, END + 8 * 160 + 1, 160))
RHYTHM = np.asarray(BEFORE + AFTER)


def _lead(inside: list[int], shape: float = 0.99, shift: int = 0) -> LeadBeats:
    """A lead with the rhythm's beats (moved by ``shift``) outside the pause and
    ``inside`` it; every beat inside at QRS correlation ``shape``."""
    samples = [b + shift for b in BEFORE] + inside + [b + shift for b in AFTER]
    shapes = [0.99] * len(BEFORE) + [shape] * len(inside) + [0.99] * len(AFTER)
    return LeadBeats(np.asarray(samples, dtype=np.int64), np.asarray(shapes))


def _through(lead: LeadBeats, end: int = END) -> bool:
    return beats_on_through(lead, START, end, RHYTHM, USUAL, FS)


def test_a_lead_beating_at_the_usual_interval_beats_on_through_the_pause() -> None:
    assert _through(_lead([2160, 2320, 2480, 2640, 2800]))


def test_the_pause_ending_on_a_noise_beat_is_still_beaten_through() -> None:
    """The beat that ends a lost lead's "pause" can be its noise, not a heartbeat: the
    witness's last beat then falls short of it by less than a usual interval."""
    assert _through(_lead([2160, 2320, 2480, 2640, 2800]), end=2900)


@pytest.mark.parametrize(
    ("inside", "shape", "shift", "why"),
    [
        ([], 0.99, 0, "nothing inside"),
        ([2350, 2600], 0.99, 0, "two pops at random times"),
        ([2160, 2320, 2480, 2640, 2800], 0.6, 0, "not the lead's QRS (spikes)"),
        ([2160, 2320], 0.99, 0, "beats stop a usual interval into the pause"),
        ([2128, 2288, 2448, 2608, 2768], 0.99, -32, "P waves a PR interval before the QRS"),
    ],
)
def test_what_is_not_beating_on(inside: list[int], shape: float, shift: int, why: str) -> None:
    assert not _through(_lead(inside, shape, shift)), why


def test_the_leads_are_named_as_printed() -> None:
    assert not_seen_text(["ii"]) == "not seen in lead II, where beats go on"
    assert not_seen_text(["ii", "v5", "ii"]) == "not seen in leads II, V5, where beats go on"


def _cpsc_30_s(name: str) -> Recording:
    """The first 30 s of a CPSC 2021 development record, baselines removed."""
    path = shared("cpsc2021-sample", f"{name}.hea").with_suffix("")
    record = wfdb.rdrecord(str(path), sampto=int(30 * 200))
    fs = float(record.fs)
    return Recording(
        signals=np.array([highpass(y, fs, 0.5) for y in record.p_signal.T]),
        fs=fs,
        channel_names=tuple(record.sig_name),
        units=("mV",) * record.n_sig,
        modality=Modality.ECG,
    )


def _pause_text(result) -> str:
    return next(s.text for s in result.statements if s.code == "pauses")


@pytest.mark.parametrize("record", ["data_21_7", "data_84_1"])
def test_a_lead_lost_to_noise_while_the_heart_beats_on_names_the_lead_that_beats(
    record: str,
) -> None:
    """Lead 1 replaced by 0.02 mV noise for 8 s, in sinus rhythm (21) and in AF (84): its
    silence read as an 8-9 s pause (the rhythm lead is chosen by detector agreement, which
    noise with a beat or two standing out of it wins). The pause is still stated, with lead
    2 named as beating on; in AF its beats go on as irregularly as around the pause."""
    rec = _cpsc_30_s(record)
    x = np.array(rec.signals)
    a, b = int(10.3 * rec.fs), int(18.3 * rec.fs)
    x[0, a:b] = np.random.default_rng(7).normal(0.0, 0.02, b - a)
    result = analyze_ecg(replace(rec, signals=x))
    assert result.rhythm is not None
    pauses = result.rhythm.pauses
    assert pauses, "the lost lead's silence is read as a pause here (if no longer, well done)"
    other = result.leads_used[1] if result.leads_used[0] == "i" else result.leads_used[0]
    assert [p.not_seen_in for p in pauses] == [(other,)] * len(pauses)
    assert "where beats go on: compare the leads on the strip before acting" in _pause_text(result)


def test_a_real_pause_in_every_lead_is_stated_without_a_caution() -> None:
    """Two beats left out of every lead of a development record (a 2.4 s sinus pause):
    no lead beats on, so nothing is said beside the pause."""
    rec = _cpsc_30_s("data_21_7")
    fs = rec.fs
    ann = wfdb.rdann(str(shared("cpsc2021-sample", "data_21_7.hea").with_suffix("")), "atr")
    beats = ann.sample[ann.sample < rec.n_samples - 1]
    kinds = ["n"] * beats.size
    first = int(np.searchsorted(beats, 12 * fs))
    kinds[first : first + 2] = ["x", "x"]
    rr = np.diff(beats) / fs
    made = [retime_beats(y, beats, fs, rr, kinds) for y in np.asarray(rec.signals)]
    n = min(m.size for m, _ in made)
    result = analyze_ecg(replace(rec, signals=np.array([m[:n] for m, _ in made])))
    assert result.rhythm is not None
    pauses = result.rhythm.pauses
    assert len(pauses) == 1 and pauses[0].duration_s > 2.0
    assert pauses[0].not_seen_in == ()
    assert "where beats go on" not in _pause_text(result)


def test_the_report_draws_a_disputed_pause_in_both_leads() -> None:
    """The Holter report's pause strip is printed in the lead the pause was read from and,
    below it, in the lead that beats on, with the caution in its title."""
    from workstation.reports.ecg_rhythm_pages import Strip, strip_starts

    analysis = {
        "sample_rate_hz": 200.0,
        "rhythm": {
            "af_episodes": [],
            "pauses": [{"start": 2060, "end": 3680, "duration_s": 8.1, "not_seen_in": ["ii"]}],
            "windows": {"edges": [0, 2000, 4000, 6000], "lead": ["ii", "i", "i"]},
        },
    }
    strip, end = strip_starts(analysis)  # an 8.1 s pause: a second strip for its end
    assert end.leads == ("i", "ii")
    assert strip == Strip(
        8.3,
        "Longest pause, 8.10 s, at 00:00:10 (strip from 00:00:08); not seen in lead II, where "
        "beats go on: compare the leads on the strip before acting",
        ("i", "ii"),
    )


def test_a_disputed_pause_reaches_the_pdf_in_both_leads() -> None:
    """Through the report builder, from a real analysis of a record with lead 1 lost."""
    from workstation.reports import EcgReport, PatientHeader, Signature
    from workstation.reports.ecg_report import build_ecg_report

    rec = _cpsc_30_s("data_21_7")
    x = np.array(rec.signals)
    a, b = int(10.3 * rec.fs), int(18.3 * rec.fs)
    x[0, a:b] = np.random.default_rng(7).normal(0.0, 0.02, b - a)
    lost = replace(rec, signals=x)
    analysis = analyze_ecg(lost, score=False).to_json()
    assert analysis["rhythm"]["pauses"][0]["not_seen_in"] == ["ii"]
    signature = Signature("dr.ada", "clinician", True, datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
    report = EcgReport(lost, analysis, PatientHeader("", "", "", ""), signature)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(build_ecg_report(report))).pages]
    text = " ".join(" ".join(p.split()) for p in pages)
    assert "not seen in lead II, where beats go on: compare the leads" in text
    strips = next(p for p in pages if "Rhythm strips" in p)
    assert "Lead II: the same 10 s" in strips
    assert "Lead I: Longest pause" in strips  # each row of a compared strip names its lead


def test_the_trend_list_names_the_lead_that_beats_on_and_says_what_to_do() -> None:
    """The app's event list reads the stored pause; one stored before the leads were
    compared (no ``not_seen_in``) is listed as a plain pause."""
    from workstation.app.ecg_result import StoredPause, StoredRhythm
    from workstation.app.ecg_trend import PAUSE, trend_events

    disputed = {"start": 2060, "end": 3680, "duration_s": 8.1, "not_seen_in": ["ii"]}
    before = {"start": 5000, "end": 5500, "duration_s": 2.5}
    stored = {"sample_rate_hz": 200.0, "af_episodes": [], "pauses": [disputed, before]}
    rhythm = StoredRhythm.from_json(stored, None)
    assert rhythm.pauses == (StoredPause(2060, 3680, 8.1, ("ii",)), StoredPause(5000, 5500, 2.5))
    first, second = trend_events(rhythm)
    assert (first.kind, first.start_s, first.end_s) == (PAUSE, 10.3, 18.4)
    assert first.label == "Pause (not in lead II)"
    assert first.caution.endswith("compare the leads on the strip before acting")
    assert (second.label, second.caution) == (PAUSE, "")


def test_a_real_pause_beside_a_named_one_keeps_its_place_in_the_statement_and_its_strip() -> None:
    """A real 7.75 s pause and, later, lead I lost for 8 s (an 8.51 s pause named): the
    statement gave the longest (the named one) and "1 not seen in lead II", which read as
    if it were about the real pause, and the report's only pause strips and summary row
    were the named pause's (review, session 18). Each named pause now has its time, and the
    longest pause seen in every lead is stated, summarised and printed."""
    from workstation.ecg.interpretation import pause_statement
    from workstation.ecg.rhythm import Pause
    from workstation.reports.ecg_rhythm_pages import _longest_pause, strip_starts

    real, lost = Pause(3800, 5350, 7.75), Pause(8000, 9702, 8.51, ("ii",))
    assert pause_statement([real, lost], 200.0).text == (
        "Pauses over 2.0 s: 2, longest 8.5 s at 00:00:40; not seen in every lead: 00:00:40 "
        "(8.5 s; beats go on in lead II): compare the leads on the strip before acting; "
        "longest seen in every lead 7.8 s at 00:00:19"
    )
    rhythm = {
        "af_episodes": [],
        "pauses": [
            {"start": 3800, "end": 5350, "duration_s": 7.75, "not_seen_in": []},
            {"start": 8000, "end": 9702, "duration_s": 8.51, "not_seen_in": ["ii"]},
        ],
        "windows": {"edges": [0, 2000, 4000, 6000, 8000, 10000], "lead": ["i"] * 5},
    }
    titles = [s.label for s in strip_starts({"sample_rate_hz": 200.0, "rhythm": rhythm})]
    real_strip = "Longest pause seen in every lead, 7.75 s, at 00:00:19"
    assert any(t.startswith(real_strip) for t in titles)
    assert _longest_pause(8.51, 0.0, rhythm) == (
        "7.75 s in every lead; 8.51 s not seen in lead II, where beats go on"
    )


def test_several_named_pauses_are_each_given_with_their_leads() -> None:
    from workstation.ecg.interpretation import pause_statement
    from workstation.ecg.rhythm import Pause

    pauses = [Pause(2000, 2600, 3.0, ("ii",)), Pause(6000, 6500, 2.5, ("i", "v5"))]
    assert pause_statement(pauses, 200.0).text == (
        "Pauses over 2.0 s: 2, longest 3.0 s at 00:00:10; not seen in every lead: 00:00:10 "
        "(3.0 s; beats go on in lead II), 00:00:30 (2.5 s; beats go on in leads I, V5): "
        "compare the leads on the strip before acting; none seen in every lead"
    )


def test_the_longest_pause_named_is_listed_even_after_three_earlier_ones() -> None:
    """The list is cut after three with "and N more": the longest, stated "longest 9.0 s
    at" first, fell into the "more" without the leads that beat on through it."""
    from workstation.ecg.interpretation import pause_statement
    from workstation.ecg.rhythm import Pause

    pauses = [Pause(k * 2000, k * 2000 + 500, 2.5, ("ii",)) for k in range(1, 5)]
    pauses.append(Pause(12000, 13800, 9.0, ("ii",)))
    text = pause_statement(pauses, 200.0).text
    assert text.startswith("Pauses over 2.0 s: 5, longest 9.0 s at 00:01:00; ")
    assert "00:00:10 (2.5 s; beats go on in lead II), 00:00:20 (2.5 s;" in text
    assert "00:01:00 (9.0 s; beats go on in lead II), and 2 more:" in text
    assert "00:00:30" not in text and "00:00:40" not in text


def test_a_lead_lost_at_the_end_of_the_record_is_named_too() -> None:
    """The other lead's beats were collected only from 1 s after the start to 1 s before
    the end (the detectors' settling margin), so a lead lost for the last 8 s left the
    pause's end "unfilled" and the false pause went unnamed (review, session 18)."""
    path = shared("cpsc2021-sample", "data_21_8.hea").with_suffix("")
    record = wfdb.rdrecord(str(path), sampto=int(120 * 200))
    fs = float(record.fs)
    x = np.array([highpass(y, fs, 0.5) for y in record.p_signal.T])
    a = x.shape[1] - int(8 * fs)
    x[0, a:] = np.random.default_rng(0).normal(0.0, 0.02, x.shape[1] - a)
    rec = Recording(
        signals=x, fs=fs, channel_names=("I", "II"), units=("mV", "mV"), modality=Modality.ECG
    )
    result = analyze_ecg(rec)
    assert result.rhythm is not None
    assert [p.not_seen_in for p in result.rhythm.pauses] == [("ii",)]


def test_a_lead_in_bigeminy_beats_on_with_its_pvcs() -> None:
    """Half its beats are PVCs, around the pause as inside it: an absolute 75 % of beats
    repeating the lead's QRS left every false pause in a review's bigeminy cases unnamed."""
    samples = BEFORE + [2160, 2320, 2480, 2640, 2800] + AFTER
    shapes = [0.99 if k % 2 else -0.9 for k in range(len(samples))]
    bigeminy = LeadBeats(np.asarray(samples, dtype=np.int64), np.asarray(shapes))
    assert _through(bigeminy)
    regular_around = _lead([2160, 2320, 2480, 2640, 2800], shape=-0.9)
    assert not _through(regular_around)  # odd beats only inside: not its beats going on
