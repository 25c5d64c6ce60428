"""The signed ECG report: page 1 is the printout, page 2 the details behind it.

A rhythm recording (long or few-lead, ``form`` 'rhythm') opens instead on its rhythm
summary and episode strips (``ecg_rhythm_pages``), then the same details page.

Page 1 looks like the paper an ECG cart prints (patient and measurements above, the 3 × 4
leads and a lead II rhythm strip on a true-scale grid below) so it can be filed and measured
with calipers. Page 2 lists every statement with its confirmation (the engine's apart from
the clinicians', who are named), the sign-off, the abnormality score with the features that
drove it, the models that produced the analysis and the source file's hash; measurements
with no room there (15 leads give 15 ST rows) continue on a page of their own. The
clinicians' notes and annotations follow on a page of their own when there are any.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from workstation.channels import lead_label
from workstation.ecg.abnormality import reference_name
from workstation.ecg.quality import left_out_text
from workstation.recording import Recording
from workstation.reports import ecg_content as content
from workstation.reports.ecg_layout import (
    DISPLAY_BAND_HZ,
    GAIN_MM_PER_MV,
    GRID_ROWS,
    PAPER_SPEED_MM_PER_S,
    LeadPanel,
    display_leads,
    panel_samples,
    standard_panels,
)
from workstation.reports.ecg_rhythm_pages import (
    draw_full_disclosure_pages,
    draw_rhythm_summary_page,
    draw_strips_pages,
    is_rhythm_report,
    shown_analysis,
)
from workstation.reports.page_layout import (
    ALERT_COLOR,
    BOLD,
    FONT,
    FOOT_LINE_SPACE,
    MONO,
    MUTED_COLOR,
    TEXT_COLOR,
    Column,
    Footer,
    Paper,
    content_box,
    draw_banner,
    draw_foot_line,
    draw_label_values,
    draw_section_title,
    draw_table,
    fit_text,
    label_rows_that_fit,
    wrap_text,
)
from workstation.reports.pdf_document import GENERATOR, PdfMetadata, render_pdf
from workstation.reports.settings import ReportSettings
from workstation.reports.waveform import (
    Box,
    TraceScale,
    draw_calibration_pulse,
    draw_grid,
    draw_trace,
)

TITLE = "Resting 12-lead ECG"
RHYTHM_TITLE = "Rhythm ECG (Holter)"
METADATA = PdfMetadata(
    title="12-lead ECG report",
    subject="Resting 12-lead ECG with AI-assisted measurements, for clinician review",
)
GRID_WIDTH_MM = 260.0
GRID_HEIGHT_MM = 140.0
ROW_HEIGHT_MM = 35.0
BASELINE_BELOW_ROW_TOP_MM = 20.0
TRACE_START_MM = 10.0
CALIBRATION_START_MM = 3.0
HEADER_GAP_MM = 2.0
STATEMENT_MARK_MM = 22.0  # the right of a statement's row, kept for its confirmation mark
STATEMENT_SIZE = 7.5  # points, the statements' font


@dataclass(frozen=True)
class EcgReport:
    """Everything one ECG report shows; ``analysis`` is ``EcgAnalysis.to_json()``."""

    recording: Recording
    analysis: Mapping[str, Any]
    patient: content.PatientHeader
    signature: content.Signature
    confirmations: Sequence[content.Confirmation] = ()
    settings: ReportSettings = ReportSettings()
    notes: Sequence[content.Confirmation] = ()  # the session's free-text notes, with author
    sign_off: content.SignOffText | None = None  # None: not signed off


def build_ecg_report(report: EcgReport) -> bytes:
    """The report as PDF bytes: same report (same time included) -> same bytes."""
    paper = report.settings.paper
    footer = Footer(_footer_left(report), f"{GENERATOR}")

    def draw_pages(canvas: Canvas) -> None:
        if is_rhythm_report(report.analysis):
            shown = shown_analysis(report.analysis)
            free = draw_rhythm_summary_page(canvas, shown, report.settings, title(report))
            draw_interpretation(canvas, free.x, free.top, free.width, report, free.y, wrap=True)
            canvas.showPage()
            draw_strips_pages(canvas, report.recording, shown, report.settings)
            draw_full_disclosure_pages(canvas, report.recording, shown, report.settings)
        else:
            draw_printout_page(canvas, report)
            canvas.showPage()
        overflow = draw_details_page(canvas, report)
        canvas.showPage()
        if overflow:
            draw_measurements_continued(canvas, report, overflow)
            canvas.showPage()
        if report.notes or content.annotation_rows(report.analysis):
            draw_review_pages(canvas, report)
            canvas.showPage()

    return render_pdf(
        paper.size,
        METADATA,
        report.signature.generated_at,
        draw_pages,
        lambda canvas, page, total: footer.draw(canvas, paper, page, total),
    )


def title(report: EcgReport) -> str:
    """The report's name from what was recorded: a resting ECG or a rhythm recording."""
    return RHYTHM_TITLE if is_rhythm_report(report.analysis) else TITLE


