"""What the report says, what it keeps to itself, and that it is reproducible."""

from __future__ import annotations

import dataclasses
import io
import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import INSTITUTION, PATIENT, SIGNATURE
from helpers import shared
from pypdf import PdfReader

from workstation.ecg.analysis import analyze_ecg
from workstation.io import read_recording
from workstation.recording import Recording
from workstation.reports import Confirmation, EcgReport, ReportSettings, build_ecg_report
from workstation.reports.ecg_content import DISCLAIMER


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _patient_strings() -> list[str]:
    return [PATIENT.name, PATIENT.identifier, "Quixote"]


@pytest.mark.shared_data
def test_the_text_holds_the_measurements_the_engine_produced(
    ludb_record: Recording, engine_analysis: dict[str, Any]
) -> None:
    report = EcgReport(ludb_record, engine_analysis, PATIENT, SIGNATURE)
    text = _text(build_ecg_report(report))
    for key in ("heart_rate_bpm", "pr_ms", "qrs_ms", "qt_ms", "qtc_bazett_ms"):
        value = engine_analysis[key]
        if value is not None:
            assert f"{value:.0f} " in text, key
    for statement in engine_analysis["statements"]:
        assert statement["text"][:30] in text
    for model in engine_analysis["models"]:
        assert model["sha256"] in text
    assert f"{engine_analysis['abnormality']['probability_abnormal']:.2f}" in text


@pytest.mark.shared_data
def test_the_page_names_patient_source_signer_and_intended_use(
    layout_report: EcgReport,
) -> None:
    text = _text(build_ecg_report(layout_report))
    for expected in (
        PATIENT.name,
        PATIENT.identifier,
        "female / 51 years",
        INSTITUTION,
        layout_report.recording.source_sha256,
        "1.hea",
        "dr.ada",
        "2026-11-22 14:03 UTC",
        DISCLAIMER,
        "Page 1 of 2",
        "Page 2 of 2",
        "25 mm/s",
        "10 mm/mV",
        "QRS axis",
    ):
        assert expected in text, expected


@pytest.mark.shared_data
def test_unconfirmed_statements_are_announced_and_confirmed_ones_marked(
    layout_report: EcgReport,
) -> None:
    text = _text(build_ecg_report(layout_report))
    assert "UNCONFIRMED: 2 of 3 interpretation statement(s)" in text
    assert "Confirmed by dr.ada" in text
    everything = tuple(
        Confirmation(s["text"], "dr.ada", "2026-11-22 13:58 UTC")
        for s in layout_report.analysis["statements"]
    )
    confirmed = dataclasses.replace(layout_report, confirmations=everything)
    assert "UNCONFIRMED" not in _text(build_ecg_report(confirmed))


@pytest.mark.shared_data
def test_an_unsigned_report_says_so(layout_report: EcgReport) -> None:
    unsigned = dataclasses.replace(
        layout_report, signature=dataclasses.replace(SIGNATURE, signed_in=False)
    )
    assert "NOT SIGNED" in _text(build_ecg_report(unsigned))


@pytest.mark.shared_data
def test_metadata_names_the_generator_and_no_patient(layout_report: EcgReport) -> None:
    pdf = build_ecg_report(layout_report)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert set(info) <= {
        "/Title", "/Author", "/Subject", "/Creator", "/Producer", "/Keywords",
        "/CreationDate", "/ModDate", "/Trapped",
    }  # fmt: skip
    assert "Clinician Workstation 0.1.0" in info["/Creator"]
    assert "Clinician Workstation" in info["/Producer"]
    assert info["/CreationDate"].startswith("D:20261122140300")
    values = " ".join(str(v) for v in info.values())
    for secret in [*_patient_strings(), layout_report.recording.source_sha256, "dr.ada"]:
        assert secret not in values
    for secret in _patient_strings():
        assert secret.encode() not in pdf  # only inside the compressed page content


