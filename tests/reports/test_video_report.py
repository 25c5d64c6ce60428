"""The video-vitals report of a vault session: a generated face clip through ``run_video``.

The clip has 6 s without a face in the middle, so some windows are measurable and some are
not: the report must give the engine's numbers and words, and show the windows that are not
measurable as grey gaps, never as values.
"""

from __future__ import annotations

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
from pdf_fills import filled_rects, one_line, pdf_text
from pdf_paths import MM, page_drawing
from session_builders import open_vault, video_session, write_gap_clip

from workstation.errors import NothingToReport
from workstation.recording import Modality
from workstation.reports import ReportSettings
from workstation.reports.plots import GAP_COLOR, LINE_COLOR
from workstation.reports.session_report import create_session_report, session_report_pdf
from workstation.rppg.synthetic import ClipSpec, write_clip

SETTINGS = ReportSettings("St. Example University Hospital")


def _rgb(color: object) -> tuple[float, ...]:
    return tuple(round(float(c), 3) for c in (color.red, color.green, color.blue))


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A clinician's vault with one stored video session (a clip with a gap) and its report."""
    folder = tmp_path_factory.mktemp("video-report")
    vault = open_vault(folder / "vault" / "vault.db")
    session_id, results = video_session(vault, write_gap_clip(folder))
    pdf = session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    yield vault, session_id, results, pdf
    vault.close()


def test_the_clip_has_measurable_and_unmeasurable_windows(video: Any) -> None:
    """The premise: the engine measured the face and refused the stretch without one."""
    _, _, results, _ = video
    assert results["status"] == "ok"
    assert 0 < results["measurable_windows"] < results["windows"]
    assert results["heart_rate_bpm"] == pytest.approx(72, abs=1.5)
    assert results["hrv"]["status"] != "ok"


def test_the_report_gives_the_engines_numbers_and_words(video: Any) -> None:
    _, _, results, pdf = video
    text = pdf_text(pdf)
    assert "Video vitals report" in text and "Zelda Quixote-Testcase" in text
    assert "Measured." in text
    assert one_line(results["message"]) in text
    rate = results["heart_rate_bpm"]
    assert f"Heart rate: {rate:.1f} bpm" in text
    assert f"{results['measurable_windows']} of {results['windows']} windows measurable" in text
    assert one_line(results["hrv"]["message"]) in text
    assert "SDNN" not in text  # HRV was not measured: no HRV value is printed
    (indicator,) = results["indicators"]
    assert f"{indicator['name']} {indicator['value']:.1f} bpm" in text
    assert "60-100 bpm" in text and "within the reference range" in text
    assert one_line(results["indicators_note"]) in text
    assert "POS (Wang 2017)" in text and "gap.avi" in text
    assert f"{results['frames']} at 30.00 fps, 0 dropped" in text
    assert "For clinical review, not diagnosis." in text
    assert "UNCONFIRMED: this video-vitals measurement has not been reviewed" in text


def test_unmeasurable_windows_are_grey_gaps_not_values(video: Any) -> None:
    _, _, results, pdf = video
    series = np.array([row[:2] for row in results["series"]], dtype=float)
    measurable = np.array([row[3] for row in results["series"]], dtype=bool)
    (line,) = [np.asarray(p.points) for p in page_drawing(pdf).paths if p.color == _rgb(LINE_COLOR)]
    assert len(line) == measurable.sum()  # one vertex per measurable window, no other
    slope, offset = np.polyfit(series[measurable, 0], line[:, 0], 1)
    assert slope / MM > 1.0  # time runs left to right
    assert np.abs(line[:, 0] - (slope * series[measurable, 0] + offset)).max() < 0.01
    y_slope, y_offset = np.polyfit(series[measurable, 1], line[:, 1], 1)
    assert np.abs(line[:, 1] - (y_slope * series[measurable, 1] + y_offset)).max() < 0.01
    gaps = [r for r in filled_rects(pdf) if r.color == _rgb(GAP_COLOR) and r.height > 20 * MM]
    runs = np.flatnonzero(np.diff(np.r_[1, measurable.astype(int)]) == -1)
    assert len(gaps) == len(runs) == 1
    (gap,) = gaps
    missing = series[~measurable, 0]
    start, end = ((np.array([gap.x, gap.x + gap.width]) - offset) / slope).tolist()
    assert start == pytest.approx(missing.min() - 0.5, abs=0.01)
    assert end == pytest.approx(missing.max() + 0.5, abs=0.01)
    assert not ((line[:, 0] > gap.x) & (line[:, 0] < gap.x + gap.width)).any()


