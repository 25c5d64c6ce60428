"""The video-vitals result in words, from the stored results dict (no Qt).

It reads the same JSON the vault keeps, so a fresh result and a reopened session are shown
by one code path. Words follow the engine: its status message verbatim, HRV's own reason
when there is not enough clean signal, and each wellness indicator with its caveat; the
methods and statuses are named as the report names them (``rppg.options``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from workstation.app.video_runs import METHOD_TITLES, STATUS_TITLES


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def heart_rate_line(results: dict[str, Any]) -> str:
    rate = results.get("heart_rate_bpm")
    windows = f"{results['measurable_windows']} of {results['windows']} windows measurable"
    if rate is None:
        return f"<b>Heart rate:</b> not reported ({windows})"
    return f"<b>Heart rate:</b> {rate:.1f} bpm (median of measurable windows; {windows})"


def hrv_line(hrv: dict[str, Any] | None) -> str:
    if hrv is None:
        return "<b>HRV:</b> not computed"
    if hrv["status"] != "ok":
        return f"<b>HRV:</b> {escape(hrv['message'])}"
    parts = [
        f"SDNN {_number(hrv['sdnn_ms'])} ms",
        f"RMSSD {_number(hrv['rmssd_ms'])} ms",
        f"pNN50 {_number(hrv['pnn50_pct'])} %",
        "LF/HF " + (_number(hrv["lf_hf"], 2) if hrv["lf_hf"] is not None else "— (needs ≥ 2 min)"),
    ]
    return f"<b>HRV</b> ({hrv['beats']} beats): " + " · ".join(parts)


def indicator_line(indicator: dict[str, Any]) -> str:
    low, high = indicator["reference"]
    unit = f" {indicator['unit']}" if indicator["unit"] else ""
    return (
        f"{escape(indicator['name'])} {indicator['value']:.1f}{unit}: "
        f"<b>{indicator['position']}</b> the reference range {low:g}–{high:g}{unit} "
        f"({escape(indicator['source'])})"
    )


def indicators_block(results: dict[str, Any]) -> str:
    items = results.get("indicators") or []
    if not items:
        return "<b>Wellness indicators:</b> none (no measured heart rate)"
    rows = "".join(f"<li>{indicator_line(i)}</li>" for i in items)
    note = escape(results.get("indicators_note", ""))
    return f"<b>Wellness indicators</b><ul style='margin:2px'>{rows}</ul><i>{note}</i>"


def capture_line(results: dict[str, Any]) -> str:
    method = METHOD_TITLES.get(results["method"], results["method"])
    source = escape(results.get("source", ""))
    excluded = results.get("channels_excluded") or {}
    channels = "".join(
        f" · {escape(name)} not used: {escape(why)}" for name, why in excluded.items()
    )
    return (
        f"{source} · {results['frames']} frames at {results['fps']:.1f} fps · "
        f"{results['dropped_frames']} dropped · {method} · region {escape(results['roi'])}"
        f"{channels}"
    )


def result_html(results: dict[str, Any]) -> str:
    """The whole result card as rich text for a QLabel."""
    title = STATUS_TITLES.get(results["status"], results["status"])
    colour = "#0b3d62" if results["status"] == "ok" else "#a3290b"
    return (
        f"<p style='margin:0'><b style='color:{colour}'>{escape(title)}.</b> "
        f"{escape(results['message'])}</p>"
        f"<p style='margin:4px 0'>{heart_rate_line(results)}</p>"
        f"<p style='margin:4px 0'>{hrv_line(results.get('hrv'))}</p>"
        f"{indicators_block(results)}"
        f"<p style='color:#55606b;margin-top:6px'>{capture_line(results)}</p>"
    )
