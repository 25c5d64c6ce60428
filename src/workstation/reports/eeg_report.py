"""The signed EEG report: summary, trends, flagged events with their traces, annotations.

Page 1 names the patient and the recording, says who generated the report and whether a
clinician reviewed the analysis, and summarises the detector, the quantitative trends and
the model that ran. Page 2 holds the trends over the whole recording: the compressed
spectral array (CDSA), rhythmicity and the detector's probability with its threshold. Then
one block per event (consecutive windows over the threshold): what the detector said and
10 s of the channels that drove it at true scale. The last pages list every window over the
threshold, the clinician's annotations and notes.

Everything printed comes from the stored analysis and the stored recording; the only things
computed here are the CDSA and the display filtering of the strips, both from the
recording with the EEG engine's own functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from workstation.eeg.seizure import OCCLUSION_SEGMENT_S
from workstation.eeg.spectrograms import MAX_DISPLAY_HZ, Spectrogram
from workstation.recording import Recording
from workstation.reports import eeg_content as content
from workstation.reports import plots
from workstation.reports.ecg_content import PatientHeader, Signature
from workstation.reports.eeg_layout import (
    STRIP_BAND_HZ,
    STRIP_SECONDS,
    STRIP_SPEED_MM_PER_S,
    Strip,
    cdsa,
    event_strip,
    strip_start,
)
from workstation.reports.page_layout import (
    BOLD,
    FONT,
    MONO,
    MUTED_COLOR,
    TEXT_COLOR,
    Column,
    Footer,
    content_box,
    draw_section_title,
    fit_text,
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
from workstation.reports.waveform import (
    Box,
    TraceScale,
    draw_calibration_pulse,
    draw_trace,
)

TITLE = "EEG report"
METADATA = PdfMetadata(
    title=TITLE,
    subject="EEG with quantitative trends and AI-flagged windows, for clinician review",
)
#: Strips drawn at most; every event and window is still listed in the tables.
MAX_STRIPS = 8
STRIP_ROW_MM = 20.0
STRIP_LEAD_IN_MM = 10.0
CALIBRATION_MM = 10.0
MAX_LISTED_WINDOWS = 200
WINDOW_FILL = Color(1.0, 0.95, 0.7)
DRIVING_FILL = Color(1.0, 0.8, 0.55)
SECOND_LINE = Color(0.7, 0.7, 0.7)
LABEL_FILL = Color(1, 1, 1, alpha=0.85)
FIFTH_LINE = Color(0.9, 0.9, 0.9)


@dataclass(frozen=True)
class EegReport:
    """Everything one EEG report shows; ``analysis`` is the stored "eeg" results."""

    recording: Recording
    analysis: Mapping[str, Any]
    arrays: Mapping[str, np.ndarray]
    patient: PatientHeader
    signature: Signature
    review: Review = field(default_factory=lambda: Review("open"))
    model_card: Mapping[str, Any] | None = None
    settings: ReportSettings = ReportSettings()

    def heading(self) -> ReportHeading:
        return ReportHeading(
            TITLE, self.settings.institution, self.patient, self.signature, self.review
        )


def build_eeg_report(report: EegReport) -> bytes:
    """The report as PDF bytes: the same report (time included) gives the same bytes."""
    paper = report.settings.paper
    heading = report.heading()
    footer = Footer(heading.footer_left(), GENERATOR)
    events = content.group_events(
        content.flagged_windows(report.analysis), content.window_seconds(report.analysis)
    )

    def draw_pages(canvas: Canvas) -> None:
        draw_summary(canvas, report, heading, events)
        canvas.showPage()
        draw_trends_page(canvas, report, heading, events)
        canvas.showPage()
        flow = draw_event_pages(canvas, report, heading, events) if events else None
        draw_listing(canvas, report, heading, flow)
        canvas.showPage()

    return render_pdf(
        paper.size,
        METADATA,
        report.signature.generated_at,
        draw_pages,
        lambda canvas, page, total: footer.draw(canvas, paper, page, total),
    )


def _recorded(recording: Recording) -> str:
    if recording.start_time is None:
        return "start not stated in the file"
    return recording.start_time.strftime("%Y-%m-%d %H:%M:%S")


def draw_summary(
    canvas: Canvas,
    report: EegReport,
    heading: ReportHeading,
    events: Sequence[content.Event],
) -> None:
    """Page 1: patient, recording, signature; banner; detector, trends, model; events."""
    paper = report.settings.paper
    box = content_box(paper)
    a, r = report.analysis, report.recording
    y = heading.draw_title(canvas, paper)
    col_patient, col_recording = 78 * mm, 112 * mm
    col_report = box.width - col_patient - col_recording
    lows = [
        draw_rows(
            canvas,
            box.x,
            y,
            [*heading.patient_rows(_recorded(r))],
            20 * mm,
            col_patient - 4 * mm,
        ),
        draw_rows(
            canvas,
            box.x + col_patient,
            y,
            content.recording_rows(r, a),
            24 * mm,
            col_recording - 4 * mm,
        ),
        draw_rows(
            canvas,
            box.x + col_patient + col_recording,
            y,
            heading.signature_rows(),
            20 * mm,
            col_report,
        ),
    ]
    lows[0] = _draw_hash(canvas, box.x, lows[0], r.source_sha256)
    flow = PageFlow(
        canvas, paper, lambda c: heading.draw_continuation(c, paper), min(lows) - 2 * mm
    )
    notice = unreviewed_notice(heading, "EEG analysis")
    if notice:
        flow.banner(notice)
    half = box.width / 2 - 4 * mm
    right = box.x + box.width / 2 + 4 * mm
    top = flow.y
    y_left = draw_section_title(canvas, box.x, top, half, "Seizure-like activity detector")
    y_left = draw_rows(canvas, box.x, y_left, content.detector_rows(a, events), 28 * mm, half)
    y_left = draw_section_title(
        canvas, box.x, y_left - 2 * mm, half, "Quantitative trends (medians, review montage)"
    )
    y_left = draw_rows(canvas, box.x, y_left, content.trend_rows(a), 28 * mm, half)
    y_right = draw_section_title(canvas, right, top, half, "Model")
    y_right = draw_rows(
        canvas, right, y_right, content.model_rows(a, report.model_card), 24 * mm, half
    )
    flow.y = min(y_left, y_right) - 2 * mm
    flow.section("Events: windows at or above the threshold, joined where they overlap")
    if content.detector(a) is None:
        flow.paragraph("The detector did not run for this analysis, so no window was scored.")
    elif not events:
        flow.paragraph(
            f"No window reached the threshold of {content.threshold(a):.2f} "
            f"(highest probability {content.highest_probability(a)})."
        )
    else:
        width = box.width
        flow.table(
            [
                Column("#", width * 0.03),
                Column("From / to", width * 0.2),
                Column("Windows", width * 0.06),
                Column("Peak probability", width * 0.15),
                Column("Top channels (probability)", width * 0.22),
                Column("Driving seconds (occlusion, peak window)", width * 0.34),
            ],
            content.event_rows(events, r.start_time),
            continued="Events (continued)",
        )
        if len(events) > MAX_STRIPS:
            flow.paragraph(
                f"Traces are printed for the {MAX_STRIPS} events with the highest peak "
                f"probability; all {len(events)} are listed here.",
                color=MUTED_COLOR,
            )
    draw_disclaimer(flow, str(a.get("disclaimer", "")))


def _draw_hash(canvas: Canvas, x: float, y: float, sha256: str) -> float:
    """The source file's SHA-256 in full, fixed width, in two halves to fit the column."""
    y -= 8
    canvas.setFillColor(MUTED_COLOR)
    canvas.setFont(FONT, 7.5)
    canvas.drawString(x, y, "SHA-256")
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(MONO, 6.2)
    halves = [sha256[:32], sha256[32:]] if sha256 else ["not recorded"]
    for k, half in enumerate(halves):
        canvas.drawString(x + 20 * mm, y - k * 7.5, half)
    return y - (len(halves) - 1) * 7.5 - 3


