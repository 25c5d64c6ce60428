"""How a 24-hour two-lead recording behaves in the app and the report once analysed.

The recording is the one ``ecg_holter.py`` builds from real records (CPSC 2021 samples and
MIT-BIH 100 at 250 Hz, joined end to end to 24 h). Measured, offscreen (no window system):
building the trend overview (rate per minute, AF and excluded spans, pause and ectopy marks,
event list); opening the paper on one minute; paging to 20 minutes spread over the day
(each page is drawn in steps, so the longest step is what the GUI thread is held for);
and the capped full-disclosure pages of the report (16 pages, 8 h) and, with
``--all``, every minute. Wall times depend on the other work on the machine. Prints JSON.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_common import emit, machine  # noqa: E402
from ecg_holter import holter, peak_rss_mb  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from workstation.app.ecg_result import StoredEcg  # noqa: E402
from workstation.app.ecg_traces import ecg_traces  # noqa: E402
from workstation.app.ecg_trend import PAGE_S  # noqa: E402
from workstation.ecg.analysis import analyze_ecg  # noqa: E402
from workstation.reports.ecg_rhythm_pages import draw_full_disclosure_pages  # noqa: E402
from workstation.reports.settings import ReportSettings  # noqa: E402
from workstation.ui.ecg.paper import Layout  # noqa: E402
from workstation.ui.ecg.trend_overview import TrendOverview  # noqa: E402
from workstation.ui.ecg.view import EcgPaperView  # noqa: E402


def longest_step_s(paper: EcgPaperView) -> float:
    """Run a pending redraw step by step, as the event loop would; the longest step."""
    longest = 0.0
    while paper.is_drawing:
        start = time.perf_counter()
        paper._next_step()
        longest = max(longest, time.perf_counter() - start)
    return longest


def disclosure(recording, analysis, everything: bool) -> tuple[float, int, int]:
    """(seconds, pages, bytes) of the full-disclosure pages alone."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    start = time.perf_counter()
    draw_full_disclosure_pages(
        canvas, recording, analysis, ReportSettings(full_disclosure_all=everything)
    )
    canvas.save()
    return time.perf_counter() - start, canvas.getPageNumber() - 1, len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--all", action="store_true", help="also time every minute's pages")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    recording = holter(args.hours)
    start = time.perf_counter()
    analysis = analyze_ecg(recording, score=False).to_json()
    analysis_s = time.perf_counter() - start
    stored = StoredEcg.from_json({**analysis, "models": []})
    assert stored.is_rhythm_form and stored.rhythm is not None
    start = time.perf_counter()
    traces = ecg_traces(recording, stored, None)
    traces_s = time.perf_counter() - start

    start = time.perf_counter()
    trend = TrendOverview(stored.rhythm, traces.duration)
    trend.resize(1200, 300)
    trend.show()
    app.processEvents()
    trend_s = time.perf_counter() - start

    start = time.perf_counter()
    paper = EcgPaperView(traces, 96.0, layout=Layout.MINUTE, page_s=PAGE_S)
    paper.resize(1200, 600)
    paper.show()
    first_step = longest_step_s(paper)
    app.processEvents()
    open_s = time.perf_counter() - start

    pages, steps = [], []
    for k in range(20):
        minute = int(k * (traces.duration / PAGE_S) / 20)
        start = time.perf_counter()
        paper.show_page(minute * PAGE_S)
        steps.append(longest_step_s(paper))
        app.processEvents()
        pages.append(time.perf_counter() - start)

    capped_s, capped_pages, capped_bytes = disclosure(recording, analysis, False)
    result = {
        "benchmark": "ecg_trend_view",
        "machine": machine(),
        "hours": args.hours,
        "analysis_s": round(analysis_s, 1),
        "traces_prepared_s": round(traces_s, 2),
        "trend_overview_built_s": round(trend_s, 3),
        "trend_minutes": len(stored.rhythm.hr_trend_bpm),
        "events_listed": len(trend.events),
        "ectopic_marks": len(stored.rhythm.premature_atrial)
        + len(stored.rhythm.premature_ventricular),
        "paper_opened_on_a_minute_s": round(open_s, 3),
        "paper_open_longest_step_s": round(first_step, 3),
        "page_s_median": round(sorted(pages)[len(pages) // 2], 3),
        "page_s_max": round(max(pages), 3),
        "page_longest_step_s_max": round(max(steps), 3),
        "full_disclosure_capped_s": round(capped_s, 1),
        "full_disclosure_capped_pages": capped_pages,
        "full_disclosure_capped_mb": round(capped_bytes / 1e6, 1),
        "peak_rss_mb": peak_rss_mb(),
    }
    if args.all:
        all_s, all_pages, all_bytes = disclosure(recording, analysis, True)
        result |= {
            "full_disclosure_all_s": round(all_s, 1),
            "full_disclosure_all_pages": all_pages,
            "full_disclosure_all_mb": round(all_bytes / 1e6, 1),
        }
    emit(result, args.out)
    for widget in (trend, paper):
        widget.close()
        widget.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
