"""The signed video-vitals report: what the camera measured, and what it could not.

Everything comes from the stored "video" analysis (``VideoVitals.to_json()`` plus the
source's name); the video itself is never stored, so nothing is recomputed. The engine's
words are printed as they are: its status message verbatim, HRV's own reason when there was
not enough clean signal, each wellness indicator with its reference and the caveat. The rate
over time shows only windows that passed the quality check; the others are grey gaps, never
values, exactly as the engine reports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from workstation.reports import plots
from workstation.reports.ecg_content import PatientHeader, Signature
from workstation.reports.page_layout import (
    BOLD,
    FONT,
    MUTED_COLOR,
    TEXT_COLOR,
    Column,
    Footer,
    content_box,
    draw_section_title,
    draw_table,
    wrap_text,
)
from workstation.reports.pdf_document import GENERATOR, PdfMetadata, render_pdf
from workstation.reports.session_parts import (
    PageFlow,
    ReportHeading,
    Review,
    draw_disclaimer,
    draw_rows,
    printable,
    unreviewed_notice,
)
from workstation.reports.settings import ReportSettings
from workstation.reports.waveform import Box
from workstation.rppg.acceptance import snr_threshold_db
from workstation.rppg.heart_rate import MAX_MOTION, STEP_S, WINDOW_S
from workstation.rppg.options import METHOD_TITLES, STATUS_TITLES

TITLE = "Video vitals report"
METADATA = PdfMetadata(
    title=TITLE,
    subject="Camera (rPPG) heart rate with quality per window, for clinician review",
)
ROI_NAMES = {"face": "face (forehead and cheeks, tracked)", "full-frame": "whole frame"}
PLOT_HEIGHT_MM = 45.0
ITALIC = "Helvetica-Oblique"


@dataclass(frozen=True)
class VideoReport:
    """Everything one video-vitals report shows; ``analysis`` is the stored "video" results."""

    analysis: Mapping[str, Any]
    arrays: Mapping[str, np.ndarray]
    patient: PatientHeader
    signature: Signature
    recorded: str
    review: Review = field(default_factory=lambda: Review("open"))
    settings: ReportSettings = ReportSettings()

    def heading(self) -> ReportHeading:
        return ReportHeading(
            TITLE, self.settings.institution, self.patient, self.signature, self.review
        )


@dataclass(frozen=True, slots=True)
class RateSeries:
    """The stored windows: centre time, rate, SNR and whether the window is measurable."""

    times: np.ndarray
    bpm: np.ndarray
    snr_db: np.ndarray
    measurable: np.ndarray

    @classmethod
    def of(cls, results: Mapping[str, Any]) -> RateSeries:
        columns = list(results.get("series_columns") or ["t_s", "bpm", "snr_db", "measurable"])
        rows = results.get("series") or []

        def column(name: str, dtype: type) -> np.ndarray:
            k = columns.index(name)
            return np.array([row[k] for row in rows], dtype=dtype)

        return cls(
            column("t_s", float), column("bpm", float), column("snr_db", float),
            column("measurable", bool),
        )  # fmt: skip

    def shown_bpm(self) -> np.ndarray:
        """Rates of measurable windows; NaN (a gap, never a value) for the others."""
        return np.where(self.measurable, self.bpm, np.nan)

    def step_s(self) -> float:
        return float(np.median(np.diff(self.times))) if self.times.size > 1 else STEP_S

    def gaps(self) -> list[tuple[float, float]]:
        """Time spans of runs of windows that are not measurable (around their centres)."""
        half = self.step_s() / 2
        spans: list[tuple[float, float]] = []
        run_start = None
        for k, ok in enumerate(self.measurable.tolist()):
            if not ok and run_start is None:
                run_start = k
            if ok and run_start is not None:
                spans.append((self.times[run_start] - half, self.times[k - 1] + half))
                run_start = None
        if run_start is not None:
            spans.append((self.times[run_start] - half, self.times[-1] + half))
        return [(float(a), float(b)) for a, b in spans]


def build_video_report(report: VideoReport) -> bytes:
    """The report as PDF bytes: the same report (time included) gives the same bytes."""
    paper = report.settings.paper
    heading = report.heading()
    footer = Footer(heading.footer_left(), GENERATOR)

    def draw_pages(canvas: Canvas) -> None:
        draw_report(canvas, report, heading)
        canvas.showPage()

    return render_pdf(
        paper.size,
        METADATA,
        report.signature.generated_at,
        draw_pages,
        lambda canvas, page, total: footer.draw(canvas, paper, page, total),
    )


def clip_duration(results: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> float:
    """Seconds the clip lasted: the last stored frame time, else frames / fps."""
    times = arrays.get("timestamps")
    if times is not None and len(times):
        return float(np.asarray(times)[-1] - np.asarray(times)[0])
    fps = float(results.get("fps") or 0.0)
    return float(results.get("frames", 0)) / fps if fps else 0.0


def capture_rows(results: Mapping[str, Any], duration_s: float) -> list[tuple[str, str]]:
    method = str(results.get("method", ""))
    roi = str(results.get("roi", ""))
    return [
        ("Source", str(results.get("source") or "not recorded")),
        ("Duration", f"{duration_s:.1f} s"),
        (
            "Frames",
            f"{results.get('frames', 0)} at {float(results.get('fps', 0)):.2f} fps, "
            f"{results.get('dropped_frames', 0)} dropped",
        ),
        ("Method", METHOD_TITLES.get(method, method)),
        ("Skin region", ROI_NAMES.get(roi, roi)),
    ]


def heart_rate_text(results: Mapping[str, Any]) -> str:
    windows = (
        f"{results.get('measurable_windows', 0)} of {results.get('windows', 0)} windows measurable"
    )
    rate = results.get("heart_rate_bpm")
    if rate is None:
        return f"Heart rate: not reported ({windows})"
    return f"Heart rate: {float(rate):.1f} bpm (median of the measurable windows; {windows})"


def _number(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "not computed"
    return f"{float(value):.{digits}f}{(' ' + unit) if unit else ''}"


def hrv_rows(hrv: Mapping[str, Any] | None) -> list[tuple[str, str]] | str:
    """The measured HRV values, or the engine's reason why there are none."""
    if hrv is None:
        return "HRV was not computed for this recording."
    if hrv.get("status") != "ok":
        return str(hrv.get("message") or "HRV was not measured.")
    lf_hf = hrv.get("lf_hf")
    return [
        ("Beats", f"{hrv.get('beats', 0)} ({hrv.get('message', '')})"),
        ("Mean heart rate", _number(hrv.get("mean_hr_bpm"), 1, "bpm")),
        ("SDNN", _number(hrv.get("sdnn_ms"), 1, "ms")),
        ("RMSSD", _number(hrv.get("rmssd_ms"), 1, "ms")),
        ("pNN50", _number(hrv.get("pnn50_pct"), 1, "%")),
        (
            "LF/HF",
            _number(lf_hf, 2)
            if lf_hf is not None
            else "not computed: needs at least 2 minutes of beats",
        ),
    ]


