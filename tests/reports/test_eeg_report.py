"""The EEG report of a vault session: real Bonn EEG, the shipped detector, stored and exported."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import REPORT_TIME
from helpers import ARTIFACTS
from pdf_fills import one_line, pdf_text
from pdf_paths import MM, page_drawing
from session_builders import (
    CLINICIAN_ANNOTATIONS,
    SEIZURE_SPANS,
    eeg_session,
    open_vault,
    write_bonn_edf,
)

from workstation.errors import NothingToReport
from workstation.inference.cards import models_dir
from workstation.reports import Paper, ReportSettings
from workstation.reports import eeg_content as content
from workstation.reports.eeg_layout import STRIP_SECONDS, event_strip, strip_start
from workstation.reports.plots import LINE_COLOR, THRESHOLD_COLOR
from workstation.reports.session_report import create_session_report, session_report_pdf
from workstation.reports.waveform import TRACE_COLOR
from workstation.vault import Analysis, Vault
from workstation.vault.kinds import AnalysisKind

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not (models_dir() / "eeg-seizure.onnx").is_file(), reason="no shipped EEG detector"
    ),
]
SETTINGS = ReportSettings("St. Example University Hospital, Neurology")


def _rgb(color: object) -> tuple[float, ...]:
    return tuple(round(float(c), 3) for c in (color.red, color.green, color.blue))


@pytest.fixture(scope="module")
def eeg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A signed-in clinician's vault with one analysed EEG session, and its report."""
    folder = tmp_path_factory.mktemp("eeg-report")
    vault = open_vault(folder / "vault" / "vault.db")
    session_id, results = eeg_session(vault, write_bonn_edf(folder / "bonn.edf"))
    pdf = session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    yield vault, session_id, results, pdf
    vault.close()


def _events(results: dict[str, Any]) -> list[content.Event]:
    return content.group_events(content.flagged_windows(results), content.window_seconds(results))


def test_the_detector_flags_both_ictal_stretches(eeg: Any) -> None:
    """The premise of the other tests: the real detector finds the two inserted stretches."""
    _, _, results, _ = eeg
    events = _events(results)
    assert len(events) == 2
    for event, (start, stop) in zip(events, SEIZURE_SPANS.values(), strict=True):
        assert start - 4.0 <= event.start_s <= start + 2.0
        assert stop - 4.0 <= event.end_s <= stop + 4.0


def test_the_report_states_events_annotations_and_model(eeg: Any) -> None:
    vault, session_id, results, pdf = eeg
    text = pdf_text(pdf)
    recording = vault.load_recording(vault.list_recordings(session_id)[0].id)
    start = recording.start_time
    assert "EEG report" in text and "Oskar Testperson-Eeg" in text and "bonn.edf" in text
    assert "double banana" in text and "256 Hz" in text and "46.0 s" in text
    sha = recording.source_sha256
    assert f"{sha[:32]} {sha[32:]}" in text
    for k, event in enumerate(_events(results), start=1):
        clock = (start + timedelta(seconds=event.start_s)).strftime("%H:%M:%S")
        assert f"Event {k}: {event.start_s:.1f} s ({clock})" in text
        assert f"{event.peak.probability:.4f}" in text
        assert event.peak.top_channels[0][0] in text
    explained = next(w for w in content.detector_windows(results) if w.driving)
    assert one_line(content.driving_text(explained.driving)) in text
    for note in CLINICIAN_ANNOTATIONS:
        assert note["label"] in text
        assert f"{note['onset']:.1f} s" in text
    model = results["model"]
    assert f"eeg-seizure version {model['version']}" in text
    assert model["sha256"][:16] in text
    assert "Seizure-like activity in single channels, for clinical review, not diagnosis." in text
    assert "For clinical review, not diagnosis." in text
    assert "UNCONFIRMED: this EEG analysis has not been reviewed" in text
    assert "Signed by dr.ada (clinician)" in text


def test_the_report_is_stored_titled_and_exported_as_built(eeg: Any, tmp_path: Path) -> None:
    vault, session_id, _, pdf = eeg
    report_id = create_session_report(vault, session_id, SETTINGS, REPORT_TIME)
    info = next(r for r in vault.list_reports(session_id) if r.id == report_id)
    assert info.title == "EEG report"
    target = vault.export_report(report_id, tmp_path / "eeg.pdf")
    assert target.read_bytes() == pdf


def test_same_session_and_time_give_the_same_bytes(eeg: Any) -> None:
    vault, session_id, _, pdf = eeg
    assert session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME) == pdf
    later = session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME + timedelta(minutes=1))
    assert later != pdf


def test_the_metadata_holds_no_patient_data(eeg: Any) -> None:
    from pypdf import PdfReader

    _, _, _, pdf = eeg
    info = PdfReader(io.BytesIO(pdf)).metadata
    values = " ".join(str(v) for v in info.values())
    assert info.title == "EEG report"
    assert "Oskar" not in values and "MRN" not in values and "bonn" not in values