def _footer_left(report: EcgReport) -> str:
    s = report.signature
    who = (
        f"Generated by {s.username} ({s.role}), signed in to the vault"
        if s.signed_in
        else f"Generated by {s.username} without vault sign-in: NOT SIGNED"
    )
    when = content.format_time(s.generated_at)
    return f"{who}, {when}. {content.sign_off_sentence(report.sign_off)}.  {content.DISCLAIMER}."


def grid_box(paper: Paper) -> Box:
    """Where the ECG grid lies: centred, whole 5 mm squares, above the scale line."""
    box = content_box(paper)
    width, height = GRID_WIDTH_MM * mm, GRID_HEIGHT_MM * mm
    return Box(box.x + (box.width - width) / 2, box.y + 4 * mm, width, height)


def panel_scale(grid: Box, panel: LeadPanel) -> TraceScale:
    """The transform of one panel: 25 mm/s from its column's start, 10 mm/mV on its row."""
    x0 = grid.x + TRACE_START_MM * mm + panel.start_s * PAPER_SPEED_MM_PER_S * mm
    baseline = grid.top - (panel.row * ROW_HEIGHT_MM + BASELINE_BELOW_ROW_TOP_MM) * mm
    return TraceScale(x0, baseline, PAPER_SPEED_MM_PER_S, GAIN_MM_PER_MV)


def draw_printout_page(canvas: Canvas, report: EcgReport) -> None:
    paper = report.settings.paper
    grid = grid_box(paper)
    draw_header(canvas, report, paper)
    lines = content.statement_lines(report.analysis, report.confirmations)
    notice = content.unconfirmed_notice(lines)
    if notice:
        box = content_box(paper)
        banner_y = grid.top + HEADER_GAP_MM * mm
        draw_banner(canvas, Box(box.x, banner_y, box.width, 6 * mm), notice, size=8)
    draw_grid(canvas, grid)
    draw_leads(canvas, report.recording, grid)
    draw_scale_line(canvas, report.recording, grid)


def draw_header(canvas: Canvas, report: EcgReport, paper: Paper) -> float:
    """Title, patient, measurements, interpretation; returns the lowest y used."""
    box = content_box(paper)
    top = box.top
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 12)
    canvas.drawString(box.x, top - 11, TITLE)
    canvas.setFont(BOLD, 9.5)
    institution = report.settings.institution or "Institution not set in report settings"
    canvas.drawRightString(box.right, top - 10, institution)
    y = top - 15
    col_patient, col_meas = 112 * mm, 58 * mm
    col_interp = box.width - col_patient - col_meas
    low = [
        draw_label_values(canvas, box.x, y, _patient_rows(report), 22 * mm, col_patient - 3 * mm),
        draw_label_values(
            canvas,
            box.x + col_patient,
            y,
            content.headline_measurements(report.analysis),
            24 * mm,
            col_meas - 3 * mm,
        ),
        # Above the grid's banner there is room for so many lines; the rest go to page 2.
        draw_interpretation(
            canvas,
            box.x + col_patient + col_meas,
            y,
            col_interp,
            report,
            grid_box(paper).top + (HEADER_GAP_MM + 7) * mm,
        ),
    ]
    low[0] = _draw_hash(canvas, box.x, low[0], report.recording.source_sha256)
    return min(low)


