"""The pages of a rhythm (Holter) ECG report: summary with the rate trend, episode strips.

A long or few-lead recording is not a resting 12-lead ECG: a 3 × 4 printout of its first
10 s would show 10 s of 24 h and leads it never had. Its report opens on the summary a
Holter reader looks for first (analysed and excluded time, AF burden and episodes, ectopy,
pauses, fastest and slowest minute, the per-minute rate with AF and excluded time marked,
and the interpretation statements with their confirmation, drawn by the report),
then 10 s strips at true scale (25 mm/s, 10 mm/mV) at the start of each AF episode and at
the longest pause, each labelled with its clock time from the start of the recording, then
the full disclosure: every minute compressed to one row, AF and excluded time shaded.
Everything is read from the stored analysis (``EcgAnalysis.to_json()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from workstation.channels import lead_label
from workstation.dsp.filters import bandpass
from workstation.ecg.analysis import LeadChannels, lead_channels
from workstation.ecg.interpretation import clock
from workstation.ecg.pause_leads import COMPARE_LEADS, not_seen_text
from workstation.ecg.quiet_stretches import NO_QRS
from workstation.ecg.rhythm import shown_rhythm, trend_points
from workstation.eeg.paging import decimate_minmax
from workstation.recording import Recording
from workstation.reports.ecg_layout import DISPLAY_BAND_HZ
from workstation.reports.page_layout import (
    BOLD,
    FONT,
    MUTED_COLOR,
    TEXT_COLOR,
    Column,
    content_box,
    draw_label_values,
    draw_section_title,
    draw_table,
    wrap_text,
)
from workstation.reports.plots import (
    Frame,
    draw_frame,
    draw_line,
    draw_markers,
    draw_points,
    draw_spans,
)
from workstation.reports.settings import ReportSettings
from workstation.reports.waveform import Box, TraceScale, draw_grid, draw_trace

AF_COLOR = Color(1.0, 0.85, 0.85)
EXCLUDED_COLOR = Color(0.85, 0.85, 0.85)
STRIP_S = 10.0
STRIP_LEAD_S = 2.0  # a pause strip shows this much before the pause (and after its end)
#: A pause whose closing beat is this far inside its strip needs no second strip for its end
#: (a 6 s pause had a second strip 20 ms after the first).
STRIP_END_SHOWN_S = 0.5
STRIP_HEIGHT_MM = 30.0
STRIP_GAP_MM = 6.0  # between one strip and the title of the next
STRIPS_TOP_MM = 18.0  # the page title above the first strip
MAX_EPISODE_ROWS = 18
PAPER_SPEED_MM_PER_S = 25.0
GAIN_MM_PER_MV = 10.0
DISPLAY_FILTER_MARGIN_S = 3.0  # read either side of a strip or row: the filter settles
FRAME_TITLE_MM = 8.0  # the trend's title line above its frame


#: Shown for every rhythm figure of a record the engine found not interpretable: its
#: findings are withheld (``ecg.rhythm.RhythmAnalysis.withheld``), and a zero would read as
#: "none found".
NOT_INTERPRETABLE = "— (not interpretable)"
WITHHELD_ROWS = (
    "AF burden",
    "AF episodes",
    "Premature atrial",
    "Premature ventricular",
    "Longest pause",
    "Fastest minute",
    "Slowest minute",
)


def is_rhythm_report(analysis: Mapping[str, Any]) -> bool:
    """True when the analysis asks for the rhythm (Holter) form and carries a rhythm."""
    return analysis.get("form") == "rhythm" and bool(analysis.get("rhythm"))


def shown_analysis(analysis: Mapping[str, Any]) -> dict[str, Any]:
    """The analysis with its rhythm as a reader may show it (``ecg.rhythm.shown_rhythm``):
    no finding of a record that was not interpretable, even one stored before the engine
    withheld them."""
    return {**analysis, "rhythm": shown_rhythm(analysis["rhythm"], analysis.get("quality"))}


def _summary_rows(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    s = analysis["rhythm"]["summary"]

    def minute(bpm: float | None, index: int | None) -> str:
        return "—" if bpm is None else f"{bpm:.0f} bpm (minute from {clock(60.0 * index)})"

    pause = s.get("longest_pause_s")
    analysed = f"{s['analysed_s'] / 60:.1f} min"
    excluded = ("Not interpreted", f"{s['excluded_s'] / 60:.1f} min (poor signal quality)")
    if analysis["rhythm"].get("findings_withheld"):
        usable = ("Usable", f"{analysed} (too little to interpret)")
        return [usable, excluded] + [(name, NOT_INTERPRETABLE) for name in WITHHELD_ROWS]
    return [
        ("Analysed", analysed),
        excluded,
        *_no_qrs_row(analysis),
        ("AF burden", f"{s['af_burden_pct']:.1f} % of analysed time"),
        ("AF episodes", str(s["af_episodes"])),
        ("Premature atrial", str(s["pac_count"])),
        ("Premature ventricular", str(s["pvc_count"])),
        ("Longest pause", _longest_pause(pause, s["excluded_s"], analysis["rhythm"])),
        ("Fastest minute", minute(s.get("fastest_bpm"), s.get("fastest_minute"))),
        ("Slowest minute", minute(s.get("slowest_bpm"), s.get("slowest_minute"))),
    ]


def _no_qrs_row(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The longest stretch with no QRS in any lead that no pause measured
    (``ecg.quiet_stretches``), high on the page: where an arrest the detectors missed lies."""
    stretches = analysis["rhythm"].get("quiet_stretches") or []
    if not stretches:
        return []
    fs = float(analysis["sample_rate_hz"])
    longest = max(stretches, key=lambda q: q["duration_s"])
    more = f" (+{len(stretches) - 1} more)" if len(stretches) > 1 else ""
    at = clock(longest["start"] / fs)
    return [("No QRS, any lead", f"{longest['duration_s']:.2f} s at {at}{more}: see its strip")]