# Page 2: trends -------------------------------------------------------------------------


def _detector_series(report: EegReport) -> tuple[np.ndarray, np.ndarray] | None:
    """Window centres and probabilities, from the windows the results list (each with its
    start, so the plot cannot be shifted by how an array of times was stored)."""
    a = report.analysis
    windows = content.detector_windows(a)
    if content.detector(a) is None or not windows:
        return None
    half = content.window_seconds(a) / 2
    return (
        np.array([w.start_s for w in windows]) + half,
        np.array([w.probability for w in windows]),
    )


def draw_trends_page(
    canvas: Canvas,
    report: EegReport,
    heading: ReportHeading,
    events: Sequence[content.Event],
) -> None:
    paper = report.settings.paper
    box = content_box(paper)
    top = heading.draw_continuation(canvas, paper, "trends over the whole recording")
    duration = max(report.recording.duration, 1e-3)
    left, right_margin = 14 * mm, 20 * mm
    x, width = box.x + left, box.width - left - right_margin
    notes = content.annotations(report.analysis, report.recording)
    marker_times = [n.onset_s for n in notes]
    marker_labels = [str(k) for k in range(1, len(notes) + 1)]
    available = top - (box.y + 14 * mm)
    gap = 11 * mm
    cdsa_h = available * 0.38
    line_h = (available - cdsa_h - 3 * gap) / 2
    y = top - gap + 4 * mm - cdsa_h

    spectrum = cdsa(report.recording)
    frame = plots.Frame(Box(x, y, width, cdsa_h), (0.0, duration), (0.0, MAX_DISPLAY_HZ))
    montage = str(report.analysis.get("montage", "review montage"))
    if spectrum is not None:
        _draw_cdsa(canvas, frame, spectrum)
    plots.draw_frame(
        canvas,
        frame,
        f"Compressed spectral array (CDSA), mean of the {montage} channels",
        [0, 5, 10, 15, 20, 25],
        "{:g} Hz",
        gridlines=False,
    )
    if spectrum is None:
        _empty(canvas, frame, "CDSA not available: the recording is shorter than one epoch.")
    plots.draw_markers(canvas, frame, marker_times, marker_labels)

    y -= gap + line_h
    frame = plots.Frame(Box(x, y, width, line_h), (0.0, duration), (0.0, 1.0))
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
    arrays = report.arrays
    plots.draw_frame(
        canvas,
        frame,
        "Rhythmicity: share of 0.5-20 Hz power at the spectral peak, highest channel per epoch",
        ticks,
        "{:.2f}",
    )
    if "trend_times" in arrays and "rhythmicity" in arrays:
        t = np.asarray(arrays["trend_times"], dtype=float)
        v = np.asarray(arrays["rhythmicity"], dtype=float)
        plots.draw_line(canvas, frame, t, v)
        plots.draw_points(canvas, frame, t, v)
    else:
        _empty(canvas, frame, "Rhythmicity over time is not stored with this analysis.")
    plots.draw_markers(canvas, frame, marker_times, marker_labels)

    y -= gap + line_h
    frame = plots.Frame(Box(x, y, width, line_h), (0.0, duration), (0.0, 1.0))
    series = _detector_series(report)
    if series is not None:
        plots.draw_spans(
            canvas, frame, [(e.start_s, e.end_s) for e in events], plots.HIGHLIGHT_COLOR
        )
    plots.draw_frame(
        canvas,
        frame,
        "Detector: probability of seizure-like activity, highest channel per window "
        "(at window centres)",
        ticks,
        "{:.2f}",
    )
    if series is None:
        _empty(canvas, frame, "The detector did not run for this analysis.")
    else:
        thr = content.threshold(report.analysis)
        plots.draw_threshold(canvas, frame, thr, f"threshold {thr:.2f}")
        plots.draw_line(canvas, frame, *series)
    plots.draw_markers(canvas, frame, marker_times, marker_labels)
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(x + width / 2, y - 8 * mm, plots.time_axis_title(duration))
    legend = (
        "Dotted lines: annotations, numbered as in the annotation table. Shaded red: events "
        "(windows at or above the threshold). CDSA colour: log10 power in µV²/Hz"
    )
    if spectrum is not None and spectrum.times.size > 1:
        legend += f", {float(spectrum.times[1] - spectrum.times[0]):g} s epochs."
    canvas.setFillColor(MUTED_COLOR)
    canvas.drawString(box.x, box.y + 1 * mm, fit_text(legend, box.width, FONT, 7))