def _patient_rows(report: EcgReport) -> list[tuple[str, str]]:
    p, r = report.patient, report.recording
    recorded = r.start_time.strftime("%Y-%m-%d %H:%M:%S") if r.start_time else "not stated in file"
    return [
        ("Name", p.name),
        ("Patient ID", p.identifier),
        ("Sex / age", f"{p.sex} / {p.age}"),
        ("Recorded", recorded),
        ("Source file", f"{r.source_name} ({r.source_format or 'unknown format'})"),
    ]


def _draw_hash(canvas: Canvas, x: float, y: float, sha256: str) -> float:
    """The source file's SHA-256 in full, in a fixed-width font so it can be compared."""
    y -= 8
    canvas.setFillColor(MUTED_COLOR)
    canvas.setFont(FONT, 7.5)
    canvas.drawString(x, y, "SHA-256")
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(MONO, 6.2)
    canvas.drawString(x + 22 * mm, y, sha256 or "not recorded")
    return y - 3


def draw_interpretation(
    canvas: Canvas,
    x: float,
    y: float,
    width: float,
    report: EcgReport,
    floor: float,
    wrap: bool = False,
) -> float:
    """The engine's statements, then the clinicians' (with author), each with its
    confirmation mark; the sign-off; the score; and the intended-use sentence. What does not
    fit above ``floor`` is counted and left to the details page, which lists everything.
    ``wrap``: each statement whole over as many lines as it needs (the rhythm summary page,
    which has the room), not cut to one line (the resting printout's header)."""
    size = STATEMENT_SIZE
    leading = size * 1.3
    lines = content.statement_lines(report.analysis, report.confirmations)
    automated = [line for line in lines if line.source == content.AUTOMATED]
    clinician = [line for line in lines if line.source != content.AUTOMATED]
    signed_off = wrap_text(content.sign_off_sentence(report.sign_off), width - 2 * mm, BOLD, size)
    fixed = 3 + len(signed_off) + (1 if clinician else 0)  # headings, sign-off, score, use
    room = max(2, int((y - floor) / leading) - fixed)

    def cost(line: content.StatementLine) -> int:
        return len(_statement_rows(line, width, wrap))

    hidden, rows_left, cut = 0, room, False
    if sum(map(cost, lines)) > room:
        clinician = _fitting(clinician, (room - 1) // 2, cost)
        used = sum(map(cost, clinician))
        # The first automated statement is drawn even when it does not fit, cut to the rows
        # left (the details page has it whole).
        rows_left = max(1, room - 1 - used)
        automated = _fitting(automated, rows_left, cost) or automated[:1]
        hidden = len(lines) - len(automated) - len(clinician)
        cut = bool(automated) and cost(automated[0]) > rows_left
    y = _draw_statement_list(
        canvas,
        x,
        y,
        width,
        "Interpretation (automated)",
        automated,
        "No statement generated.",
        wrap,
        rows_left,
    )
    if clinician:
        y = _draw_statement_list(canvas, x, y, width, "Clinician statements", clinician, "", wrap)
    if hidden or cut:
        y -= leading
        canvas.setFont(BOLD, size)
        canvas.setFillColor(ALERT_COLOR)
        more = f"... and {hidden} more statement(s)" if hidden else "... the statement continues"
        canvas.drawString(x, y, f"{more}: see the details page")
    canvas.setFont(BOLD, size)
    signed = report.sign_off is not None and not report.sign_off.earlier_version
    canvas.setFillColor(TEXT_COLOR if signed else ALERT_COLOR)
    for line in signed_off:
        y -= leading
        canvas.drawString(x, y, line)
    canvas.setFillColor(TEXT_COLOR)
    y -= leading
    canvas.setFont(BOLD, size)
    canvas.drawString(x, y, content.score_summary(report.analysis))
    y -= leading
    canvas.setFont("Helvetica-Oblique", 7)
    canvas.drawString(x, y, fit_text(content.DISCLAIMER + ".", width - 2 * mm, FONT, 7))
    return y - leading * 0.3


def _fitting(
    lines: list[content.StatementLine], budget: int, cost: Callable[[content.StatementLine], int]
) -> list[content.StatementLine]:
    """The first statements whose rows together fit in ``budget`` rows."""
    shown, used = [], 0
    for line in lines:
        used += cost(line)
        if used > budget:
            break
        shown.append(line)
    return shown


def _statement_rows(line: content.StatementLine, width: float, wrap: bool) -> list[str]:
    """A statement as drawn: one row cut to the column, or all of it wrapped."""
    text = f"• {line.text}" + (f" ({line.author})" if line.author else "")
    if wrap:
        return wrap_text(text, width - STATEMENT_MARK_MM * mm, FONT, STATEMENT_SIZE)
    return [fit_text(text, width - STATEMENT_MARK_MM * mm, FONT, STATEMENT_SIZE)]


def _draw_statement_list(
    canvas: Canvas,
    x: float,
    y: float,
    width: float,
    heading: str,
    lines: Sequence[content.StatementLine],
    empty: str = "",
    wrap: bool = False,
    max_rows: int | None = None,
) -> float:
    """A heading and its statements with their confirmation marks, in at most ``max_rows``
    rows (the last statement cut with '…' to fit); returns the y used."""
    size = STATEMENT_SIZE
    leading = size * 1.3
    y -= leading
    canvas.setFont(BOLD, size)
    canvas.setFillColor(TEXT_COLOR)
    canvas.drawString(x, y, heading)
    if not lines and empty:
        y -= leading
        canvas.setFont(FONT, size)
        canvas.drawString(x, y, empty)
    for line in lines:
        y -= leading
        mark = "UNCONFIRMED" if line.confirmation is None else "CONFIRMED"
        canvas.setFont(BOLD, 6.5)
        canvas.setFillColor(MUTED_COLOR if line.confirmation else ALERT_COLOR)
        canvas.drawRightString(x + width - 2 * mm, y, mark)
        canvas.setFont(FONT, size)
        canvas.setFillColor(TEXT_COLOR)
        rows = _statement_rows(line, width, wrap)
        if max_rows is not None:
            rows = _cut_rows(rows, max_rows, width)
            max_rows = max(1, max_rows - len(rows))
        for k, row in enumerate(rows):
            y -= leading if k else 0
            canvas.drawString(x + (2 * mm if k else 0), y, row)
    return y


def _cut_rows(rows: list[str], limit: int, width: float) -> list[str]:
    """At most ``limit`` rows, the last ending in '…' when something was left out."""
    if len(rows) <= limit:
        return rows
    last = fit_text(f"{rows[limit - 1]} …", width - STATEMENT_MARK_MM * mm, FONT, STATEMENT_SIZE)
    return [*rows[: limit - 1], last]


def draw_leads(canvas: Canvas, recording: Recording, grid: Box) -> None:
    """Every panel's trace, a calibration pulse per row, lead labels and column markers."""
    leads = display_leads(recording)
    for row in range(len(GRID_ROWS) + 1):
        first = panel_scale(grid, LeadPanel("", row, 0, 0.0, 0.0))
        pulse = TraceScale(
            grid.x + CALIBRATION_START_MM * mm, first.baseline, first.mm_per_s, first.mm_per_unit
        )
        draw_calibration_pulse(canvas, pulse)
    for panel in standard_panels():
        scale = panel_scale(grid, panel)
        _draw_label(canvas, panel, scale)
        if panel.column > 0:
            _draw_column_marker(canvas, scale)
        lead = leads.get(panel.lead)
        if lead is None:
            canvas.setFont(FONT, 7)
            canvas.drawString(scale.x0 + 2 * mm, scale.baseline, "lead not recorded")
            continue
        samples = panel_samples(lead, recording.fs, panel)
        if samples.size:
            draw_trace(
                canvas, samples - _baseline_offset(lead, recording.fs, panel), recording.fs, scale
            )


def _baseline_offset(lead: np.ndarray, fs: float, panel: LeadPanel) -> float:
    """The panel's median, so each trace sits on its row whatever the DC level."""
    samples = panel_samples(lead, fs, panel)
    return float(np.median(samples)) if samples.size else 0.0


def _draw_label(canvas: Canvas, panel: LeadPanel, scale: TraceScale) -> None:
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 8)
    canvas.drawString(scale.x0 + 1.2 * mm, scale.baseline + 11 * mm, panel.label)


