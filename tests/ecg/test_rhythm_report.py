"""The report takes its form from what was recorded: a rhythm recording gets a rhythm summary
and episode strips with their times (the resting 12-lead printout is tested in tests/reports)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import shared
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from workstation.cli import main

pytestmark = pytest.mark.usefixtures("model_available")


def pdf_text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_a_two_lead_af_recording_gets_a_rhythm_report_with_episode_strips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "absent.toml"))
    record = shared("cpsc2021-sample", "data_101_8.hea")  # 121 s, AF from about 18 s to 71 s
    out = tmp_path / "holter.pdf"
    assert main(["analyze", "ecg", str(record), "--pdf", str(out)]) == 0
    capsys.readouterr()
    pages = pdf_text(out)
    assert "Rhythm ECG (Holter): rhythm summary" in pages[0]
    assert "Resting 12-lead ECG" not in "".join(pages)
    assert "AF burden" in pages[0] and "Heart rate per minute" in pages[0]
    assert "00:00:21" in pages[0]  # the first episode's start (20.6 s) in the episode table
    # The conclusion on the first page, each statement whole (the AF criteria wrap to a
    # second row), with its confirmation, the sign-off and the intended use.
    first = " ".join(pages[0].split())
    assert "Interpretation (automated)" in first and "UNCONFIRMED" in first
    assert "Atrial fibrillation episodes (2" in first and "P waves from 0.25)" in first
    assert "Not signed off" in first and "not a diagnosis" in first
    assert "AF episode 1 from 00:00:21" in pages[1]
    assert "details" in pages[-1]
    # The measurements and wave masks come from one 10 s stretch of the 121 s: named.
    assert re.search(r"Measured on\s*00:0\d:\d\d-00:0\d:\d\d", pages[-1])


def _disclosure_pages(pages: list[str]) -> list[str]:
    return [p for p in pages if p.startswith("Full disclosure")]


def _row_times(page: str) -> list[str]:
    """The clock times that start the rows (each on a line of its own)."""
    return [
        line.strip() for line in page.splitlines() if re.fullmatch(r"\d\d:\d\d:\d\d", line.strip())
    ]


def test_a_long_recording_gets_full_disclosure_a_row_per_minute_with_clock_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "absent.toml"))
    record = shared("wfdb-samples", "100.hea")  # MIT-BIH 100: 30 min 5.6 s
    out = tmp_path / "mit100.pdf"
    assert main(["analyze", "ecg", str(record), "--pdf", str(out)]) == 0
    capsys.readouterr()
    pages = _disclosure_pages(pdf_text(out))
    assert len(pages) == 2  # 31 rows, 30 to a page
    assert "Full disclosure page 1 of 2" in pages[0] and "Full disclosure page 2 of 2" in pages[1]
    assert "1 min per row" in pages[0] and "mm/mV" in pages[0]
    assert "Limited to" not in "".join(pages)  # half an hour is far below the page cap
    rows = [_row_times(p) for p in pages]
    assert [len(r) for r in rows] == [30, 1]
    assert rows[0][:3] == ["00:00:00", "00:01:00", "00:02:00"]
    assert rows[1] == ["00:30:00"]


def test_full_disclosure_is_capped_says_so_and_prints_everything_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workstation.ecg.analysis import analyze_ecg
    from workstation.io import read_recording
    from workstation.reports import ecg_rhythm_pages
    from workstation.reports.ecg_rhythm_pages import (
        DISCLOSURE_MAX_PAGES,
        disclosure_rows,
        draw_full_disclosure_pages,
    )
    from workstation.reports.settings import ReportSettings

    day = 24 * 3600.0
    starts, pages = disclosure_rows(day, everything=False)
    assert pages == DISCLOSURE_MAX_PAGES and starts[-1] == (30 * DISCLOSURE_MAX_PAGES - 1) * 60
    starts, pages = disclosure_rows(day, everything=True)
    assert pages == 48 and len(starts) == 1440

    # The cap on a real record: one page of 30 rows of a 31-minute recording.
    monkeypatch.setattr(ecg_rhythm_pages, "DISCLOSURE_MAX_PAGES", 1)
    recording = read_recording(shared("wfdb-samples", "100.hea"))
    analysis = analyze_ecg(recording, score=False).to_json()

    def text(settings: ReportSettings) -> list[str]:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=settings.paper.size)
        draw_full_disclosure_pages(canvas, recording, analysis, settings)
        canvas.save()
        return [p.extract_text() for p in PdfReader(io.BytesIO(buffer.getvalue())).pages]

    capped = text(ReportSettings())
    assert len(capped) == 1 and len(_row_times(capped[0])) == 30
    assert "Limited to 1 pages: 00:00:00-00:30:00 of 00:30:06 shown" in " ".join(capped[0].split())
    assert "--full-disclosure all" in " ".join(capped[0].split())
    everything = text(ReportSettings(full_disclosure_all=True))
    assert len(everything) == 2 and _row_times(everything[1]) == ["00:30:00"]
    assert "Limited to" not in "".join(everything)


def test_the_report_command_takes_full_disclosure_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.cli import build_parser
    from workstation.reports.cli import settings_for

    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "absent.toml"))
    base = ["report", "3", "--out", str(tmp_path / "r.pdf"), "--user", "dr"]
    parser = build_parser()
    assert not settings_for(parser.parse_args(base)).full_disclosure_all
    everything = settings_for(
        parser.parse_args([*base, "--full-disclosure", "all", "--paper", "Letter"])
    )
    assert everything.full_disclosure_all and everything.paper.value == "Letter"


def test_statements_beyond_the_summary_pages_room_go_to_the_details_page() -> None:
    """However many statements there are, the summary page draws what fits above the rate
    trend, says how many more there are, and the details page lists them all."""
    from workstation.ecg.analysis import analyze_ecg
    from workstation.io import read_recording
    from workstation.reports import EcgReport, PatientHeader, Signature
    from workstation.reports.ecg_report import build_ecg_report

    recording = read_recording(shared("cpsc2021-sample", "data_101_8.hea"))
    analysis = analyze_ecg(recording, score=False).to_json()
    words = "a statement long enough to take two rows of the summary page's left column"
    analysis["statements"] = [
        {"code": f"s{k}", "text": f"Statement {k}, {words}"} for k in range(40)
    ]
    signature = Signature("dr.ada", "clinician", True, datetime(2026, 12, 1, 19, 0, tzinfo=UTC))
    report = EcgReport(recording, analysis, PatientHeader("", "", "", ""), signature)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(build_ecg_report(report))).pages]
    first = " ".join(pages[0].split())
    shown = sum(f"Statement {k}," in first for k in range(40))
    assert 5 <= shown < 40
    assert f"and {40 - shown} more statement(s): see the details page" in first
    details = " ".join(" ".join(p.split()) for p in pages if "details" in p)
    assert all(f"Statement {k}," in details for k in range(40))


@pytest.mark.parametrize(
    ("span", "duration", "expected"),
    [([0, 5000], 10.0, None), ([0, 4900], 10.0, None), ([5000, 10000], 30.0, (10.0, 20.0))],
)
def test_the_measured_stretch_is_named_only_when_it_is_not_the_whole_record(
    span: list[int], duration: float, expected: tuple[float, float] | None
) -> None:
    from workstation.reports.ecg_content import measured_stretch_s, rhythm_details

    analysis = {"measured_samples": span, "sample_rate_hz": 500.0}
    analysis |= {"quality": {"duration_s": duration}}
    assert measured_stretch_s(analysis) == expected
    named = dict(rhythm_details(analysis)).get("Measured on")
    assert named == (None if expected is None else "00:00:10-00:00:20")


def test_a_statement_longer_than_the_room_is_cut_above_the_rate_trend() -> None:
    """A statement too long for the summary page is drawn cut with '…' above the rate
    trend's title, never over the trend; the details page has it whole."""
    from workstation.ecg.analysis import analyze_ecg
    from workstation.io import read_recording
    from workstation.reports import EcgReport, PatientHeader, Signature
    from workstation.reports.ecg_report import build_ecg_report

    recording = read_recording(shared("cpsc2021-sample", "data_101_8.hea"))
    analysis = analyze_ecg(recording, score=False).to_json()
    text = " ".join(f"word{k}" for k in range(400))
    analysis["statements"] = [{"code": "long", "text": text}, {"code": "next", "text": "Next"}]
    signature = Signature("dr.ada", "clinician", True, datetime(2026, 12, 1, 19, 0, tzinfo=UTC))
    report = EcgReport(recording, analysis, PatientHeader("", "", "", ""), signature)
    reader = PdfReader(io.BytesIO(build_ecg_report(report)))
    heights: dict[str, float] = {}

    def seen(text: str, _cm, tm, _font, _size) -> None:
        for word in text.split():
            heights.setdefault(word, tm[5])

    first = reader.pages[0].extract_text(visitor_text=seen)
    trend_title = heights["Heart"]  # "Heart rate per minute (bpm); ..."
    shown = [w for w in heights if w.startswith("word")]
    assert 20 < len(shown) < 400 and "word399" not in shown and "…" in first
    assert min(heights[w] for w in shown) > trend_title
    assert "more statement(s): see the details page" in " ".join(first.split())
    details = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[1:])
    assert text in details
    # Alone, the cut statement still points to the details page.
    analysis["statements"] = analysis["statements"][:1]
    alone = replace(report, analysis=analysis)
    first = PdfReader(io.BytesIO(build_ecg_report(alone))).pages[0].extract_text()
    assert "the statement continues: see the details page" in " ".join(first.split())