def _draw_cdsa(canvas: Canvas, frame: plots.Frame, spectrum: Spectrogram) -> None:
    power = spectrum.log_power
    low, high = (float(v) for v in np.percentile(power, [2, 98]))
    step = float(spectrum.times[1] - spectrum.times[0]) if spectrum.times.size > 1 else 0.0
    end = float(spectrum.times[-1]) + (step or frame.x_range[1])
    df = float(spectrum.freqs[1] - spectrum.freqs[0])
    f_top = min(float(spectrum.freqs[-1]) + df / 2, frame.y_range[1])
    x0, x1 = float(frame.x_of(0.0)), float(frame.x_of(min(end, frame.x_range[1])))
    y0, y1 = float(frame.y_of(0.0)), float(frame.y_of(f_top))
    plots.draw_image(canvas, Box(x0, y0, x1 - x0, y1 - y0), plots.colorize(power[::-1], low, high))
    bar = Box(frame.box.right + 3 * mm, frame.box.y, 3 * mm, frame.box.height)
    plots.draw_color_bar(canvas, bar, low, high, "log10 µV²/Hz")


def _empty(canvas: Canvas, frame: plots.Frame, text: str) -> None:
    canvas.setFillColor(MUTED_COLOR)
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(
        frame.box.x + frame.box.width / 2, frame.box.y + frame.box.height / 2, text
    )