@pytest.mark.shared_data
def test_no_temporary_file_or_log_line_carries_patient_data(
    layout_report: EcgReport,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    with caplog.at_level(logging.DEBUG):
        build_ecg_report(layout_report)
    assert list(scratch.iterdir()) == []
    for secret in _patient_strings():
        assert secret not in caplog.text


@pytest.mark.shared_data
def test_same_report_and_time_give_the_same_bytes(layout_report: EcgReport) -> None:
    first = build_ecg_report(layout_report)
    assert build_ecg_report(dataclasses.replace(layout_report)) == first
    later = dataclasses.replace(
        layout_report,
        signature=dataclasses.replace(
            SIGNATURE, generated_at=SIGNATURE.generated_at + timedelta(minutes=1)
        ),
    )
    assert build_ecg_report(later) != first


@pytest.mark.shared_data
def test_letter_paper_is_letter_landscape(layout_report: EcgReport) -> None:
    from workstation.reports import Paper

    letter = dataclasses.replace(layout_report, settings=ReportSettings("", Paper.LETTER))
    box = PdfReader(io.BytesIO(build_ecg_report(letter))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)


@pytest.mark.shared_data
def test_measurements_that_do_not_fit_continue_on_a_page_of_their_own() -> None:
    """PTB s0010_re has 15 leads, so 15 ST rows: they ran over the disclaimer at the foot
    of the details page. What does not fit now continues on the next page, and no line of
    the details page is drawn at or below the disclaimer."""
    rec = read_recording(shared("wfdb-samples", "s0010_re.hea")).slice_time(9.6, 19.2)
    report = EcgReport(rec, analyze_ecg(rec, score=False).to_json(), PATIENT, SIGNATURE)
    pages = PdfReader(io.BytesIO(build_ecg_report(report))).pages
    assert len(pages) == 3
    assert "Measurements continue on the next page" in pages[1].extract_text()
    continued = pages[2].extract_text()
    assert "Measurements (continued)" in continued
    assert "ST (J / J+60 / J+80)" in continued  # the ST rows' unit and baseline go with them
    printed = pages[1].extract_text() + pages[2].extract_text()
    for lead in ("I", "aVL", "V6", "VX", "VY", "VZ"):
        assert f"ST {lead}" in printed, lead
    heights: dict[str, float] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            heights[text.strip()] = min(heights.get(text.strip(), 1e9), tm[5])

    pages[1].extract_text(visitor_text=visit)
    disclaimer = heights[DISCLAIMER + "."]
    st_labels = [y for text, y in heights.items() if text.startswith("ST ")]
    assert len(st_labels) >= 10 and min(st_labels) > disclaimer + 5


@pytest.mark.shared_data
def test_the_score_explanation_names_the_reference_it_was_computed_against(
    ludb_record: Recording, engine_analysis: dict[str, Any]
) -> None:
    """A new analysis is explained against a typical normal ECG; one stored before that
    name was recorded was explained against the training-median ECG and says so."""
    text = " ".join(
        _text(build_ecg_report(EcgReport(ludb_record, engine_analysis, PATIENT, SIGNATURE))).split()
    )
    assert "vs. a typical normal ECG" in text
    old_score = {k: v for k, v in engine_analysis["abnormality"].items() if k != "reference"}
    old = EcgReport(ludb_record, {**engine_analysis, "abnormality": old_score}, PATIENT, SIGNATURE)
    assert "vs. the training-median ECG" in " ".join(_text(build_ecg_report(old)).split())


@pytest.mark.shared_data
def test_the_report_carries_the_notes_on_the_leads() -> None:
    """A modified limb lead changes amplitudes and axis: the analysis' note on it is printed
    with the recording, not only kept in the JSON."""
    rec = read_recording(shared("wfdb-samples", "100.hea")).slice_time(0.0, 10.0)
    report = EcgReport(rec, analyze_ecg(rec, score=False).to_json(), PATIENT, SIGNATURE)
    text = " ".join(_text(build_ecg_report(report)).split())
    assert "Note on the leads II (modified limb lead MLII): recorded with the limb" in text