def test_the_longest_pause_strip_names_the_pause_time_not_the_strip_start() -> None:
    """The strip starts 2 s before the pause; its title gave that time as the pause's, two
    seconds off the statement ("longest 2.8 s at 00:00:33" over a strip "at 00:00:31")."""
    from workstation.reports.ecg_rhythm_pages import strip_starts

    analysis = {
        "sample_rate_hz": 200.0,
        "rhythm": {"af_episodes": [], "pauses": [{"start": 6638, "end": 7192, "duration_s": 2.77}]},
    }
    [(start, label, leads)] = strip_starts(analysis)
    assert leads == ()  # no lead beats on through it: the report's lead alone
    assert start == pytest.approx(31.19)
    assert label == "Longest pause, 2.77 s, at 00:00:33 (strip from 00:00:31)"


def test_an_arrest_longer_than_a_strip_gets_a_second_strip_for_its_end() -> None:
    """A 12 s arrest on one 10 s strip from 2 s before it showed a flat line to the strip's
    end and never the beat that closes it."""
    from workstation.reports.ecg_rhythm_pages import strip_starts

    analysis = {
        "sample_rate_hz": 200.0,
        "rhythm": {
            "af_episodes": [],
            "pauses": [{"start": 1637, "end": 4073, "duration_s": 12.18}],
        },
    }
    (first, _, _), (second, label, _) = strip_starts(analysis)
    assert first == pytest.approx(6.185)
    assert second == pytest.approx(4073 / 200 + 2.0 - 10.0)
    assert label == "Longest pause, 12.18 s, at 00:00:08: its end at 00:00:20 (strip from 00:00:12)"