# Event pages ----------------------------------------------------------------------------


def strip_events(events: Sequence[content.Event]) -> list[tuple[int, content.Event]]:
    """(number, event) of the events that get a strip: the highest peaks, in time order."""
    numbered = list(enumerate(events, start=1))
    chosen = sorted(numbered, key=lambda ne: ne[1].peak.probability, reverse=True)[:MAX_STRIPS]
    return sorted(chosen, key=lambda ne: ne[0])


def draw_event_pages(
    canvas: Canvas,
    report: EegReport,
    heading: ReportHeading,
    events: Sequence[content.Event],
) -> PageFlow:
    """One block per event (the highest ``MAX_STRIPS``); the flow goes on below them."""
    paper = report.settings.paper

    def new_page(c: Canvas) -> float:
        return heading.draw_continuation(c, paper, "events over the threshold, with traces")

    flow = PageFlow(canvas, paper, new_page, new_page(canvas))
    for number, event in strip_events(events):
        draw_event_block(flow, report, number, event)
    return flow


def draw_event_block(flow: PageFlow, report: EegReport, number: int, event: content.Event) -> None:
    """What the detector said about one event, then 10 s of its top channels."""
    canvas, box = flow.canvas, flow.box
    recording, start_time = report.recording, report.recording.start_time
    peak = event.peak
    window_s = event.window_s
    channels = [name for name, _ in peak.top_channels]
    strip = event_strip(
        recording, channels, strip_start(peak.start_s, window_s, recording.duration)
    )
    rows = max(1, len(strip.channels))
    title = (
        f"Event {number}: {content.clock_text(event.start_s, start_time)} to "
        f"{content.clock_text(event.end_s, start_time)}, {len(event.windows)} window(s) over "
        "the threshold"
    )
    text = (
        f"Peak probability {peak.probability:.4f} in the window from {peak.start_s:.1f} s. "
        f"Top channels: {content.channels_text(peak.top_channels)}."
    )
    driving = content.driving_text(peak.driving)
    text += f" Driving seconds: {driving}." if driving else ""
    lines = [(BOLD, fit_text(printable(title), box.width, BOLD, 7.5))] + [
        (FONT, line) for line in wrap_text(printable(text), box.width, FONT, 7.5)
    ]
    height = len(lines) * 9.6 + 3 + rows * STRIP_ROW_MM * mm + 13 * mm
    flow.need(height)
    canvas.setFillColor(TEXT_COLOR)
    for k, (font, line) in enumerate(lines):
        canvas.setFont(font, 7.5)
        canvas.drawString(box.x, flow.y - 7.5 - k * 9.6, line)
    flow.y -= len(lines) * 9.6 + 3
    width = STRIP_LEAD_IN_MM * mm + STRIP_SECONDS * STRIP_SPEED_MM_PER_S * mm
    strip_box = Box(
        box.x + (box.width - width) / 2, flow.y - rows * STRIP_ROW_MM * mm, width,
        rows * STRIP_ROW_MM * mm,
    )  # fmt: skip
    draw_strip(canvas, strip_box, strip, peak, window_s)
    flow.y = strip_box.y - 13 * mm