def _draw_column_marker(canvas: Canvas, scale: TraceScale) -> None:
    canvas.setStrokeColor(TEXT_COLOR)
    canvas.setLineWidth(0.6)
    canvas.line(scale.x0, scale.baseline - 3 * mm, scale.x0, scale.baseline + 3 * mm)


def draw_scale_line(canvas: Canvas, recording: Recording, grid: Box) -> None:
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 7)
    shown = min(recording.duration, 10.0)
    canvas.drawString(
        grid.x,
        grid.y - 3.2 * mm,
        f"{PAPER_SPEED_MM_PER_S:g} mm/s   {GAIN_MM_PER_MV:g} mm/mV   "
        f"Filter {DISPLAY_BAND_HZ[0]:g}-{DISPLAY_BAND_HZ[1]:g} Hz (zero-phase)   "
        f"{recording.fs:g} Hz   {shown:.1f} s of {recording.duration:.1f} s shown",
    )


def draw_details_page(canvas: Canvas, report: EcgReport) -> list[tuple[str, str]]:
    """Signature, statements with confirmations, score explanation, models, source file;
    returns the measurement rows that did not fit above the disclaimer (a 15-lead record
    has 15 ST rows), which continue on the next page."""
    box = content_box(report.settings.paper)
    a = report.analysis
    y = _draw_details_heading(canvas, report, box, "details")
    y = _draw_signature(canvas, box, y, report) - 2 * mm
    lines = content.statement_lines(a, report.confirmations)
    notice = content.unconfirmed_notice(lines)
    if notice:
        draw_banner(canvas, Box(box.x, y - 8 * mm, box.width, 6.5 * mm), notice)
        y -= 10 * mm
    half = box.width / 2 - 4 * mm
    y_left = draw_section_title(
        canvas, box.x, y, half, "Interpretation statements (automated, by the ECG engine)"
    )
    paired = list(zip(lines, a.get("statements") or [], strict=True))
    rows = [
        (line.text, content.evidence_text(s), line.status)
        for line, s in paired
        if line.source == content.AUTOMATED
    ]
    y_left = draw_table(
        canvas,
        box.x,
        y_left,
        [
            Column("Statement", half * 0.42),
            Column("Evidence", half * 0.33),
            Column("Status", half * 0.25),
        ],
        rows or [("No statement generated.", "", "")],
    )
    written = [
        (line.text, line.author or "not recorded", line.status)
        for line, _ in paired
        if line.source != content.AUTOMATED
    ]
    if written:
        y_left = draw_section_title(
            canvas, box.x, y_left - 4, half, "Clinician statements (written by a clinician)"
        )
        y_left = draw_table(
            canvas,
            box.x,
            y_left,
            [
                Column("Statement", half * 0.42),
                Column("Author", half * 0.33),
                Column("Status", half * 0.25),
            ],
            written,
        )
    y_left = draw_section_title(canvas, box.x, y_left - 4, half, "Measurements")
    measurements = (
        content.headline_measurements(a)
        + content.rhythm_details(a)
        + content.st_rows(a, report.settings.st_units)
    )
    room = y_left - (box.y + FOOT_LINE_SPACE)
    fitting = label_rows_that_fit(measurements, room, 30 * mm, half)
    if fitting < len(measurements):  # leave a line to say where the rest is
        fitting = label_rows_that_fit(measurements, room - 7.5 * 1.28, 30 * mm, half)
    y_left = draw_label_values(
        canvas, box.x, y_left, measurements[:fitting], 30 * mm, half, wrap=True
    )
    overflow = measurements[fitting:]
    if overflow:
        canvas.setFillColor(MUTED_COLOR)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(box.x, y_left - 7.5, "Measurements continue on the next page.")
        key = [row for row in measurements[:fitting] if row[0] == content.ST_KEY_LABEL]
        if key and any(label.startswith("ST ") for label, _ in overflow):
            overflow = key + overflow  # the unit and baseline of the ST rows go with them
    right = box.x + box.width / 2 + 4 * mm
    y_right = draw_section_title(canvas, right, y, half, "Abnormality score")
    canvas.setFont(BOLD, 8)
    canvas.drawString(right, y_right - 9, content.score_summary(a))
    canvas.setFont(FONT, 7)
    canvas.drawString(
        right,
        y_right - 18,
        "Features that moved the score most (exact Shapley values vs. "
        f"{reference_name(a['abnormality'])}):"
        if a.get("abnormality")
        else "Features that moved the score most:",
    )
    contributions = content.top_contributions(a)
    y_right = draw_table(
        canvas,
        right,
        y_right - 22,
        [
            Column("Feature", half * 0.5),
            Column("Value", half * 0.25),
            Column("Contribution", half * 0.25),
        ],
        contributions or [("Explanation not stored with this analysis", "", "")],
    )
    y_right = _draw_score_card(canvas, right, y_right - 4, half)
    y_right = draw_section_title(canvas, right, y_right - 4, half, "Models")
    y_right = draw_table(
        canvas,
        right,
        y_right,
        [
            Column("Model", half * 0.2),
            Column("Version", half * 0.1),
            Column("SHA-256", half * 0.7, MONO),
        ],
        content.model_rows(a),
        size=6.8,
    )
    canvas.setFont(FONT, 7)
    canvas.drawString(right, y_right - 8, f"Run on: {a.get('device', 'not recorded')}")
    y_right = draw_section_title(canvas, right, y_right - 14, half, "Recording")
    r = report.recording
    y_right = draw_label_values(
        canvas,
        right,
        y_right,
        [
            ("Source file", r.source_name),
            ("Format", r.source_format or "unknown"),
            ("Sampling rate", f"{r.fs:g} Hz, {r.duration:.1f} s, {r.n_channels} channels"),
            ("Leads used", ", ".join(a.get("leads_used") or []) or "none"),
            ("Leads left out", _unusable(a) or "none"),
            *(("Note on the leads", str(note)) for note in a.get("warnings") or ()),
        ],
        26 * mm,
        half,
        wrap=True,  # a clinician must see every lead left out, not the first and an ellipsis
    )
    canvas.setFont(MONO, 6.4)
    canvas.drawString(right + 26 * mm, y_right - 8, r.source_sha256 or "not recorded")
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED_COLOR)
    canvas.drawString(right, y_right - 8, "SHA-256")
    draw_foot_line(canvas, box, content.DISCLAIMER + ".")
    return overflow