def test_the_report_is_stored_titled_and_deterministic(video: Any, tmp_path: Path) -> None:
    vault, session_id, _, pdf = video
    report_id = create_session_report(vault, session_id, SETTINGS, REPORT_TIME)
    (info,) = vault.list_reports(session_id)
    assert info.id == report_id and info.title == "Video vitals report"
    assert vault.export_report(report_id, tmp_path / "v.pdf").read_bytes() == pdf
    assert session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME) == pdf
    assert session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME + timedelta(1)) != pdf


def test_the_metadata_holds_no_patient_data(video: Any) -> None:
    from pypdf import PdfReader

    _, _, _, pdf = video
    info = PdfReader(io.BytesIO(pdf)).metadata
    values = " ".join(str(v) for v in info.values())
    assert info.title == "Video vitals report"
    assert "Zelda" not in values and "MRN" not in values and "gap.avi" not in values


def test_the_report_renders_with_pdftoppm(video: Any, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: run 'make system-deps'")
    _, _, _, pdf = video
    source = tmp_path / "video.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", source, tmp_path / "page"], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 1
    ARTIFACTS.joinpath("reports").mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], ARTIFACTS / "reports" / "video-report-page-1.png")


@pytest.fixture
def vault(tmp_path: Path) -> Any:
    vault = open_vault(tmp_path / "vault" / "vault.db")
    yield vault
    vault.close()


def test_hrv_is_printed_where_it_was_measured(vault: Any, tmp_path: Path) -> None:
    clip = write_clip(
        tmp_path / "clean.avi",
        # Real beat-to-beat variation: a perfectly regular pulse has no HRV to report (#18).
        ClipSpec(
            bpm=72,
            seconds=30,
            width=160,
            height=120,
            seed=7,
            rmssd_ms=60,
            noise_sd=0.5,
            motion_px=0.0,
            pulse_amplitude=0.02,
        ),
    )
    session_id, results = video_session(vault, clip)
    hrv = results["hrv"]
    assert hrv["status"] == "ok", hrv["message"]
    text = pdf_text(session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME))
    assert f"SDNN {hrv['sdnn_ms']:.1f} ms" in text
    assert f"RMSSD {hrv['rmssd_ms']:.1f} ms" in text
    assert "LF/HF not computed: needs at least 2 minutes of beats" in text
    assert f"Beats {hrv['beats']}" in text
    names = [i["name"] for i in results["indicators"]]
    assert "SDNN" in names and all(name in text for name in names)


def test_a_clip_too_short_to_measure_reports_why_and_no_rate(vault: Any, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "short.avi", ClipSpec(seconds=2, width=160, height=120))
    session_id, results = video_session(vault, clip)
    assert results["status"] == "too_short"
    pdf = session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    text = pdf_text(pdf)
    assert "Too short to measure." in text and one_line(results["message"]) in text
    assert "Heart rate: not reported (0 of 0 windows measurable)" in text
    assert "No heart-rate window" in text
    assert not [p for p in page_drawing(pdf).paths if p.color == _rgb(LINE_COLOR)]


def test_a_video_session_without_a_result_has_nothing_to_report(vault: Any) -> None:
    patient = vault.add_patient("MRN-2", "Nobody Measured", "M")
    session_id = vault.create_session(patient.id, Modality.VIDEO)
    with pytest.raises(NothingToReport, match="no stored video-vitals result"):
        create_session_report(vault, session_id, SETTINGS, REPORT_TIME)
