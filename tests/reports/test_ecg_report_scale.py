"""The printout is true scale: 5 mm squares, 25 mm/s, 10 mm/mV, measured in the PDF itself."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import ARTIFACTS
from pdf_paths import MM, StrokedPath, page_drawing

from workstation.reports import EcgReport, Paper, ReportSettings, build_ecg_report
from workstation.reports.ecg_layout import display_leads
from workstation.reports.waveform import MAJOR_GRID_COLOR, MINOR_GRID_COLOR, TRACE_COLOR

TOLERANCE_MM = 0.01


def _rgb(color: object) -> tuple[float, ...]:
    return tuple(round(float(c), 3) for c in (color.red, color.green, color.blue))


def _paths_of(color: object, paths: list[StrokedPath]) -> list[StrokedPath]:
    return [p for p in paths if p.color == _rgb(color)]


def _line_positions(path: StrokedPath, vertical: bool) -> np.ndarray:
    axis = 0 if vertical else 1
    return np.unique(
        [round(s[0][axis], 3) for s in path.subpaths if (s[0][1 - axis] != s[-1][1 - axis])]
    )


@pytest.fixture(scope="module")
def pdf(layout_report: EcgReport) -> bytes:
    return build_ecg_report(layout_report)


@pytest.mark.shared_data
def test_the_report_renders_to_two_pages_with_pdftoppm(pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: run 'make system-deps'")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", source, tmp_path / "page"], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    ARTIFACTS.joinpath("reports").mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], ARTIFACTS / "reports" / "ecg-report-page-1.png")


@pytest.mark.shared_data
def test_the_page_draws_in_untransformed_pdf_coordinates(pdf: bytes) -> None:
    drawing = page_drawing(pdf)
    assert all(t == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0) for t in drawing.transforms)


@pytest.mark.shared_data
def test_grid_squares_measure_1_mm_and_5_mm(pdf: bytes) -> None:
    drawing = page_drawing(pdf)
    (major,) = _paths_of(MAJOR_GRID_COLOR, drawing.paths)
    (minor,) = _paths_of(MINOR_GRID_COLOR, drawing.paths)
    for vertical in (True, False):
        majors = _line_positions(major, vertical)
        every = np.sort(np.concatenate([majors, _line_positions(minor, vertical)]))
        assert np.allclose(np.diff(majors) / MM, 5.0, atol=TOLERANCE_MM)
        assert np.allclose(np.diff(every) / MM, 1.0, atol=TOLERANCE_MM)
    assert len(_line_positions(major, True)) == 53  # 260 mm = 10 s at 25 mm/s + 10 mm lead-in


@pytest.mark.shared_data
def test_rhythm_strip_is_25_mm_per_second_and_10_mm_per_mv(
    pdf: bytes, layout_report: EcgReport
) -> None:
    traces = _paths_of(TRACE_COLOR, page_drawing(pdf).paths)
    strip = max(traces, key=lambda p: len(p.points))
    recording = layout_report.recording
    points = np.asarray(strip.points)
    assert len(points) == 10 * int(recording.fs)
    x_mm, y_mm = points[:, 0] / MM, points[:, 1] / MM
    fs = int(recording.fs)
    assert x_mm[fs] - x_mm[0] == pytest.approx(25.0, abs=TOLERANCE_MM)
    assert x_mm[-1] - x_mm[0] == pytest.approx(25.0 * (len(points) - 1) / fs, abs=TOLERANCE_MM)
    lead_ii = display_leads(recording)["ii"][: len(points)]
    slope, _ = np.polyfit(lead_ii, y_mm, 1)
    assert slope == pytest.approx(10.0, rel=1e-3)
    residual = y_mm - (slope * lead_ii + _)
    assert np.abs(residual).max() < 0.01  # every sample, not just on average


@pytest.mark.shared_data
def test_each_of_the_twelve_panels_shows_2_5_seconds(pdf: bytes) -> None:
    traces = _paths_of(TRACE_COLOR, page_drawing(pdf).paths)
    panels = [p for p in traces if len(p.points) == 1250]
    assert len(panels) == 12
    widths = {round((p.points[-1][0] - p.points[0][0]) / MM, 2) for p in panels}
    assert widths == {round(25.0 * 1249 / 500, 2)}


@pytest.mark.shared_data
def test_calibration_pulses_are_1_mv_tall_and_0_2_s_wide(pdf: bytes) -> None:
    traces = _paths_of(TRACE_COLOR, page_drawing(pdf).paths)
    pulses = [np.asarray(p.points) for p in traces if len(p.points) == 6]
    assert len(pulses) == 4
    for pulse in pulses:
        assert np.ptp(pulse[:, 1]) / MM == pytest.approx(10.0, abs=TOLERANCE_MM)
        assert np.ptp(pulse[:, 0]) / MM == pytest.approx(5.0, abs=TOLERANCE_MM)


@pytest.mark.shared_data
def test_letter_paper_keeps_the_same_scale(layout_report: EcgReport) -> None:
    letter = dataclasses.replace(layout_report, settings=ReportSettings("", Paper.LETTER))
    drawing = page_drawing(build_ecg_report(letter))
    (major,) = _paths_of(MAJOR_GRID_COLOR, drawing.paths)
    assert np.allclose(np.diff(_line_positions(major, True)) / MM, 5.0, atol=TOLERANCE_MM)