def _draw_details_heading(canvas: Canvas, report: EcgReport, box: Box, what: str) -> float:
    """The page title and the patient; returns the y below them."""
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 12)
    canvas.drawString(box.x, box.top - 11, f"{title(report)}: {what}")
    canvas.setFont(FONT, 8)
    p = report.patient
    canvas.drawRightString(box.right, box.top - 10, f"{p.name}   ID {p.identifier}")
    return box.top - 16


def draw_measurements_continued(
    canvas: Canvas, report: EcgReport, rows: Sequence[tuple[str, str]]
) -> None:
    """The measurement rows the details page had no room for, under the same heading."""
    box = content_box(report.settings.paper)
    y = _draw_details_heading(canvas, report, box, "details (continued)")
    half = box.width / 2 - 4 * mm
    y = draw_section_title(canvas, box.x, y, half, "Measurements (continued)")
    draw_label_values(canvas, box.x, y, rows, 30 * mm, half, wrap=True)
    draw_foot_line(canvas, box, content.DISCLAIMER + ".")


def _unusable(analysis: Mapping[str, Any]) -> str:
    left_out = analysis.get("leads_unusable") or {}
    return left_out_text(left_out, lead_label)


def _draw_signature(canvas: Canvas, box: Box, y: float, report: EcgReport) -> float:
    s = report.signature
    annotations = len(content.annotation_rows(report.analysis))
    review = (
        f"{len(report.notes)} note(s), {annotations} clinician annotation(s): on the last page"
        if report.notes or annotations
        else "no notes or clinician annotations recorded"
    )
    rows = [
        ("Generated by", f"{s.username} ({s.role})"),
        ("Generated at", content.format_time(s.generated_at)),
        (
            "Vault sign-in",
            "the vault verified this user's password; an export carries their digital "
            "signature (FILE.pdf.sig; check it with 'workstation verify-report FILE.pdf')"
            if s.signed_in
            else "NOT SIGNED: generated without vault sign-in",
        ),
        ("Sign-off", content.sign_off_sentence(report.sign_off)),
        ("Clinician review", review),
    ]
    return draw_label_values(canvas, box.x, y, rows, 26 * mm, box.width)