def test_a_record_whose_findings_were_withheld_reads_not_interpretable_not_zero() -> None:
    """A zero would read as "none found"; the engine did not look (findings withheld). An
    analysis stored before the engine withheld them is judged again from its quality
    figures: its counts, pause strip and marks go too."""
    from workstation.app.ecg_result import StoredRhythm
    from workstation.reports.ecg_rhythm_pages import (
        NOT_INTERPRETABLE,
        _summary_rows,
        shown_analysis,
        strip_starts,
    )

    summary = {
        "analysed_s": 10.0,
        "excluded_s": 50.0,
        "hr_trend_bpm": [92.0],
        "af_burden_pct": 0.0,
        "af_episodes": 0,
        "pac_count": 0,
        "pvc_count": 8,
        "longest_pause_s": 2.38,
        "fastest_bpm": 92.0,
        "fastest_minute": 0,
        "slowest_bpm": 92.0,
        "slowest_minute": 0,
    }
    stored_before = {  # as stored before 63d6f1a: findings of the 10 s that passed
        "sample_rate_hz": 200.0,
        "summary": summary,
        "af_episodes": [],
        "pauses": [{"start": 1400, "end": 1876, "duration_s": 2.38}],
        "premature_ventricular": [100, 300, 500, 700, 900, 1100, 1300, 1500],
    }
    quality = {"usable_s": 10.0, "duration_s": 60.0}
    analysis = shown_analysis(
        {"sample_rate_hz": 200.0, "rhythm": stored_before, "quality": quality}
    )
    rows = dict(_summary_rows(analysis))
    assert rows["Usable"] == "0.2 min (too little to interpret)"
    for name in ("AF burden", "Premature ventricular", "Longest pause", "Fastest minute"):
        assert rows[name] == NOT_INTERPRETABLE
    assert strip_starts(analysis) == []
    shown = StoredRhythm.from_json(stored_before, quality)
    assert shown.findings_withheld and shown.pvc_count == 0 and shown.pauses == ()
    assert shown.premature_ventricular == () and shown.hr_trend_bpm == (None,)
    interpretable = {"usable_s": 60.0, "duration_s": 60.0}
    assert StoredRhythm.from_json(stored_before, interpretable).pvc_count == 8


