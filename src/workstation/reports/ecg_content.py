"""What the ECG report says, as text: patient header, measurements, statements, score, models.

Everything is taken from the analysis as the vault stores it (``EcgAnalysis.to_json()``), so
a report printed today from a stored analysis and one printed at analysis time say the same.
The report adds only what the clinicians did since, each under its author: which statements
they confirmed, the statements they wrote themselves (kept apart from the engine's), their
notes and annotations, and who signed the session off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workstation.channels import lead_label
from workstation.ecg.features import feature_display
from workstation.ecg.interpretation import clock
from workstation.ecg.measurements import MODIFIED_QTC_LABEL
from workstation.ecg.score_calibration import score_sentence
from workstation.reports.settings import StUnits

DISCLAIMER = "AI-assisted measurements; for review by a qualified clinician, not a diagnosis"
NOT_MEASURED = "not measured"
MEASURED_STRETCH_LABEL = "Measured on"
#: A measured stretch this close to the whole record is the whole record.
WHOLE_RECORD_SLACK_S = 0.5
NOT_SIGNED_OFF = "Not signed off"
#: The code of a statement a clinician typed or rewrote (it has no engine evidence).
CLINICIAN_CODE = "clinician"
AUTOMATED = "automated"
TOP_FEATURES = 5


@dataclass(frozen=True, slots=True)
class PatientHeader:
    """The patient as the page names them; ``age`` is already text ('51 years')."""

    identifier: str
    name: str
    sex: str
    age: str


@dataclass(frozen=True, slots=True)
class Signature:
    """Who generated the report and when; ``signed_in`` says the vault vouched for the name."""

    username: str
    role: str
    signed_in: bool
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A clinician's confirmation of one statement (matched by statement text or code)."""

    statement: str
    by: str
    at: str


@dataclass(frozen=True, slots=True)
class SignOffText:
    """Who signed the session off and when (already formatted); the session is REVIEWED."""

    by: str
    at: str
    status: str = "REVIEWED"
    #: The analysis was changed after the sign-off: what the report shows is not signed off.
    earlier_version: bool = False

    def sentence(self) -> str:
        signed = f"{self.status.upper()}: signed off by {self.by}, {self.at}"
        if self.earlier_version:
            return f"{signed}, on an earlier version; the changes since are NOT signed off"
        return signed