def draw_review_pages(canvas: Canvas, report: EcgReport) -> None:
    """The clinicians' notes and their own annotations (not the file's fiducials), with
    author and time, on as many pages as they need."""
    from workstation.reports.session_parts import PageFlow

    paper = report.settings.paper
    p = report.patient
    heading = f"{title(report)}: clinician's notes and annotations"

    def continuation(c: Canvas, what: str = "continued") -> float:
        box = content_box(paper)
        c.setFillColor(TEXT_COLOR)
        c.setFont(BOLD, 12)
        c.drawString(box.x, box.top - 11, heading if what == "first" else f"{heading} ({what})")
        c.setFont(FONT, 8)
        c.drawRightString(box.right, box.top - 10, f"{p.name}   ID {p.identifier}")
        return box.top - 16

    flow = PageFlow(canvas, paper, continuation, continuation(canvas, "first"))
    flow.label_values([("Sign-off", content.sign_off_sentence(report.sign_off))])
    width = flow.box.width
    flow.section("Notes")
    flow.table(
        [Column("Time", width * 0.16), Column("Author", width * 0.14), Column("Note", width * 0.7)],
        [(n.at, n.by, n.statement) for n in report.notes] or [("", "", "No notes recorded.")],
        continued="Notes (continued)",
    )
    flow.section(
        "Clinician annotations (placed by a clinician; the file's fiducials are not listed)"
    )
    flow.table(
        [
            Column("Time", width * 0.12),
            Column("Lead", width * 0.12),
            Column("Label", width * 0.56),
            Column("Author", width * 0.2),
        ],
        content.annotation_rows(report.analysis) or [("", "", "No annotations placed.", "")],
        continued="Clinician annotations (continued)",
    )


def _draw_score_card(canvas: Canvas, x: float, y: float, width: float) -> float:
    """The abnormality score's model card in brief, so the printed score carries its
    evidence (data, metrics with CIs, calibration, intended use, limits)."""
    from workstation.ecg.abnormality import MODEL_NAME
    from workstation.errors import ModelMissing
    from workstation.inference.cards import read_card

    y = draw_section_title(canvas, x, y, width, "Abnormality score: model card in brief")
    try:
        rows = content.card_summary(read_card(MODEL_NAME))
    except ModelMissing:
        rows = [("Model card", "not found beside the model: the score's evidence is unknown")]
    return draw_label_values(canvas, x, y, rows, 24 * mm, width, size=6.5, wrap=True)
