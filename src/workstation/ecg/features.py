"""The measurement vector the abnormality score is computed from.

Fixed order and names: the score model's card lists them, and SHAP values are reported per
name. Missing measurements are NaN here and imputed with the training medians stored in the
card, so a lead-off or an absent P wave never crashes the score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.channels import LIMB_LEADS
from workstation.ecg.measurements import Measurements

FEATURES: tuple[str, ...] = (
    "heart_rate_bpm",
    "rr_cv",
    "p_wave_fraction",
    "pr_ms",
    "qrs_ms",
    "qt_ms",
    "qtc_bazett_ms",
    "p_axis_deg",
    "qrs_axis_deg",
    "t_axis_deg",
    "qrs_t_angle_deg",
    "sokolow_lyon_mv",
    "cornell_mv",
    "max_limb_qrs_mv",
    "v1_net_qrs_mv",
    "min_t_limb_precordial_mv",
)


@dataclass(frozen=True, slots=True)
class FeatureDisplay:
    """How a clinician reads one feature: its name, its unit and the digits worth printing."""

    label: str
    unit: str
    digits: int

    def value_text(self, value: float | None) -> str:
        """'432 ms', '1.36 mV'; 'not measured' when the engine could not measure it."""
        if value is None:
            return "not measured"
        return f"{value:.{self.digits}f} {self.unit}".strip()


#: The one table of clinician words for FEATURES: the Explanations tab and the report use it.
FEATURE_DISPLAY: dict[str, FeatureDisplay] = {
    "heart_rate_bpm": FeatureDisplay("Heart rate", "bpm", 0),
    "rr_cv": FeatureDisplay("RR variability (SD / mean RR)", "", 3),
    "p_wave_fraction": FeatureDisplay("Beats with a P wave (fraction)", "", 2),
    "pr_ms": FeatureDisplay("PR interval", "ms", 0),
    "qrs_ms": FeatureDisplay("QRS duration", "ms", 0),
    "qt_ms": FeatureDisplay("QT interval", "ms", 0),
    "qtc_bazett_ms": FeatureDisplay("QTc (Bazett)", "ms", 0),
    "p_axis_deg": FeatureDisplay("P axis", "°", 0),
    "qrs_axis_deg": FeatureDisplay("QRS axis", "°", 0),
    "t_axis_deg": FeatureDisplay("T axis", "°", 0),
    "qrs_t_angle_deg": FeatureDisplay("QRS-T angle", "°", 0),
    "sokolow_lyon_mv": FeatureDisplay("Sokolow-Lyon voltage (S V1 + R V5/V6)", "mV", 2),
    "cornell_mv": FeatureDisplay("Cornell voltage (R aVL + S V3)", "mV", 2),
    "max_limb_qrs_mv": FeatureDisplay("Largest limb-lead QRS (R to S)", "mV", 2),
    "v1_net_qrs_mv": FeatureDisplay("V1 net QRS (R minus S depth)", "mV", 2),
    "min_t_limb_precordial_mv": FeatureDisplay("Lowest T wave (I, II, aVL, V4-V6)", "mV", 2),
}


def feature_display(name: str) -> FeatureDisplay:
    """The feature's clinician words; its raw name for a feature this version does not know
    (an analysis stored by a later model), so nothing is hidden."""
    return FEATURE_DISPLAY.get(name, FeatureDisplay(name, "", 3))


def _amp(m: Measurements, lead: str, attr: str) -> float:
    a = m.amplitudes.get(lead)
    value = None if a is None else getattr(a, attr)
    return np.nan if value is None else float(value)


def _angle(a: float | None, b: float | None) -> float:
    if a is None or b is None:
        return np.nan
    return float(abs((a - b + 180.0) % 360.0 - 180.0))


def feature_vector(m: Measurements) -> np.ndarray:
    """Float32 vector in FEATURES order; NaN where a measurement is missing."""
    r = m.rhythm
    cv = (r.rr_sd_ms / r.rr_mean_ms) if r.rr_sd_ms is not None and r.rr_mean_ms else None
    limb = [_amp(m, lead, "r_mv") - _amp(m, lead, "s_mv") for lead in LIMB_LEADS]
    t_values = [_amp(m, lead, "t_mv") for lead in ("i", "ii", "avl", "v4", "v5", "v6")]
    values = {
        "heart_rate_bpm": r.heart_rate_bpm,
        "rr_cv": cv,
        "p_wave_fraction": m.p_wave_fraction,
        "pr_ms": m.pr_ms,
        "qrs_ms": m.qrs_ms,
        "qt_ms": m.qt_ms,
        "qtc_bazett_ms": m.qtc_bazett_ms,
        "p_axis_deg": m.axis_deg.get("p"),
        "qrs_axis_deg": m.axis_deg.get("qrs"),
        "t_axis_deg": m.axis_deg.get("t"),
        "qrs_t_angle_deg": _angle(m.axis_deg.get("qrs"), m.axis_deg.get("t")),
        "sokolow_lyon_mv": -_amp(m, "v1", "s_mv")
        + max(_amp(m, "v5", "r_mv"), _amp(m, "v6", "r_mv")),
        "cornell_mv": _amp(m, "avl", "r_mv") - _amp(m, "v3", "s_mv"),
        "max_limb_qrs_mv": float(np.nanmax(limb)) if not np.all(np.isnan(limb)) else np.nan,
        "v1_net_qrs_mv": _amp(m, "v1", "qrs_net_mv"),
        "min_t_limb_precordial_mv": float(np.nanmin(t_values))
        if not np.all(np.isnan(t_values))
        else np.nan,
    }
    return np.asarray(
        [np.nan if values[f] is None else values[f] for f in FEATURES], dtype=np.float32
    )
