"""What the ECG report says, as text: patient header, measurements, statements, score, models.

Everything is taken from the analysis as the vault stores it (``EcgAnalysis.to_json()``), so
a report printed today from a stored analysis and one printed at analysis time say the same.
The report adds only what the clinician did since: which statements they confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workstation.channels import ECG_LEAD_LABELS
from workstation.ecg.score_calibration import score_sentence

DISCLAIMER = "AI-assisted measurements; for review by a qualified clinician, not a diagnosis"
NOT_MEASURED = "not measured"
TOP_FEATURES = 5

FEATURE_NAMES = {
    "heart_rate_bpm": "heart rate",
    "rr_cv": "RR variability",
    "p_wave_fraction": "beats with P wave",
    "pr_ms": "PR interval",
    "qrs_ms": "QRS duration",
    "qt_ms": "QT interval",
    "qtc_bazett_ms": "QTc (Bazett)",
    "p_axis_deg": "P axis",
    "qrs_axis_deg": "QRS axis",
    "t_axis_deg": "T axis",
    "qrs_t_angle_deg": "QRS-T angle",
    "sokolow_lyon_mv": "Sokolow-Lyon voltage",
    "cornell_mv": "Cornell voltage",
    "max_limb_qrs_mv": "largest limb-lead QRS",
    "v1_net_qrs_mv": "V1 net QRS",
    "min_t_limb_precordial_mv": "lowest T amplitude",
}


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
class StatementLine:
    text: str
    confirmation: Confirmation | None

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
        ("Axes P/QRS/T", f"{axis_text} °"),
    ]


def rhythm_details(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    rr = analysis.get("rr") or {}
    return [
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
    """Every statement of the analysis with the clinician's confirmation, if any."""
    by_key = {c.statement.casefold(): c for c in confirmations}
    lines = []
    for statement in analysis.get("statements") or []:
        text = str(statement.get("text", ""))
        code = str(statement.get("code", ""))
        lines.append(
            StatementLine(text, by_key.get(text.casefold()) or by_key.get(code.casefold()))
        )
    return lines


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


def st_rows(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Per-lead J point and ST at J+60/J+80 ms, in mm at 10 mm/mV and in µV, against the
    PR-segment baseline; one row saying why when they could not be measured."""
    st = analysis.get("st_segment")
    if not st:
        return []
    if st.get("not_measured"):
        return [("ST segment", f"not measured: {st['not_measured']}")]
    rows = []
    for lead, v in (st.get("leads") or {}).items():
        mm = " / ".join(_signed(v[k], 1) for k in ("j_mm", "st60_mm", "st80_mm"))
        uv = " / ".join(_signed(v[k], 0) for k in ("j_uv", "st60_uv", "st80_uv"))
        rows.append((f"ST {ECG_LEAD_LABELS.get(lead, lead)}", f"{mm} mm ({uv} µV)"))
    if rows:
        rows.insert(
            0, ("ST (J / J+60 / J+80)", f"at {st['gain_mm_per_mv']:g} mm/mV, vs PR segment")
        )
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

    Contributions are exact Shapley values against the training-median ECG
    (``abnormality.explanation``); without them the rows say so instead of guessing.
    """
    score = analysis.get("abnormality") or {}
    features = score.get("features") or {}
    explanation = score.get("explanation") or {}
    ranked = sorted(explanation.items(), key=lambda kv: abs(kv[1]), reverse=True)[:TOP_FEATURES]
    return [
        (
            FEATURE_NAMES.get(name, name),
            "missing" if features.get(name) is None else f"{features[name]:g}",
            f"{value:+.3f}",
        )
        for name, value in ranked
    ]


def model_rows(analysis: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (str(m.get("name", "")), str(m.get("version", "")), str(m.get("sha256", "")))
        for m in analysis.get("models") or []
    ]