def _longest_pause(pause: float | None, excluded_s: float, rhythm: Mapping[str, Any]) -> str:
    """The longest pause, or none: only in the analysed time when some was not interpreted,
    where an arrest can hide (a 9 s sinus arrest's window is usually refused as poor
    signal quality, benchmarks/ecg_irregular_rhythms.py). When other leads beat on
    through it, their names and the longest pause seen in every lead."""
    if pause is None:
        return "none over 2.0 s in analysed time" if excluded_s > 0 else "none over 2.0 s"
    pauses = rhythm.get("pauses") or []
    longest = max(pauses, key=lambda p: p["duration_s"], default={})
    beating = longest.get("not_seen_in") or []
    if not beating:
        return f"{pause:.2f} s"
    seen = _longest_seen_in_every_lead(pauses)
    every = f"{seen['duration_s']:.2f} s" if seen else "none"
    # The pause seen in every lead first: with eleven leads named the row was cut before it.
    return f"{every} in every lead; {pause:.2f} s {not_seen_text(beating)}"


def draw_rhythm_summary_page(
    canvas: Canvas, analysis: Mapping[str, Any], settings: ReportSettings, title: str
) -> Box:
    """Title, summary figures, the per-minute heart-rate trend and the AF episode table;
    returns the room left under the summary figures, where the report puts the statements
    (the reader of a Holter report looks for the conclusion on its first page)."""
    box = content_box(settings.paper)
    canvas.setFillColor(TEXT_COLOR)
    canvas.setFont(BOLD, 12)
    canvas.drawString(box.x, box.top - 11, f"{title}: rhythm summary")
    y = draw_section_title(canvas, box.x, box.top - 18, box.width / 2 - 4 * mm, "Summary")
    y_summary = draw_label_values(
        canvas, box.x, y, _summary_rows(analysis), 36 * mm, box.width / 2 - 4 * mm
    )
    rhythm = analysis["rhythm"]
    withheld = bool(rhythm.get("findings_withheld"))
    episodes = rhythm.get("af_episodes") or []
    right = box.x + box.width / 2 + 4 * mm
    y_table = draw_section_title(canvas, right, y, box.width / 2 - 4 * mm, "AF episodes")
    rows = [
        (clock(e["start_s"]), clock(e["end_s"]), f"{e['end_s'] - e['start_s']:.0f} s")
        for e in episodes[:MAX_EPISODE_ROWS]
    ]
    if len(episodes) > MAX_EPISODE_ROWS:
        rows.append((f"… and {len(episodes) - MAX_EPISODE_ROWS} more", "", ""))
    width = box.width / 2 - 4 * mm
    draw_table(
        canvas,
        right,
        y_table,
        [Column("Start", width / 3), Column("End", width / 3), Column("Duration", width / 3)],
        rows or [(NOT_INTERPRETABLE if withheld else "No AF episode found", "", "")],
    )
    hr_trend = rhythm["summary"]["hr_trend_bpm"]
    span = float((analysis.get("quality") or {}).get("duration_s") or 60.0 * len(hr_trend))
    minutes, trend, alone = trend_points(hr_trend, span)
    finite = trend[np.isfinite(trend)]
    top = max(120.0, float(np.ceil(finite.max() / 20.0) * 20.0)) if finite.size else 120.0
    frame_box = Box(box.x + 10 * mm, box.y + 14 * mm, box.width - 12 * mm, 58 * mm)
    frame_box = Box(
        frame_box.x, frame_box.y, frame_box.width, min(frame_box.height, y_summary - 30 * mm)
    )
    frame = Frame(frame_box, (0.0, span), (0.0, top))
    draw_spans(canvas, frame, [(e["start_s"], e["end_s"]) for e in episodes], AF_COLOR)
    excluded = (analysis.get("quality") or {}).get("excluded_s") or []
    draw_spans(canvas, frame, [(a, b) for a, b in excluded], EXCLUDED_COLOR)
    title = "Heart rate per minute (bpm); red: AF episodes, grey: not interpreted"
    quiet = rhythm.get("quiet_stretches") or []
    if quiet:
        fs = float(analysis["sample_rate_hz"])
        draw_markers(canvas, frame, [q["start"] / fs for q in quiet], [""] * len(quiet))
        title += ", dashed: no QRS in any lead"
    draw_frame(canvas, frame, title, list(np.arange(0.0, top + 1, 20.0)))
    draw_line(canvas, frame, minutes, trend)
    draw_points(canvas, frame, minutes[alone], trend[alone])
    floor = frame_box.top + FRAME_TITLE_MM * mm
    return Box(box.x, floor, box.width / 2 - 4 * mm, y_summary - 2 * mm - floor)