def strip_scale(strip_box: Box, row: int, strip: Strip) -> TraceScale:
    """The transform of one channel of a strip: 25 mm/s from the lead-in, 1/S mm per µV."""
    baseline = strip_box.top - (row + 0.5) * STRIP_ROW_MM * mm
    return TraceScale(
        strip_box.x + STRIP_LEAD_IN_MM * mm,
        baseline,
        STRIP_SPEED_MM_PER_S,
        1.0 / strip.sensitivity_uv_per_mm,
    )


def draw_strip(
    canvas: Canvas,
    strip_box: Box,
    strip: Strip,
    window: content.DetectorWindow,
    window_s: float,
) -> None:
    x0 = strip_box.x + STRIP_LEAD_IN_MM * mm

    def x_at(seconds: float) -> float:
        offset = min(max(seconds - strip.start_s, 0.0), STRIP_SECONDS)
        return x0 + offset * STRIP_SPEED_MM_PER_S * mm

    canvas.setFillColor(WINDOW_FILL)
    w0, w1 = x_at(window.start_s), x_at(window.start_s + window_s)
    canvas.rect(w0, strip_box.y, w1 - w0, strip_box.height, stroke=0, fill=1)
    row_of = {name.casefold(): k for k, name in enumerate(strip.channels)}
    canvas.setFillColor(DRIVING_FILL)
    for d in window.driving:
        row = row_of.get(d.channel.casefold())
        if row is None:
            continue
        d0, d1 = x_at(d.segment_start_s), x_at(d.segment_start_s + OCCLUSION_SEGMENT_S)
        top = strip_box.top - row * STRIP_ROW_MM * mm
        canvas.rect(d0, top - STRIP_ROW_MM * mm, d1 - d0, STRIP_ROW_MM * mm, stroke=0, fill=1)
    _draw_time_grid(canvas, strip_box, strip)
    if not strip.channels:
        canvas.setFillColor(MUTED_COLOR)
        canvas.setFont(FONT, 8)
        canvas.drawString(
            x0 + 2 * mm,
            strip_box.y + strip_box.height / 2,
            printable(
                "Traces not available: the channels "
                f"{', '.join(strip.missing) or '(none named)'} cannot be derived from this "
                "recording in the average reference."
            ),
        )
        return
    probability = dict(window.top_channels)
    for row, name in enumerate(strip.channels):
        scale = strip_scale(strip_box, row, strip)
        pulse = TraceScale(
            strip_box.x + 2.5 * mm, scale.baseline, scale.mm_per_s, scale.mm_per_unit
        )
        draw_calibration_pulse(canvas, pulse, CALIBRATION_MM * strip.sensitivity_uv_per_mm)
        within = Box(x0, strip_box.y, strip_box.right - x0, strip_box.height)
        draw_trace(canvas, strip.signals[row], strip.fs, scale, within)
        label = f"{name}  p {probability.get(name, float('nan')):.2f}"
        label_y = scale.baseline + STRIP_ROW_MM * mm / 2 - 3 * mm
        canvas.setFillColor(LABEL_FILL)
        canvas.rect(
            x0 + 0.5 * mm, label_y - 1.2, stringWidth(label, BOLD, 7) + 1 * mm, 8.4,
            stroke=0, fill=1,
        )  # fmt: skip
        canvas.setFillColor(TEXT_COLOR)
        canvas.setFont(BOLD, 7)
        canvas.drawString(x0 + 1 * mm, label_y, label)
    _draw_strip_scale(canvas, strip_box, strip, window, window_s)