def test_no_pause_is_claimed_only_for_the_time_analysed() -> None:
    """A 9 s sinus arrest's window is usually refused as poor signal quality; "none over
    2.0 s" beside it read as if the whole record had been looked at."""
    from workstation.reports.ecg_rhythm_pages import _longest_pause

    assert _longest_pause(None, 10.0, {}) == "none over 2.0 s in analysed time"
    assert _longest_pause(None, 0.0, {}) == "none over 2.0 s"
    assert _longest_pause(8.7, 10.0, {"pauses": [{"duration_s": 8.7}]}) == "8.70 s"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_rhythm_strip_stays_on_the_page(paper: str) -> None:
    """Six strips went to a landscape page with room for five: the sixth, its title over
    the footer, ran off the page's foot (seen with a named pause's two strips in two leads
    and the longest pause seen in every lead, session 18)."""
    from reportlab.lib.units import mm

    from workstation.reports.ecg_rhythm_pages import (
        STRIP_GAP_MM,
        STRIP_HEIGHT_MM,
        STRIPS_TOP_MM,
        strips_per_page,
    )
    from workstation.reports.page_layout import content_box
    from workstation.reports.paper import Paper

    box = content_box(Paper(paper))
    n = strips_per_page(box)
    last_top = box.top - (STRIPS_TOP_MM + (n - 1) * (STRIP_HEIGHT_MM + STRIP_GAP_MM)) * mm
    assert last_top - STRIP_HEIGHT_MM * mm >= box.y  # the last strip is on the page
    assert last_top - (2 * STRIP_HEIGHT_MM + STRIP_GAP_MM) * mm < box.y  # one more is not


def test_a_pause_whose_end_is_on_its_strip_gets_no_second_strip() -> None:
    """A 6 s pause from 2 s into its strip ends 2 s before the strip does: a second strip
    "for its end" started 20 ms after the first."""
    from workstation.reports.ecg_rhythm_pages import strip_starts

    pause = {"start": 3730, "end": 4934, "duration_s": 6.02}
    analysis = {"sample_rate_hz": 200.0, "rhythm": {"af_episodes": [], "pauses": [pause]}}
    assert len(strip_starts(analysis)) == 1


def test_a_strip_trace_taller_than_its_strip_is_cut_at_its_edge_and_says_so() -> None:
    """Strips are 30 mm at 10 mm/mV: a QRS over 1.5 mV from the baseline (this record's,
    made three times taller) was drawn across the next strip's title."""
    from dataclasses import replace as with_signals

    import numpy as np

    from workstation.ecg.analysis import analyze_ecg
    from workstation.io import read_recording
    from workstation.reports.ecg_rhythm_pages import draw_strips_pages
    from workstation.reports.settings import ReportSettings

    recording = read_recording(shared("cpsc2021-sample", "data_101_8.hea"))

    def strips(scale: float) -> tuple[str, bytes]:
        scaled = with_signals(recording, signals=np.asarray(recording.signals) * scale)
        analysis = analyze_ecg(scaled, score=False).to_json()
        settings = ReportSettings()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=settings.paper.size)
        draw_strips_pages(canvas, scaled, analysis, settings)
        canvas.save()
        reader = PdfReader(io.BytesIO(buffer.getvalue()))
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        return text, reader.pages[0].get_contents().get_data()

    text, content = strips(0.3)
    assert "AF episode 1" in text and "cut at its edge" not in text
    text, content = strips(3.0)
    assert "AF episode 1" in text and "(trace taller than the strip, cut at its edge)" in text
    assert b" re W* n" in content  # each trace drawn inside its strip's clipping rectangle
