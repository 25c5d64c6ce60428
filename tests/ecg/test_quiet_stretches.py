"""A stretch with no QRS complex in any lead that no pause measured is said, with where to
look (``ecg.quiet_stretches``): a sinus arrest of 7-11 s read "Sinus rhythm" with its
window "not interpreted" in 70 % of made arrests (benchmarks/ecg_irregular_rhythms.py)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import wfdb
from helpers import shared
from pypdf import PdfReader

from workstation.dsp.filters import highpass
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.pause_leads import LeadBeats
from workstation.ecg.quiet_stretches import chunk_quiet, unexplained_stretches
from workstation.ecg.stress import retime_beats
from workstation.recording import Modality, Recording

pytestmark = pytest.mark.usefixtures("model_available")

FS = 200.0


def _two_leads(arrest_s: float, at_s: float = 50.0) -> tuple[np.ndarray, float]:
    """Two minutes of CPSC 2021 record 21_8 (sinus, two leads), every beat a real one, with
    the beats from ``at_s`` left out (with their P waves) until one interval spans
    ``arrest_s`` or more (none when 0); returns the signals and that interval in s."""
    path = shared("cpsc2021-sample", "data_21_8.hea").with_suffix("")
    record = wfdb.rdrecord(str(path), sampto=int(140 * FS))
    annotated = wfdb.rdann(str(path), "atr", sampto=int(140 * FS)).sample
    x = np.array([highpass(y, FS, 0.5) for y in record.p_signal.T])
    peaks = np.array(
        [p - 16 + int(np.argmax(np.abs(x[1, p - 16 : p + 16]))) for p in annotated[1:-1]]
    )
    rr = np.diff(peaks) / FS
    kinds = ["n"] * peaks.size
    t = np.concatenate([[0.0], np.cumsum(rr)])
    first = last = int(np.searchsorted(t, at_s))
    while arrest_s and t[last + 1] - t[first] < arrest_s:
        last += 1
        kinds[last] = "x"
    gap = float(t[last + 1] - t[first]) if arrest_s else 0.0
    made = [retime_beats(x[k], peaks, FS, rr, kinds)[0][: int(120 * FS)] for k in range(2)]
    return np.stack(made), gap


def _recording(signals: np.ndarray) -> Recording:
    return Recording(
        signals=signals, fs=FS, channel_names=("I", "II"), units=("mV", "mV"), modality=Modality.ECG
    )


def _beating(n: int = 2000, every: int = 200, height: float = 1.0) -> tuple[np.ndarray, LeadBeats]:
    """A lead with a narrow QRS-steep bump every second and those beats as agreed ones
    (recording samples from 10,000), each repeating the lead's QRS."""
    x = np.zeros(n)
    beats = np.arange(every // 2, n, every)
    for b in beats:
        x[b - 4 : b + 5] = height * np.hanning(9)
    return x, LeadBeats(beats + 10_000, np.ones(beats.size))


def _runs(
    leads: list[np.ndarray], agreed: list[LeadBeats], found: list[np.ndarray] | None = None
) -> list[tuple[int, int]]:
    """Quiet runs of a chunk starting at recording sample 10,000; the primary detector
    found the agreed beats alone unless ``found`` (chunk samples) says otherwise."""
    found = found or [b.samples - 10_000 for b in agreed]
    return chunk_quiet(np.stack(leads), agreed, found, (0, leads[0].size), 10_000, FS, 0.0)


def test_quiet_is_between_the_qrs_complexes_of_every_lead() -> None:
    x, beats = _beating()
    runs = _runs([x, x], [beats, beats])
    assert len(runs) == beats.samples.size + 1
    assert all(10_000 <= s < e <= 12_000 for s, e in runs)
    none = LeadBeats(np.zeros(0, dtype=np.int64), np.zeros(0))
    # A flat lead that cannot be judged (an electrode off) does not stop the others...
    assert _runs([x, np.zeros_like(x)], [beats, none]) == runs
    # ...a lead with complexes of its own that no detector pair agreed on does.
    later, _ = _beating()
    later = np.roll(later, 100)
    assert max(e - s for s, e in _runs([x, later], [beats, none])) < 110
    assert _runs([np.zeros_like(x)] * 2, [none, none]) == []  # nothing to judge by
    # Kept for the record: runs of 2 s or more, and those that may go on in the next chunk.
    kept = chunk_quiet(
        np.stack([x]), [beats], [beats.samples - 10_000], (0, x.size), 10_000, FS, 2.0
    )
    assert kept == [runs[0], runs[-1]]


def test_a_wide_complex_or_a_small_beat_of_the_lead_own_shape_is_not_quiet() -> None:
    x, beats = _beating()

    def quiet_at(lead: np.ndarray, agreed: LeadBeats, sample: int) -> bool:
        return any(s <= 10_000 + sample < e for s, e in _runs([lead], [agreed]))

    assert quiet_at(x, beats, 1000)  # between two beats
    wide = x.copy()
    wide[970:1030] += 0.5 * np.hanning(60)  # shallow (300 ms) but half the QRS's size
    assert not quiet_at(wide, beats, 1000)
    small = x.copy()
    small[996:1005] = 0.05 * np.hanning(9)  # a twentieth of the QRS: as shallow as ripple
    samples = np.sort(np.append(beats.samples, 11_000))
    agreed_small = LeadBeats(samples, np.ones(samples.size))  # both detectors, QRS-shaped
    assert not quiet_at(small, agreed_small, 1000)
    unshaped = LeadBeats(samples, np.where(samples == 11_000, 0.3, 1.0))
    assert quiet_at(small, unshaped, 1000)  # found by both, but not the lead's QRS: ripple


def test_beats_shrunk_in_every_lead_go_on_at_the_rhythm_and_are_not_quiet() -> None:
    """Every lead at a tenth for 6 s (a gain step): the checking detector no longer finds
    the beats, the primary one does, each repeating the QRS a beat apart."""
    n, every = 4000, 200
    x = np.zeros(n)
    beats = np.arange(every // 2, n, every)
    for b in beats:
        x[b - 4 : b + 5] = (0.1 if 1000 < b < 2400 else 1.0) * np.hanning(9)
    tall = beats[(beats < 1000) | (beats > 2400)]
    agreed = LeadBeats(tall + 10_000, np.ones(tall.size))
    assert max(e - s for s, e in _runs([x, x], [agreed, agreed], [tall, tall])) > 1200
    runs = _runs([x, x], [agreed, agreed], [beats, beats])
    assert max(e - s for s, e in runs) < every
    lone = np.sort(np.append(tall, 1700))  # one shrunken beat alone: not the rhythm
    assert max(e - s for s, e in _runs([x, x], [agreed, agreed], [lone, lone])) > 600
    inverted = x.copy()
    inverted[1000:2400] *= -1  # a shared electrode turned over as well as shrunk
    assert max(e - s for s, e in _runs([inverted] * 2, [agreed] * 2, [beats] * 2)) < every


def test_narrow_p_waves_in_an_av_block_pause_do_not_pass_for_shrunken_beats() -> None:
    """Non-conducted P waves go on at the sinus rate through an AV-block pause, and a narrow
    one repeats a QRS's shape and sharpness at a tenth of its size; but it comes a PR
    interval (here 160 ms) before the QRS that is not there."""
    n, every, pr = 4000, 200, 32
    x = np.zeros(n)
    tall = np.arange(every // 2, n, every)
    tall = tall[(tall < 1000) | (tall > 2400)]
    for b in tall:
        x[b - 4 : b + 5] = np.hanning(9)
    p_waves = np.arange(1100, 2400, every) - pr
    for p in p_waves:
        x[p - 4 : p + 5] = 0.1 * np.hanning(9)
    agreed = LeadBeats(tall + 10_000, np.ones(tall.size))
    found = np.sort(np.concatenate([tall, p_waves]))
    assert max(e - s for s, e in _runs([x, x], [agreed, agreed], [found, found])) > 1200


def test_a_stretch_is_joined_across_chunks_and_left_out_at_the_ends_or_under_a_pause() -> None:
    runs = [(1000, 1500), (1500, 2000), (3000, 3300), (0, 450), (9800, 10_000)]
    none = np.zeros(0, dtype=np.int64)
    found = unexplained_stretches(runs, [], none, 10_000, 2.0, 200.0)
    assert [(q.start, q.end, q.duration_s) for q in found] == [(1000, 2000, 5.0)]
    assert unexplained_stretches(runs, [(900, 2100)], none, 10_000, 2.0, 200.0) == []
    # A shorter pause stated inside it leaves 3 s unexplained: the whole stretch is said.
    kept = unexplained_stretches(runs, [(1000, 1400)], none, 10_000, 2.0, 200.0)
    assert [(q.start, q.end) for q in kept] == [(1000, 2000)]
    # A beat of the rhythm inside is a QRS however flat it is: three runs, each too short.
    assert unexplained_stretches(runs, [], np.array([1350, 1700]), 10_000, 2.0, 200.0) == []


def test_a_nine_second_arrest_is_said_where_no_pause_is_measured() -> None:
    signals, gap = _two_leads(9.0)
    assert 9.0 <= gap < 10.5
    result = analyze_ecg(_recording(signals))
    assert result.rhythm is not None
    quiet = result.rhythm.quiet_stretches
    assert len(quiet) == 1
    assert quiet[0].duration_s == pytest.approx(gap, abs=0.4)
    assert 49.0 < quiet[0].start / FS < 51.5
    statement = next(s for s in result.statements if s.code == "no_qrs_seen")
    assert statement.text.startswith(
        f"No QRS complex in any lead for {quiet[0].duration_s:.1f} s from 00:00:5"
    )
    assert "a sinus arrest or asystole, or the signal lost" in statement.text
    stored = result.to_json()["rhythm"]
    assert stored["quiet_stretches"][0]["start"] == quiet[0].start  # at sample_rate_hz
    assert stored["sample_rate_hz"] == FS


def test_no_stretch_in_the_record_as_recorded_nor_where_one_lead_beats_on() -> None:
    signals, _ = _two_leads(0.0)
    result = analyze_ecg(_recording(signals))
    assert result.rhythm is not None and result.rhythm.quiet_stretches == []
    assert "no_qrs_seen" not in {s.code for s in result.statements}
    lost = signals.copy()
    a, b = int(50 * FS), int(59 * FS)
    lost[0, a:b] = np.random.default_rng(0).normal(0.0, 0.005, b - a)  # lead I come off
    result = analyze_ecg(_recording(lost))
    assert result.rhythm is not None and result.rhythm.quiet_stretches == []


def test_the_holter_report_and_the_trend_events_show_the_stretch() -> None:
    from workstation.app.ecg_result import StoredRhythm
    from workstation.app.ecg_trend import NO_QRS_SEEN, trend_events
    from workstation.reports.ecg_rhythm_pages import (
        _summary_rows,
        draw_rhythm_summary_page,
        draw_strips_pages,
        shown_analysis,
        strip_starts,
    )
    from workstation.reports.settings import ReportSettings

    signals, _ = _two_leads(9.0)
    recording = _recording(signals)
    analysis = shown_analysis(analyze_ecg(recording, score=False).to_json())
    quiet = analysis["rhythm"]["quiet_stretches"][0]
    rows = dict(_summary_rows(analysis))
    assert rows["No QRS, any lead"].startswith(f"{quiet['duration_s']:.2f} s at 00:00:5")
    strips = [s for s in strip_starts(analysis) if s.label.startswith("No QRS")]
    assert len(strips) == 2 and all(s.leads == ("i", "ii") for s in strips)  # start and end
    settings = ReportSettings()
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=settings.paper.size)
    draw_strips_pages(canvas, recording, analysis, settings)
    canvas.save()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    assert "Lead I: No QRS complex in any lead" in " ".join(text.split())
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=settings.paper.size)
    draw_rhythm_summary_page(canvas, analysis, settings, "Rhythm ECG (Holter)")
    canvas.save()
    summary = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert "dashed: no QRS in any lead" in summary  # its time marked on the rate trend
    rhythm = StoredRhythm.from_json(analysis["rhythm"], analysis["quality"])
    events = [e for e in trend_events(rhythm) if e.kind == NO_QRS_SEEN]
    assert len(events) == 1 and events[0].start_s == pytest.approx(quiet["start"] / FS)
    assert "look at the trace there before acting" in events[0].caution


def test_a_chunk_whose_primary_detector_found_one_mark_or_none_is_judged_all_the_same() -> None:
    x, beats = _beating()
    local = beats.samples - 10_000
    for found in ([np.zeros(0, dtype=np.int64)], [local[:1]], [local[:3] + 37]):
        assert _runs([x], [beats], found)  # quiet between the agreed beats, no error