def sign_off_sentence(sign_off: SignOffText | None) -> str:
    """'REVIEWED: signed off by dr.ada, 2026-11-30 10:02 UTC', or 'Not signed off'."""
    return NOT_SIGNED_OFF if sign_off is None else sign_off.sentence()


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One statement with its confirmation; ``source`` is 'automated' (the engine's) or
    'clinician' (typed or rewritten by ``author``)."""

    text: str
    confirmation: Confirmation | None
    source: str = AUTOMATED
    author: str = ""

    @property
    def status(self) -> str:
        c = self.confirmation
        return "UNCONFIRMED" if c is None else f"Confirmed by {c.by}, {c.at}"


def format_time(when: datetime) -> str:
    """Minutes and the zone, as clinicians write times on a chart."""
    return when.strftime("%Y-%m-%d %H:%M %Z").strip()


def _value(value: Any, unit: str, digits: int = 0) -> str:
    if value is None:
        return NOT_MEASURED
    return f"{float(value):.{digits}f} {unit}".strip()


def headline_measurements(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The measurements a cart prints above the traces."""
    rr = analysis.get("rr") or {}
    axes = analysis.get("axis_deg") or {}
    axis_text = " / ".join(
        "—" if axes.get(k) is None else f"{axes[k]:.0f}" for k in ("p", "qrs", "t")
    )
    return [
        ("Heart rate", _value(analysis.get("heart_rate_bpm"), "bpm")),
        ("RR", f"{_value(rr.get('rr_mean_ms'), 'ms')} (SD {_value(rr.get('rr_sd_ms'), 'ms')})"),
        ("PR", _value(analysis.get("pr_ms"), "ms")),
        ("QRS", _value(analysis.get("qrs_ms"), "ms")),
        ("QT", _value(analysis.get("qt_ms"), "ms")),
        ("QTc Bazett", _value(analysis.get("qtc_bazett_ms"), "ms")),
        ("QTc Fridericia", _value(analysis.get("qtc_fridericia_ms"), "ms")),
        *(
            [(MODIFIED_QTC_LABEL, _value(analysis["qtc_modified_ms"], "ms"))]
            if analysis.get("qtc_modified_ms") is not None
            else []
        ),
        ("Axes P/QRS/T", f"{axis_text} °"),
    ]


def measured_stretch_s(analysis: Mapping[str, Any]) -> tuple[float, float] | None:
    """Where the intervals, axes and wave masks were measured, in seconds from the start,
    when that is not the whole record: a record longer than 10 s is measured on its
    cleanest 10 s stretch, which the reader must be able to find."""
    span, fs = analysis.get("measured_samples"), analysis.get("sample_rate_hz")
    duration = (analysis.get("quality") or {}).get("duration_s")
    if not span or not fs or duration is None:
        return None
    start, stop = span[0] / fs, span[1] / fs
    return None if stop - start >= duration - WHOLE_RECORD_SLACK_S else (start, stop)


def measured_stretch_text(analysis: Mapping[str, Any]) -> str | None:
    """``measured_stretch_s`` as clock times ("00:02:10-00:02:20"), None for the whole."""
    span = measured_stretch_s(analysis)
    return None if span is None else f"{clock(span[0])}-{clock(span[1])}"


def rhythm_details(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    rr = analysis.get("rr") or {}
    stretch = measured_stretch_text(analysis)
    return [
        *([(MEASURED_STRETCH_LABEL, stretch)] if stretch else []),
        ("Beats measured", str(rr.get("n_beats", NOT_MEASURED))),
        (
            "RR min / max",
            f"{_value(rr.get('rr_min_ms'), 'ms')} / {_value(rr.get('rr_max_ms'), 'ms')}",
        ),
        ("RMSSD", _value(rr.get("rmssd_ms"), "ms")),
    ]


def statement_lines(
    analysis: Mapping[str, Any], confirmations: Sequence[Confirmation]
) -> list[StatementLine]:
    """Every statement of the analysis with the clinician's confirmation, if any, and who
    wrote it (a clinician's statement names its author, else the reviewer of that version)."""
    by_key = {c.statement.casefold(): c for c in confirmations}
    reviewer = str(analysis.get("reviewed_by") or "")
    lines = []
    for statement in analysis.get("statements") or []:
        text = str(statement.get("text", ""))
        code = str(statement.get("code", ""))
        clinician = code == CLINICIAN_CODE
        lines.append(
            StatementLine(
                text,
                by_key.get(text.casefold()) or by_key.get(code.casefold()),
                CLINICIAN_CODE if clinician else AUTOMATED,
                str(statement.get("author") or reviewer) if clinician else "",
            )
        )
    return lines


def annotation_rows(analysis: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """The clinician's own annotations (time, lead, label, author), not the file's fiducials."""
    rows = []
    for a in sorted(analysis.get("clinician_annotations") or [], key=lambda a: a.get("onset", 0)):
        lead = str(a.get("lead") or "")
        rows.append(
            (
                f"{float(a.get('onset', 0.0)):.2f} s",
                lead_label(lead) or "all leads",
                str(a.get("label", "")),
                str(a.get("author", "")),
            )
        )
    return rows


def evidence_text(statement: Mapping[str, Any]) -> str:
    evidence = statement.get("evidence") or {}
    return ", ".join(f"{k} {v}" for k, v in evidence.items() if v is not None)


def unconfirmed_notice(lines: Sequence[StatementLine]) -> str | None:
    """The banner text when any statement awaits a clinician; None when all are confirmed."""
    waiting = sum(1 for line in lines if line.confirmation is None)
    if not waiting:
        return None
    return (
        f"UNCONFIRMED: {waiting} of {len(lines)} interpretation statement(s) have not been "
        "confirmed by a clinician. Review them before acting on this report."
    )


def score_summary(analysis: Mapping[str, Any]) -> str:
    score = analysis.get("abnormality")
    if not score:
        return "Abnormality score: not computed for this analysis"
    return score_sentence(score["probability_abnormal"], score["threshold"])


def _signed(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{round(value, digits) + 0.0:+.{digits}f}"  # no '-0.0'


#: The label of the row that gives the ST rows' unit and baseline.
ST_KEY_LABEL = "ST (J / J+60 / J+80)"


def _uncertainty(lead: Mapping[str, Any], units: StUnits) -> str:
    """', uncertain: ±x (noise)' in the row's unit for a lead whose ST varies so much from
    beat to beat that its levels could be off by a criterion step: the margin the ischaemia
    criteria ask of it."""
    if lead.get("margin_mm") is None:
        return ""
    size = f"{lead['margin_mm']:.1f} mm" if units is StUnits.MM else f"{lead['margin_uv']:.0f} µV"
    return f", uncertain: ±{size} (noise)"


def st_rows(analysis: Mapping[str, Any], units: StUnits = StUnits.MM) -> list[tuple[str, str]]:
    """Per-lead J point and ST at J+60/J+80 ms against the baseline they were measured from
    (the PR segment; the TP segment where there is no P wave), in mm at the
    report gain (10 mm/mV) or in µV as the ward chose (``ReportSettings.st_units``); one row
    saying why when they could not be measured."""
    st = analysis.get("st_segment")
    if not st:
        return []
    if st.get("not_measured"):
        return [("ST segment", f"not measured: {st['not_measured']}")]
    keys, digits, unit = (
        (("j_mm", "st60_mm", "st80_mm"), 1, "mm")
        if units is StUnits.MM
        else (("j_uv", "st60_uv", "st80_uv"), 0, "µV")
    )
    rows = [
        (
            f"ST {lead_label(lead)}",
            f"{' / '.join(_signed(v[k], digits) for k in keys)} {unit}{_uncertainty(v, units)}",
        )
        for lead, v in (st.get("leads") or {}).items()
    ]
    if rows:
        scale = f"mm at {st['gain_mm_per_mv']:g} mm/mV" if units is StUnits.MM else "µV"
        baselines = sorted({v.get("baseline") or "PR segment" for v in st["leads"].values()})
        rows.insert(0, (ST_KEY_LABEL, f"in {scale}, vs {' / '.join(baselines)}"))
    return rows


def _interval(values: Any) -> str:
    return f" (95% CI {values[0]:g}-{values[1]:g})" if isinstance(values, list) else ""


def card_summary(card: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The abnormality score's model card in a few lines: data, split, metrics with CIs,
    calibration, intended use and limits (the whole card is in Help > Models)."""
    data = card.get("training_data") or {}
    cv = (card.get("metrics") or {}).get("cross_validation") or {}
    nested = (card.get("metrics") or {}).get("nested_calibrated") or {}
    calibration = card.get("calibration") or {}
    curve = ", ".join(
        f"{b['predicted']:.2f}->{b['observed']:.2f}"
        for b in calibration.get("reliability_curve", [])
    )
    rows = [
        ("Model", f"{card.get('name', '')} {card.get('version', '')}"),
        ("Training data", f"{data.get('name', 'not stated')}; {data.get('split', '')}"),
        ("AUC", f"{cv.get('auc', 'not stated')}{_interval(cv.get('auc_ci95'))}"),
    ]
    if nested:
        rows += [
            (
                "At threshold",
                f"{card.get('threshold')}: sensitivity {nested['sensitivity_at_threshold']}"
                f"{_interval(nested.get('sensitivity_at_threshold_ci95'))}, specificity "
                f"{nested['specificity_at_threshold']}"
                f"{_interval(nested.get('specificity_at_threshold_ci95'))}",
            ),
            ("Brier score", f"{nested['brier']}{_interval(nested.get('brier_ci95'))}"),
        ]
    if curve:
        rows.append(("Reliability", f"predicted->observed: {curve}"))
    rows += [
        ("Threshold rule", str(card.get("threshold_rule", "not stated"))),
        ("Intended use", str(card.get("intended_use", "not stated"))),
        ("Limits", str(card.get("limitations", "not stated"))),
    ]
    return rows


def top_contributions(analysis: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(feature, its value, its contribution) for the features that moved the score most.

    Contributions are exact Shapley values against the stored reference ECG
    (``abnormality.explanation_reference``); without them the rows say so instead of guessing.
    """
    score = analysis.get("abnormality") or {}
    features = score.get("features") or {}
    explanation = score.get("explanation") or {}
    ranked = sorted(explanation.items(), key=lambda kv: abs(kv[1]), reverse=True)[:TOP_FEATURES]
    return [
        (
            feature_display(name).label,
            "not measured (median used)"
            if features.get(name) is None
            else feature_display(name).value_text(features[name]),
            f"{value:+.3f}",
        )
        for name, value in ranked
    ]


def model_rows(analysis: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (str(m.get("name", "")), str(m.get("version", "")), str(m.get("sha256", "")))
        for m in analysis.get("models") or []
    ]