class Strip(NamedTuple):
    """A 10 s rhythm strip: where it starts, its title, and the leads it is drawn in (names
    as analysed; empty: the report's first analysed lead alone)."""

    start_s: float
    label: str
    leads: tuple[str, ...] = ()


def strip_starts(analysis: Mapping[str, Any]) -> list[Strip]:
    """The strips to print: each AF episode, the longest stretch with no QRS in any lead
    that no pause measured (``ecg.quiet_stretches``, in two leads), then the longest pause,
    and when other leads beat on through that one (``ecg.pause_leads``), the longest pause
    seen in every lead too: a real pause must not go without a strip behind a lead that
    came off. A pause other leads beat on through is drawn in the lead it was read from and
    the first lead that beats on, one above the other, so the reader can compare them."""
    rhythm = analysis["rhythm"]
    fs = float(analysis["sample_rate_hz"])
    out = [
        Strip(float(e["start_s"]), f"AF episode {k + 1} from {clock(e['start_s'])}")
        for k, e in enumerate(rhythm.get("af_episodes") or [])
    ]
    quiet = rhythm.get("quiet_stretches") or []
    if quiet:
        # In two leads: "in any lead" is what the reader checks.
        both = tuple((analysis.get("leads_used") or [])[:2])
        longest_quiet = max(quiet, key=lambda q: q["duration_s"])
        strips = _pause_strips(rhythm, longest_quiet, fs, NO_QRS)
        out += [strip._replace(leads=both) for strip in strips]
    pauses = rhythm.get("pauses") or []
    if not pauses:
        return out
    longest = max(pauses, key=lambda p: p["duration_s"])
    out += _pause_strips(rhythm, longest, fs, "Longest pause")
    seen = _longest_seen_in_every_lead(pauses)
    if longest.get("not_seen_in") and seen:
        out += _pause_strips(rhythm, seen, fs, "Longest pause seen in every lead")
    return out