def indicator_rows(results: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for item in results.get("indicators") or []:
        unit = str(item.get("unit") or "")
        low, high = item.get("reference") or (None, None)
        suffix = f" {unit}" if unit else ""
        rows.append(
            (
                str(item.get("name", "")),
                f"{float(item['value']):.1f}{suffix}",
                f"{float(low):g}-{float(high):g}{suffix}" if low is not None else "-",
                f"{item.get('position', '')} the reference range",
                str(item.get("source", "")),
            )
        )
    return rows


def rate_range(series: RateSeries) -> tuple[float, float]:
    """A y range in whole tens around the measurable rates, at least 40 bpm tall."""
    shown = series.bpm[series.measurable]
    if shown.size == 0:
        return 40.0, 160.0
    low = float(np.floor((shown.min() - 10) / 10) * 10)
    high = float(np.ceil((shown.max() + 10) / 10) * 10)
    if high - low < 40:
        middle = (low + high) / 2
        low, high = middle - 20, middle + 20
    return max(0.0, low), high


def draw_report(canvas: Canvas, report: VideoReport, heading: ReportHeading) -> None:
    paper = report.settings.paper
    box = content_box(paper)
    a = report.analysis
    duration = clip_duration(a, report.arrays)
    y = heading.draw_title(canvas, paper)
    col_patient, col_capture = 78 * mm, 112 * mm
    lows = [
        draw_rows(
            canvas, box.x, y, heading.patient_rows(report.recorded), 20 * mm, col_patient - 4 * mm
        ),
        draw_rows(
            canvas, box.x + col_patient, y, capture_rows(a, duration), 22 * mm,
            col_capture - 4 * mm,
        ),
        draw_rows(
            canvas, box.x + col_patient + col_capture, y, heading.signature_rows(), 20 * mm,
            box.width - col_patient - col_capture,
        ),
    ]  # fmt: skip
    flow = PageFlow(
        canvas, paper, lambda c: heading.draw_continuation(c, paper), min(lows) - 2 * mm
    )
    notice = unreviewed_notice(heading, "video-vitals measurement")
    if notice:
        flow.banner(notice)
    status = str(a.get("status", ""))
    flow.section("Result")
    flow.paragraph(f"{STATUS_TITLES.get(status, status)}.", BOLD, 9)
    flow.paragraph(str(a.get("message", "")), FONT, 8.5)
    flow.paragraph(heart_rate_text(a), BOLD, 10)
    draw_rate_plot(flow, a, duration)
    draw_hrv_and_indicators(flow, a)
    flow.section("How it was measured")
    method = str(a.get("method", ""))
    flow.paragraph(
        f"The pulse is the colour change of the skin ({METHOD_TITLES.get(method, method)}). "
        f"Heart rate is estimated in {WINDOW_S:g} s windows every {STEP_S:g} s; a window is "
        f"measurable only when its pulse stands at least {snr_threshold_db(method):g} dB above "
        f"the noise (this method's threshold, calibrated on real no-pulse clips), its colour "
        f"changes more than a living pulse's floor, its peak is not on the band's edge and the "
        f"skin region moved less than {MAX_MOTION:.0%} of its size. The reported rate is the "
        "median of the measurable windows; the others are shown as grey gaps.",
        FONT,
        7.5,
    )
    review = report.review
    if review.confirmations or review.notes:
        flow.section("Review in the vault")
        width = box.width
        flow.table(
            [
                Column("Kind", width * 0.12),
                Column("Text", width * 0.58),
                Column("By", width * 0.12),
                Column("At", width * 0.18),
            ],
            [("confirmation", c.statement, c.by, c.at) for c in review.confirmations]
            + [("note", n.statement, n.by, n.at) for n in review.notes],
            continued="Review in the vault (continued)",
        )
    draw_disclaimer(flow)


def draw_hrv_and_indicators(flow: PageFlow, results: Mapping[str, Any]) -> None:
    """HRV on the left (values, or the reason there are none), the wellness indicators
    with their references and caveat on the right."""
    canvas, box = flow.canvas, flow.box
    flow.need(45 * mm)
    left_w = box.width * 0.36
    right_x = box.x + left_w + 6 * mm
    right_w = box.right - right_x
    top = flow.y
    y_left = draw_section_title(canvas, box.x, top, left_w, "Heart-rate variability")
    hrv = hrv_rows(results.get("hrv"))
    if isinstance(hrv, str):
        y_left = _draw_lines(canvas, box.x, y_left, hrv, left_w, FONT, 7.5)
    else:
        y_left = draw_rows(canvas, box.x, y_left, hrv, 24 * mm, left_w)
    y_right = draw_section_title(canvas, right_x, top, right_w, "Wellness indicators")
    rows = indicator_rows(results)
    if rows:
        y_right = draw_table(
            canvas,
            right_x,
            y_right,
            [
                Column("Indicator", right_w * 0.18),
                Column("Value", right_w * 0.13),
                Column("Reference range", right_w * 0.17),
                Column("Position", right_w * 0.27),
                Column("Reference", right_w * 0.25),
            ],
            [[printable(cell) for cell in row] for row in rows],
        )
    else:
        canvas.setFillColor(TEXT_COLOR)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(
            right_x, y_right - 7.5, "None: there is no measured heart rate to place against a norm."
        )
        y_right -= 12
    note = str(results.get("indicators_note", ""))
    y_right = _draw_lines(canvas, right_x, y_right, note, right_w, ITALIC, 7.2)
    flow.y = min(y_left, y_right) - 2 * mm


def _draw_lines(
    canvas: Canvas, x: float, y: float, text: str, width: float, font: str, size: float
) -> float:
    """``text`` wrapped to ``width`` below ``y``; returns the y below the last line."""
    leading = size * 1.3
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(font, size)
    lines = wrap_text(printable(text), width, font, size)
    for k, line in enumerate(lines):
        canvas.drawString(x, y - size - k * leading, line)
    return y - len(lines) * leading - 2


def draw_rate_plot(flow: PageFlow, results: Mapping[str, Any], duration: float) -> None:
    """The rate of every measurable window; grey gaps where windows were not measurable."""
    canvas, box = flow.canvas, flow.box
    height = PLOT_HEIGHT_MM * mm
    flow.need(height + 22 * mm)
    flow.gap(7 * mm)
    left = 16 * mm
    series = RateSeries.of(results)
    end = max(duration, float(series.times[-1]) + series.step_s() if series.times.size else 1.0)
    frame = plots.Frame(
        Box(box.x + left, flow.y - height, box.width - left - 4 * mm, height),
        (0.0, max(end, 1e-3)),
        rate_range(series),
    )
    plots.draw_spans(canvas, frame, series.gaps(), plots.GAP_COLOR)
    low, high = frame.y_range
    step = 10.0 if high - low <= 80 else 20.0
    plots.draw_frame(
        canvas,
        frame,
        f"Heart rate over time (bpm; one value per {WINDOW_S:g} s window, at its centre)",
        list(np.arange(low, high + 1e-9, step)),
        "{:g}",
    )
    if series.times.size == 0:
        _centred(canvas, frame, "No heart-rate window: the clip was not measured.")
    else:
        rate = results.get("heart_rate_bpm")
        if rate is not None:
            plots.draw_threshold(canvas, frame, float(rate), f"median {float(rate):.1f} bpm")
        shown = series.shown_bpm()
        plots.draw_line(canvas, frame, series.times, shown, width_mm=0.45)
        plots.draw_points(canvas, frame, series.times, shown)
        if not series.measurable.any():
            _centred(canvas, frame, "No window was measurable: no rate is shown.")
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(
        frame.box.x + frame.box.width / 2, frame.box.y - 8 * mm, _time_title(frame)
    )
    _legend(canvas, frame)
    flow.y = frame.box.y - 13 * mm


def _time_title(frame: plots.Frame) -> str:
    return plots.time_axis_title(frame.x_range[1]).replace("recording", "clip")


def _legend(canvas: Canvas, frame: plots.Frame) -> None:
    x = frame.box.x
    y = frame.box.y - 11.5 * mm
    canvas.setFillColor(plots.GAP_COLOR)
    canvas.rect(x, y - 0.5, 6 * mm, 2.6 * mm, stroke=0, fill=1)
    canvas.setFillColor(MUTED_COLOR)
    canvas.setFont(FONT, 6.8)
    canvas.drawString(
        x + 7.5 * mm,
        y,
        "window not measurable (pulse not distinguishable from noise, or the face moved): "
        "no value is shown",
    )


def _centred(canvas: Canvas, frame: plots.Frame, text: str) -> None:
    canvas.setFillColor(MUTED_COLOR)
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(
        frame.box.x + frame.box.width / 2, frame.box.y + frame.box.height / 2, text
    )