def test_the_strips_are_25_mm_per_second_at_the_stated_sensitivity(eeg: Any) -> None:
    vault, session_id, results, pdf = eeg
    recording = vault.load_recording(vault.list_recordings(session_id)[0].id)
    event = _events(results)[0]
    channels = [name for name, _ in event.peak.top_channels]
    start = strip_start(event.peak.start_s, event.window_s, recording.duration)
    strip = event_strip(recording, channels, start)
    assert strip.channels == tuple(channels)
    assert f"{strip.sensitivity_uv_per_mm:g} µV/mm" in pdf_text(pdf)
    traces = [
        np.asarray(p.points)
        for p in page_drawing(pdf, 2).paths
        if p.color == _rgb(TRACE_COLOR) and len(p.points) == int(STRIP_SECONDS * 256)
    ]
    assert len(traces) == 6  # two events, three channels each
    for row, points in enumerate(traces[:3]):
        x_mm, y_mm = points[:, 0] / MM, points[:, 1] / MM
        assert x_mm[256] - x_mm[0] == pytest.approx(25.0, abs=0.01)
        slope, offset = np.polyfit(strip.signals[row], y_mm, 1)
        assert slope == pytest.approx(1.0 / strip.sensitivity_uv_per_mm, rel=1e-3)
        assert np.abs(y_mm - (slope * strip.signals[row] + offset)).max() < 0.01


def test_the_trends_page_draws_the_probability_and_its_threshold(eeg: Any) -> None:
    _, _, results, pdf = eeg
    windows = content.detector_windows(results)
    paths = page_drawing(pdf, 1).paths
    line = next(
        np.asarray(p.points)
        for p in paths
        if p.color == _rgb(LINE_COLOR) and len(p.points) == len(windows)
    )
    probability = np.array([w.probability for w in windows])
    slope, offset = np.polyfit(probability, line[:, 1], 1)
    assert np.abs(line[:, 1] - (slope * probability + offset)).max() < 0.01
    centres = np.array([w.start_s for w in windows]) + content.window_seconds(results) / 2
    x_slope, x_offset = np.polyfit(centres, line[:, 0], 1)
    assert np.abs(line[:, 0] - (x_slope * centres + x_offset)).max() < 0.01
    (threshold,) = [np.asarray(p.points) for p in paths if p.color == _rgb(THRESHOLD_COLOR)]
    assert threshold[:, 1] == pytest.approx(slope * content.threshold(results) + offset, abs=0.01)


def test_a_confirmed_analysis_has_no_unconfirmed_banner(eeg: Any) -> None:
    vault, session_id, _, _ = eeg
    (analysis_id,) = [a.id for a in vault.list_analyses(session_id) if a.kind == "eeg"]
    vault.confirm_statement(session_id, "EEG reviewed, events confirmed", analysis_id)
    text = pdf_text(session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME))
    assert "UNCONFIRMED" not in text
    assert "reviewed: confirmed by dr.ada" in text
    assert "EEG reviewed, events confirmed" in text


def test_letter_paper_keeps_the_strip_scale(eeg: Any) -> None:
    vault, session_id, _, _ = eeg
    letter = dataclasses.replace(SETTINGS, paper=Paper.LETTER)
    pdf = session_report_pdf(vault, session_id, letter, REPORT_TIME)
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[2]
    assert float(page.mediabox.width) == pytest.approx(792.0)
    traces = [
        np.asarray(p.points)
        for p in page_drawing(pdf, 2).paths
        if p.color == _rgb(TRACE_COLOR) and len(p.points) == 2560
    ]
    assert traces and all(t[:, 0].max() <= 792.0 - 8 * MM for t in traces)
    assert all((t[256, 0] - t[0, 0]) / MM == pytest.approx(25.0, abs=0.01) for t in traces)


def test_the_report_renders_with_pdftoppm(eeg: Any, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: run 'make system-deps'")
    _, _, _, pdf = eeg
    source = tmp_path / "eeg.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", source, tmp_path / "page"], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 4
    ARTIFACTS.joinpath("reports").mkdir(parents=True, exist_ok=True)
    for k, page in enumerate(pages, start=1):
        shutil.copy(page, ARTIFACTS / "reports" / f"eeg-report-page-{k}.png")


@pytest.fixture
def vault(tmp_path: Path) -> Any:
    vault = open_vault(tmp_path / "vault" / "vault.db")
    yield vault
    vault.close()


def test_a_session_without_an_eeg_analysis_has_nothing_to_report(
    vault: Vault, tmp_path: Path
) -> None:
    from workstation.io import read_recording

    recording = read_recording(write_bonn_edf(tmp_path / "bonn.edf"))
    patient = vault.add_patient("MRN-1", "Nobody Analysed", "F")
    session_id = vault.save_session(patient.id, recording)
    with pytest.raises(NothingToReport, match="has no EEG analysis") as raised:
        create_session_report(vault, session_id, SETTINGS, REPORT_TIME)
    assert "let the EEG analysis finish" in str(raised.value)
    assert "ECG" not in str(raised.value)
    annotations_only = {"annotations": CLINICIAN_ANNOTATIONS}
    vault.save_analysis(session_id, Analysis(AnalysisKind.EEG, annotations_only))
    with pytest.raises(NothingToReport, match="holds only annotations"):
        session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    assert vault.list_reports(session_id) == []


def test_without_the_detector_the_report_says_so(vault: Vault, tmp_path: Path) -> None:
    session_id, results = eeg_session(vault, write_bonn_edf(tmp_path / "bonn.edf"), False)
    pdf = session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    text = pdf_text(pdf)
    assert "detector" not in results
    assert "The detector did not run for this analysis" in text
    assert "Event 1" not in text
    assert "Rhythmic left temporal theta" in text