def _draw_time_grid(canvas: Canvas, strip_box: Box, strip: Strip) -> None:
    """Light lines every 0.2 s, darker every second, the border, seconds labelled below."""
    x0 = strip_box.x + STRIP_LEAD_IN_MM * mm
    step = 0.2 * STRIP_SPEED_MM_PER_S * mm
    count = int(round(STRIP_SECONDS / 0.2))
    for major, color, width in ((False, FIFTH_LINE, 0.2), (True, SECOND_LINE, 0.4)):
        path = canvas.beginPath()
        for k in range(count + 1):
            if (k % 5 == 0) == major:
                path.moveTo(x0 + k * step, strip_box.y)
                path.lineTo(x0 + k * step, strip_box.top)
        canvas.setStrokeColor(color)
        canvas.setLineWidth(width)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.setStrokeColor(MUTED_COLOR)
    canvas.setLineWidth(0.5)
    canvas.rect(strip_box.x, strip_box.y, strip_box.width, strip_box.height, stroke=1, fill=0)
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(FONT, 6.5)
    for k in range(int(STRIP_SECONDS) + 1):
        t = strip.start_s + k
        canvas.drawCentredString(
            x0 + k * STRIP_SPEED_MM_PER_S * mm, strip_box.y - 3 * mm, f"{t:.1f} s"
        )


def _draw_strip_scale(
    canvas: Canvas, strip_box: Box, strip: Strip, window: content.DetectorWindow, window_s: float
) -> None:
    s = strip.sensitivity_uv_per_mm
    text = (
        f"{STRIP_SPEED_MM_PER_S:g} mm/s   {s:g} µV/mm (pulse {CALIBRATION_MM * s:g} µV)   "
        f"average reference, {STRIP_BAND_HZ[0]:g}-{STRIP_BAND_HZ[1]:g} Hz (zero-phase)   "
        f"{strip.fs:g} Hz   yellow: detector window {window.start_s:.1f}-"
        f"{window.start_s + window_s:.1f} s   orange: driving half second"
    )
    if strip.missing:
        text += f"   not derivable: {', '.join(strip.missing)}"
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 6.8)
    canvas.drawString(
        strip_box.x, strip_box.y - 7.5 * mm, fit_text(printable(text), strip_box.width, BOLD, 6.8)
    )


# Listing pages --------------------------------------------------------------------------


def draw_listing(
    canvas: Canvas, report: EegReport, heading: ReportHeading, flow: PageFlow | None = None
) -> None:
    """Every window over the threshold, the annotations, the notes, the closing statement;
    below the event strips when there are any, else on a page of their own."""
    paper = report.settings.paper

    def new_page(c: Canvas) -> float:
        return heading.draw_continuation(c, paper, "windows, annotations and notes")

    if flow is None:
        flow = PageFlow(canvas, paper, new_page, new_page(canvas))
    else:
        flow = PageFlow(canvas, paper, new_page, flow.y)
    a, start_time = report.analysis, report.recording.start_time
    width = flow.box.width
    flagged = content.flagged_windows(a)
    flow.section(f"Windows at or above the threshold ({len(flagged)})")
    if not flagged:
        flow.paragraph("None." if content.detector(a) else "The detector did not run.")
    else:
        flow.table(
            [
                Column("Window from", width * 0.16),
                Column("Probability", width * 0.09),
                Column("Top channels (probability)", width * 0.3),
                Column(
                    "Driving seconds (occlusion; only the highest windows are explained)",
                    width * 0.45,
                ),
            ],  # fmt: skip
            content.window_rows(flagged[:MAX_LISTED_WINDOWS], start_time),
            continued="Windows at or above the threshold (continued)",
        )
        if len(flagged) > MAX_LISTED_WINDOWS:
            flow.paragraph(
                f"{len(flagged) - MAX_LISTED_WINDOWS} later windows over the threshold are not "
                "listed; the stored analysis holds all of them.",
                color=MUTED_COLOR,
            )
    notes = content.annotations(a, report.recording)
    flow.gap(4)
    flow.section(f"Annotations ({len(notes)})")
    if not notes:
        flow.paragraph("No annotation.")
    else:
        flow.table(
            [
                Column("#", width * 0.04),
                Column("Onset", width * 0.16),
                Column("Duration", width * 0.1),
                Column("Label", width * 0.5),
                Column("Author", width * 0.2),
            ],
            content.annotation_rows(notes, start_time),
            continued="Annotations (continued)",
        )
    review = report.review
    if review.confirmations or review.notes:
        flow.gap(4)
        flow.section("Review in the vault")
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
    draw_disclaimer(flow, str(a.get("disclaimer", "")))