def _longest_seen_in_every_lead(pauses: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The longest stored pause no other lead beats on through (``ecg.pause_leads``)."""
    seen = [p for p in pauses if not p.get("not_seen_in")]
    return max(seen, key=lambda p: p["duration_s"]) if seen else None


def _pause_strips(
    rhythm: Mapping[str, Any], pause: Mapping[str, Any], fs: float, name: str
) -> list[Strip]:
    """A pause's strip from STRIP_LEAD_S before it, and a second for its end when it is
    longer than a strip; titled ``name``."""
    at, end = pause["start"] / fs, pause["end"] / fs
    start = max(at - STRIP_LEAD_S, 0.0)
    label = f"{name}, {pause['duration_s']:.2f} s, at {clock(at)}"
    beating = tuple(pause.get("not_seen_in") or ())
    leads = (_read_from(rhythm, pause, beating), beating[0]) if beating else ()
    caution = f"; {not_seen_text(beating)}: {COMPARE_LEADS}" if beating else ""
    out = [Strip(start, f"{label} (strip from {clock(start)}){caution}", leads)]
    if end + STRIP_END_SHOWN_S > start + STRIP_S:
        # An arrest longer than the strip: its end, the beat that closes it, on a second.
        later = end + STRIP_LEAD_S - STRIP_S
        title = f"{label}: its end at {clock(end)} (strip from {clock(later)})"
        out.append(Strip(later, title, leads))
    return out


def _read_from(rhythm: Mapping[str, Any], pause: Mapping[str, Any], beating: tuple) -> str:
    """The lead the rhythm was read from in the windows the pause spans, other than the
    leads that beat on through it ('' when none is stored)."""
    windows = rhythm.get("windows") or {}
    edges, leads = windows.get("edges") or [], windows.get("lead") or []
    first = int(np.searchsorted(edges, pause["start"], side="right")) - 1
    last = int(np.searchsorted(edges, pause["end"], side="right")) - 1
    spanned = [leads[w] for w in range(max(first, 0), min(last + 1, len(leads))) if leads[w]]
    return next((str(lead) for lead in spanned if lead not in beating), "")


def strips_per_page(box: Box) -> int:
    """How many strips fit the page's content box under its title: six were printed on a
    landscape page with room for five, the sixth running off the page's foot."""
    room = box.height / mm - STRIPS_TOP_MM - STRIP_HEIGHT_MM
    return 1 + max(int(room // (STRIP_HEIGHT_MM + STRIP_GAP_MM)), 0)


def _strip_rows(
    strips: list[Strip], default: int, names: list[str], per_page: int
) -> list[list[tuple]]:
    """Pages of (start s, title, lead index, lead named in the title) rows, ``per_page`` to
    a page, a strip's leads kept on one page (each row then names its lead); a strip lead
    not among ``names`` falls back to ``default``."""
    pages: list[list[tuple]] = [[]]
    for strip in strips:
        wanted = [names.index(n) if n in names else default for n in strip.leads] or [default]
        wanted = list(dict.fromkeys(wanted))
        rows = [(strip.start_s, strip.label, wanted[0], len(wanted) > 1)]
        rows += [(strip.start_s, "the same 10 s", k, True) for k in wanted[1:]]
        if pages[-1] and len(pages[-1]) + len(rows) > per_page:
            pages.append([])
        pages[-1] += rows
    return pages


def draw_strips_pages(
    canvas: Canvas, recording: Recording, analysis: Mapping[str, Any], settings: ReportSettings
) -> None:
    """10 s strips of the first analysed lead (a disputed pause also in the lead that beats
    on through it), as many to a page as fit; each page ends with showPage."""
    strips = strip_starts(analysis)
    if not strips:
        return
    channels = lead_channels(recording)
    used = analysis.get("leads_used") or channels.names
    k0 = channels.names.index(used[0]) if used and used[0] in channels.names else 0
    box = content_box(settings.paper)
    fs = recording.fs
    for page in _strip_rows(strips, k0, list(channels.names), strips_per_page(box)):
        canvas.setFillColor(TEXT_COLOR)
        canvas.setFont(BOLD, 12)
        header = f"Rhythm strips, lead {lead_label(channels.names[k0])}"
        if any(k != k0 for _, _, k, _ in page):
            header += " (other leads named on their strip)"
        canvas.drawString(box.x, box.top - 11, header)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED_COLOR)
        canvas.drawRightString(
            box.right,
            box.top - 10,
            f"25 mm/s, 10 mm/mV, filter {DISPLAY_BAND_HZ[0]:g}-{DISPLAY_BAND_HZ[1]:g} Hz",
        )
        for row, (start_s, label, k, named) in enumerate(page):
            top = box.top - (STRIPS_TOP_MM + row * (STRIP_HEIGHT_MM + STRIP_GAP_MM)) * mm
            grid = Box(
                box.x,
                top - STRIP_HEIGHT_MM * mm,
                STRIP_S * PAPER_SPEED_MM_PER_S * mm,
                STRIP_HEIGHT_MM * mm,
            )
            draw_grid(canvas, grid)
            a = int(start_s * fs)
            b = min(a + int(STRIP_S * fs), recording.n_samples)
            values = _display_trace(recording, channels, k, a, b)
            scale = TraceScale(
                grid.x, grid.y + grid.height / 2, PAPER_SPEED_MM_PER_S, GAIN_MM_PER_MV
            )
            centred = values - float(np.median(values)) if values.size else values
            if values.size:
                draw_trace(canvas, centred, fs, scale, grid)
            canvas.setFillColor(TEXT_COLOR)
            canvas.setFont(BOLD, 8)
            title = f"Lead {lead_label(channels.names[k])}: {label}" if named else label
            if _taller_than_strip(centred):
                title += " (trace taller than the strip, cut at its edge)"
            canvas.drawString(grid.x, grid.top + 1.5 * mm, title)
        canvas.showPage()


def _display_trace(
    recording: Recording, channels: LeadChannels, k: int, a: int, b: int
) -> np.ndarray:
    """Samples ``a:b`` of lead ``k`` through the report's display filter, read with a margin
    either side so the filter has settled where the trace starts. The strips were drawn
    unfiltered: breathing wander lifted a lead off its grid where the 12-lead page and the
    full disclosure, filtered, kept it on."""
    margin = int(DISPLAY_FILTER_MARGIN_S * recording.fs)
    lo, hi = max(a - margin, 0), min(b + margin, recording.n_samples)
    return bandpass(channels.read(recording, lo, hi)[k], recording.fs, *DISPLAY_BAND_HZ)[
        a - lo : b - lo
    ]


def _taller_than_strip(centred_mv: np.ndarray) -> bool:
    """Whether a strip's trace reaches past its grid, so its title says it is cut there
    and no one reads a cut QRS as a small one."""
    reach = STRIP_HEIGHT_MM / 2 / GAIN_MM_PER_MV
    return bool(np.any(np.abs(centred_mv[np.isfinite(centred_mv)]) > reach))


# Full disclosure -------------------------------------------------------------------------

DISCLOSURE_ROW_S = 60.0  # one minute per row
#: Compressed paper speeds, fastest first: the fastest at which a minute fits the page.
DISCLOSURE_SPEEDS_MM_PER_S = (5.0, 4.0, 2.5)
DISCLOSURE_MM_PER_MV = 2.5  # a quarter of standard gain
DISCLOSURE_ROWS_PER_PAGE = 30  # half an hour per page
DISCLOSURE_MAX_PAGES = 16  # eight hours; ``full_disclosure_all`` prints every minute
DISCLOSURE_BIN_MM = 0.2  # min-max envelope per 0.2 mm (80 ms): no QRS is thinned away
DISCLOSURE_LABEL_MM = 16.0


def disclosure_rows(duration_s: float, everything: bool) -> tuple[list[float], int]:
    """Start (s) of each full-disclosure row, and how many pages they fill; capped at
    ``DISCLOSURE_MAX_PAGES`` pages unless ``everything``."""
    starts = list(np.arange(0.0, duration_s, DISCLOSURE_ROW_S))
    if not everything:
        starts = starts[: DISCLOSURE_MAX_PAGES * DISCLOSURE_ROWS_PER_PAGE]
    return starts, -(-len(starts) // DISCLOSURE_ROWS_PER_PAGE)


def disclosure_speed(width: float) -> float:
    """The fastest compressed speed (mm/s) at which a minute fits ``width`` points."""
    room = width / mm - DISCLOSURE_LABEL_MM
    fitting = [s for s in DISCLOSURE_SPEEDS_MM_PER_S if s * DISCLOSURE_ROW_S <= room]
    return fitting[0] if fitting else DISCLOSURE_SPEEDS_MM_PER_S[-1]


def _disclosure_caption(duration_s: float, shown_s: float, lead: str, speed: float) -> list[str]:
    lines = [
        f"Lead {lead}, 1 min per row, compressed: {speed:g} mm/s and {DISCLOSURE_MM_PER_MV:g} "
        f"mm/mV (standard: {PAPER_SPEED_MM_PER_S:g} mm/s, {GAIN_MM_PER_MV:g} mm/mV); each "
        "row's clock time at its left, 10 s ticks below it; swings beyond the next row are "
        "cut. Red: AF episodes; grey: not interpreted (poor signal quality).",
    ]
    if shown_s < duration_s:
        lines.append(
            f"Limited to {DISCLOSURE_MAX_PAGES} pages: {clock(0.0)}-{clock(shown_s)} of "
            f"{clock(duration_s)} shown. The whole recording: 'workstation report "
            "--full-disclosure all', or page any minute in the app."
        )
    return lines


def draw_full_disclosure_pages(
    canvas: Canvas, recording: Recording, analysis: Mapping[str, Any], settings: ReportSettings
) -> None:
    """Every minute of the first analysed lead, compressed, 30 to a page, with AF episodes and
    stretches not interpreted shaded; each page ends with showPage.

    Only one minute is read at a time and each is drawn as a min-max envelope (two points per
    0.2 mm), so a 24-hour recording costs pages, not memory.
    """
    channels = lead_channels(recording)
    used = analysis.get("leads_used") or channels.names
    k = channels.names.index(used[0]) if used and used[0] in channels.names else 0
    duration = recording.duration
    starts, pages = disclosure_rows(duration, settings.full_disclosure_all)
    shown_s = min(duration, starts[-1] + DISCLOSURE_ROW_S) if starts else 0.0
    af = [(e["start_s"], e["end_s"]) for e in analysis["rhythm"].get("af_episodes") or []]
    excluded = [(a, b) for a, b in (analysis.get("quality") or {}).get("excluded_s") or []]
    box = content_box(settings.paper)
    speed = disclosure_speed(box.width)
    lead = lead_label(channels.names[k])
    caption = [
        line
        for text in _disclosure_caption(duration, shown_s, lead, speed)
        for line in wrap_text(text, box.width, FONT, 7.5)
    ]
    rows_top = box.top - (16 + 4 * len(caption)) * mm
    pitch = (rows_top - box.y - 8 * mm) / DISCLOSURE_ROWS_PER_PAGE
    x0 = box.x + DISCLOSURE_LABEL_MM * mm
    for page in range(pages):
        canvas.setFillColor(TEXT_COLOR)
        canvas.setFont(BOLD, 12)
        canvas.drawString(box.x, box.top - 11, "Full disclosure")
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(
            box.right, box.top - 10, f"Full disclosure page {page + 1} of {pages}"
        )
        canvas.setFillColor(MUTED_COLOR)
        for i, line in enumerate(caption):
            canvas.drawString(box.x, box.top - (14 + 4 * i) * mm, line)
        first = page * DISCLOSURE_ROWS_PER_PAGE
        for row, start in enumerate(starts[first : first + DISCLOSURE_ROWS_PER_PAGE]):
            baseline = rows_top - (row + 0.5) * pitch
            row_scale = TraceScale(x0, baseline, speed, DISCLOSURE_MM_PER_MV)
            _shade_row(canvas, row_scale, pitch, start, af, AF_COLOR)
            _shade_row(canvas, row_scale, pitch, start, excluded, EXCLUDED_COLOR)
            _draw_disclosure_row(canvas, recording, channels, k, start, row_scale, pitch)
            canvas.setFillColor(TEXT_COLOR)
            canvas.setFont(FONT, 7)
            canvas.drawString(box.x, baseline - 1.0 * mm, clock(start))
        canvas.showPage()


def _shade_row(
    canvas: Canvas,
    scale: TraceScale,
    pitch: float,
    start: float,
    spans: list[tuple[float, float]],
    color: Color,
) -> None:
    """The parts of ``spans`` inside this row's minute, as bands behind its trace."""
    end = start + DISCLOSURE_ROW_S
    canvas.setFillColor(color)
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if b > a:
            xa, xb = float(scale.x_of(a - start)), float(scale.x_of(b - start))
            canvas.rect(xa, scale.baseline - pitch / 2, xb - xa, pitch, stroke=0, fill=1)


def _draw_disclosure_row(
    canvas: Canvas,
    recording: Recording,
    channels: LeadChannels,
    k: int,
    start: float,
    scale: TraceScale,
    pitch: float,
) -> None:
    fs = recording.fs
    bottom = scale.baseline - pitch / 2
    a = int(round(start * fs))
    b = min(int(round((start + DISCLOSURE_ROW_S) * fs)), recording.n_samples)
    values = _display_trace(recording, channels, k, a, b)
    canvas.setStrokeColor(Color(0.85, 0.85, 0.85))
    canvas.setLineWidth(0.1 * mm)
    for tick in range(0, int(DISCLOSURE_ROW_S) + 1, 10):  # 10 s marks on the baseline row
        x = float(scale.x_of(tick))
        canvas.line(x, bottom, x, bottom + 1.2 * mm)
    if values.size < 2:
        return
    reach = 0.9 * pitch / (DISCLOSURE_MM_PER_MV * mm)  # mV: 90 % of the way to the next row
    values = np.clip(values - float(np.median(values)), -reach, reach)
    times = np.arange(values.size) / fs
    bins = int(DISCLOSURE_ROW_S * scale.mm_per_s / DISCLOSURE_BIN_MM)
    if values.size > 2 * bins:
        times, envelope = decimate_minmax(times, values[None, :], bins)
        values = envelope[0]
    xs, ys = scale.x_of(times), scale.y_of(values)
    path = canvas.beginPath()
    path.moveTo(float(xs[0]), float(ys[0]))
    for x, y in zip(xs[1:].tolist(), ys[1:].tolist(), strict=True):
        path.lineTo(x, y)
    canvas.setStrokeColor(TEXT_COLOR)
    canvas.setLineWidth(0.15 * mm)
    canvas.setLineJoin(1)
    canvas.drawPath(path, stroke=1, fill=0)
