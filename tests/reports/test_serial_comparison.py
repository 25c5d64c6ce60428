"""Serial ECG comparison on real ECGs stored in a real vault: the deltas, the "not measured"
of a measurement missing from one ECG, a constructed ST change flagged by its rule, the
refusals, the report's pages and the ``report-serial`` command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import shared
from pypdf import PdfReader
from serial_ecgs import SHIFT_MV, ludb_sessions, ptb_pair, st_change_sessions, store_ecg
from session_builders import CLINICIAN, CLINICIAN_PASSWORD, open_vault, patient_id

from workstation.app.ecg_result import MODIFIED_QTC_LABEL, StoredEcg
from workstation.app.progress import Progress
from workstation.app.serial_comparison import (
    NOTABLE_RULES,
    REPORT_TITLE,
    Delta,
    NotComparable,
    _st_deltas,
    default_partner,
    export_serial_report,
    load_comparison,
    load_serial_view,
    session_date,
    taken_order,
)
from workstation.cli import main
from workstation.io import read_recording
from workstation.recording import Modality
from workstation.vault import SessionStatus, SessionSummary, Vault
from workstation.vault.kinds import AnalysisKind

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def serial_vault(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """One vault: Ada's LUDB 1 then LUDB 8; Grace's PTB record, then with ST shifted in V2."""
    from workstation.inference.registry import models_dir

    if not (models_dir() / "ecg-segmentation.onnx").is_file():
        pytest.skip("ECG models not trained yet: ecg-segmentation.onnx absent from models/")
    path = tmp_path_factory.mktemp("serial") / "vault.db"
    vault = open_vault(path)
    ada = patient_id(vault, "MRN-1001", "Ada Serial-Testcase", "F")
    grace = patient_id(vault, "MRN-1002", "Grace Serial-Testcase", "F")
    sinus, af = ludb_sessions(vault, ada)
    plain, shifted = st_change_sessions(vault, grace)
    vault.close()
    return path, {"sinus": sinus, "af": af, "plain": plain, "shifted": shifted, "ada": ada}


@pytest.fixture
def vault(serial_vault) -> Vault:
    v = Vault(serial_vault[0])
    v.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    yield v
    v.close()


@pytest.fixture
def ids(serial_vault) -> dict[str, int]:
    return serial_vault[1]


def stored(vault: Vault, session_id: int) -> StoredEcg:
    latest = [a for a in vault.list_analyses(session_id) if a.kind == AnalysisKind.ECG][-1]
    return StoredEcg.from_json(dict(vault.load_analysis(latest.id).results))


def by_label(deltas, label: str) -> Delta:
    return next(d for d in deltas if d.label == label)


def test_af_against_sinus_gives_deltas_and_says_not_measured_where_pr_is_missing(vault, ids):
    comparison = load_comparison(vault, ids["af"], ids["sinus"])  # given newest first
    assert comparison.older.session.id == ids["sinus"]
    assert comparison.newer.session.id == ids["af"]
    sinus, af = stored(vault, ids["sinus"]), stored(vault, ids["af"])
    assert sinus.intervals.pr_ms is not None and af.intervals.pr_ms is None  # AF: no PR

    pr = by_label(comparison.measurements, "PR")
    assert pr.change is None and not pr.notable
    assert pr.older_text == f"{sinus.intervals.pr_ms:.0f} ms"
    assert pr.newer_text == "not measured" and pr.change_text == "not measured in the newer ECG"
    rate = by_label(comparison.measurements, "Heart rate")
    assert rate.change == pytest.approx(af.heart_rate_bpm - sinus.heart_rate_bpm)
    assert rate.notable == (abs(rate.change) >= 20.0)
    qrs = by_label(comparison.measurements, "QRS")
    assert qrs.change == pytest.approx(af.intervals.qrs_ms - sinus.intervals.qrs_ms)
    assert qrs.notable == (qrs.change >= 20.0)
    assert (qrs.flag_text == NOTABLE_RULES["qrs"].text) == qrs.notable
    # LUDB 8's paced QRS is wide: the modified QTc its QT was judged on is compared too
    modified = by_label(comparison.measurements, MODIFIED_QTC_LABEL)
    assert sinus.intervals.qtc_modified_ms is None and af.intervals.qtc_modified_ms is not None
    assert modified.older_text == "not applicable (QRS < 120 ms)"
    assert modified.change_text == "not applicable (QRS < 120 ms) in the older ECG"
    assert modified.newer_text == f"{af.intervals.qtc_modified_ms:.0f} ms"

    changes = comparison.statements
    assert "sinus_bradycardia" in {s["code"] for s in changes.removed}
    assert "paced_rhythm" in {s["code"] for s in changes.added}  # LUDB 8 is paced AF
    assert any("Paced rhythm" in line for line in comparison.notable)
    # LUDB amplitudes are normalised: no ST level is compared, and the reason is given
    assert comparison.st == () and "both ECGs" in comparison.st_not_measured
    assert "normalised" in comparison.st_not_measured


def test_a_constructed_st_elevation_in_one_lead_is_flagged_with_its_rule(vault, ids):
    comparison = load_comparison(vault, ids["plain"], ids["shifted"])
    assert comparison.st_not_measured is None
    v2 = by_label(comparison.st, "ST V2")
    assert v2.change == pytest.approx(SHIFT_MV * 10.0, abs=0.3)  # mV at 10 mm/mV
    assert v2.notable and v2.flag_text == NOTABLE_RULES["st"].text
    others = [d for d in comparison.st if d.label != "ST V2"]  # leads left as recorded
    assert len(others) >= 5 and all(d.change is not None for d in others)
    assert all(abs(d.change) < 0.3 and not d.notable for d in others)
    assert any(line.startswith("ST V2 +1.") for line in comparison.notable)
    # the same beats: the intervals barely move and the first QRS complexes line up
    assert abs(by_label(comparison.measurements, "QRS").change) < 20.0
    assert comparison.older.start_s == pytest.approx(comparison.newer.start_s, abs=0.01)


def test_the_axis_change_is_taken_the_short_way_round():
    axis = Delta("QRS axis", "°", 170.0, -160.0, NOTABLE_RULES["axis"], circular=True)
    assert axis.change == pytest.approx(30.0) and axis.notable
    assert axis.change_text == "+30°"
    small = Delta("QRS axis", "°", -10.0, 10.0, NOTABLE_RULES["axis"], circular=True)
    assert small.change == pytest.approx(20.0) and not small.notable
    narrower = Delta("QRS", "ms", 120.0, 90.0, NOTABLE_RULES["qrs"])
    assert not narrower.notable  # the QRS rule counts widening only


def test_an_uncertain_st_level_is_flagged_only_when_its_change_clears_the_margins():
    """A noisy lead's ST (margin 0.6 mm in the newer ECG) moving by 1.2 mm is within what
    noise can do beside the 1 mm rule; by 1.8 mm it is not."""
    older = {"st_segment": {"leads": {"v2": {"st60_mm": 0.0, "margin_mm": None}}}}
    newer = {"st_segment": {"leads": {"v2": {"st60_mm": -1.2, "margin_mm": 0.6}}}}
    (row,), _ = _st_deltas(older, newer)
    assert row.label == "ST V2 (noisy)" and row.margin == pytest.approx(0.6)
    assert row.change == pytest.approx(-1.2) and not row.notable
    newer["st_segment"]["leads"]["v2"]["st60_mm"] = -1.8
    assert _st_deltas(older, newer)[0][0].notable
    older["st_segment"]["leads"]["v2"] |= {"st60_mm": 0.3, "margin_mm": 0.3}
    newer["st_segment"]["leads"]["v2"] |= {"st60_mm": 1.9, "margin_mm": 0.3}
    assert _st_deltas(older, newer)[0][0].notable  # 1.6 - 0.6 reaches 1 mm (no float slip)
    older["st_segment"]["leads"]["v2"] |= {"st60_mm": 0.0, "margin_mm": None}
    newer["st_segment"]["leads"]["v2"]["margin_mm"] = None  # a clean lead: the rule alone
    newer["st_segment"]["leads"]["v2"]["st60_mm"] = -1.2
    (clean,), _ = _st_deltas(older, newer)
    assert clean.label == "ST V2" and clean.notable


def test_ecgs_are_ordered_by_when_they_were_taken_not_when_stored():
    def session(id_: int, stored: str, recorded: str | None) -> SessionSummary:
        return SessionSummary(
            id_, 1, "MRN", "Name", "ecg", SessionStatus.OPEN, "dr", stored, "x.hea", recorded
        )

    archive = session(2, "2026-11-30T10:00:00+00:00", "2019-05-01T08:30:00")  # imported today
    today = session(1, "2026-11-29T09:00:00+00:00", None)  # no date in the file: stored date
    assert sorted([today, archive], key=taken_order) == [archive, today]
    assert session_date(archive)[1] == "recorded" and session_date(today)[1] == "stored"


def test_the_default_partner_is_the_previous_ecg_else_the_next(vault, ids):
    assert default_partner(vault, ids["af"]) == ids["sinus"]
    assert default_partner(vault, ids["sinus"]) == ids["af"]  # no earlier ECG: the later one
    view = load_serial_view(vault, ids["af"], None, Progress())
    assert view.comparison.older.session.id == ids["sinus"]
    assert [session for session, _ in view.choices] == [ids["sinus"]]
    assert view.older_traces.leads and view.newer_traces.fs > 0


def test_sessions_that_cannot_be_compared_are_refused_with_the_reason(vault, ids):
    with pytest.raises(NotComparable, match="same patient"):
        load_comparison(vault, ids["sinus"], ids["shifted"])
    with pytest.raises(NotComparable, match="itself"):
        load_comparison(vault, ids["sinus"], ids["sinus"])
    video = vault.create_session(ids["ada"], Modality.VIDEO)
    with pytest.raises(NotComparable, match="not an ECG"):
        load_comparison(vault, ids["sinus"], video)
    lone = patient_id(vault, "MRN-1003", "Lone Serial-Testcase", "M")
    unanalysed = vault.save_session(lone, ptb_pair()[0])
    with pytest.raises(NotComparable, match="no other ECG"):
        default_partner(vault, unanalysed)
    analysed = store_ecg(vault, lone, ptb_pair()[0])
    with pytest.raises(NotComparable, match="no stored analysis"):
        load_comparison(vault, analysed, unanalysed)
    two_leads = read_recording(shared("ludb", "data", "1.hea")).pick_channels(["i", "ii"])
    rhythm = store_ecg(vault, lone, two_leads)  # a few-lead ECG is reported as a rhythm strip
    with pytest.raises(NotComparable, match="rhythm recording"):
        load_comparison(vault, analysed, rhythm)


def test_the_report_shows_both_ecgs_and_what_changed(vault, ids, tmp_path):
    out = tmp_path / "serial.pdf"
    report_id, written = export_serial_report(vault, ids["sinus"], ids["af"], out, Progress())
    assert written == out
    assert report_id in {r.id for r in vault.list_reports(ids["af"])}  # with the newer ECG
    assert REPORT_TITLE in {r.title for r in vault.list_reports(ids["af"])}
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(out).pages]
    assert len(pages) == 2
    sheet, changes = pages
    assert "Serial ECG comparison" in sheet and "Ada Serial-Testcase" in sheet
    assert "I older" in sheet and "V6 newer" in sheet and "25 mm/s" in sheet
    assert "NOTABLE CHANGES" in sheet and "Paced rhythm" in sheet
    assert "not measured in the newer ECG" in changes  # PR (and the axes) in AF
    assert "QTc modified" in changes  # LUDB 8's paced QRS is wide
    assert "Sinus bradycardia" in changes and "Removed" in changes
    for rule in NOTABLE_RULES.values():
        assert rule.text in changes


def test_report_serial_command_writes_the_comparison(serial_vault, tmp_path, monkeypatch, capsys):
    path, ids = serial_vault
    out = tmp_path / "cli.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO(CLINICIAN_PASSWORD + "\n"))
    argv = ["report-serial", str(ids["plain"]), str(ids["shifted"]), "-o", str(out),
            "--vault", str(path), "--user", CLINICIAN, "--password-stdin"]  # fmt: skip
    assert main(argv) == 0
    assert "Serial comparison report" in capsys.readouterr().out
    assert main(["verify-report", str(out)]) == 0  # signed like every exported report
    assert f"unchanged since {CLINICIAN} signed it" in capsys.readouterr().out
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "ST V2" in text and NOTABLE_RULES["st"].text in text


def test_rows_with_no_room_on_the_changes_page_continue_on_the_next():
    """50 flagged ST rows and 40 long statements do not fit beside each other above the
    disclaimer: the rest continues over as many pages as it needs, and no line is drawn
    between the tables' floor and the footer (15 flagged leads already reached it)."""
    from datetime import UTC, datetime

    from workstation.reports.ecg_content import DISCLAIMER, PatientHeader, Signature
    from workstation.reports.ecg_serial_page import SerialPage, SerialSide, build_serial_report

    older, newer = ptb_pair()
    rule = NOTABLE_RULES["st"].text
    st = [(f"ST L{k} (noisy)", "0.1 mm", "1.9 mm", "+1.8 mm", rule) for k in range(50)]
    statements = [
        ("Added", f"Statement {k}: " + "a long finding with evidence " * 6) for k in range(40)
    ]
    page = SerialPage(
        patient=PatientHeader("MRN-1", "Overflow, Test", "M", "60 years"),
        signature=Signature("dr.ada", "clinician", True, datetime(2026, 12, 1, tzinfo=UTC)),
        older=SerialSide("older", older, 0.0),
        newer=SerialSide("newer", newer, 0.0),
        measurements=[],
        st=st,
        st_not_measured=None,
        statements=statements,
        notable=[],
        rules=[r.text for r in NOTABLE_RULES.values()],
    )
    pages = PdfReader(io.BytesIO(build_serial_report(page))).pages
    assert len(pages) >= 4
    texts = [p.extract_text() for p in pages[1:]]
    assert all("Continued on the next page" in t for t in texts[:-1])
    assert "Continued on the next page" not in texts[-1]
    assert all("what changed (continued)" in t for t in texts[1:])
    flat = " ".join(" ".join(texts).split())
    assert all(f"ST L{k} " in flat for k in range(50))
    assert all(f"Statement {k}:" in flat for k in range(40))
    for changes in pages[1:]:
        heights: list[tuple[str, float]] = []

        def visit(text: str, cm, tm, font, size, heights=heights) -> None:
            if text.strip():
                heights.append((text.strip(), tm[5]))

        changes.extract_text(visitor_text=visit)
        disclaimer = min(y for text, y in heights if text == DISCLAIMER + ".")
        between = [t for t, y in heights if disclaimer - 15 < y < disclaimer + 5]
        assert between == [DISCLAIMER + "."], between
