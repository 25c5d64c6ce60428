"""A transparent, additive composite of the patient's own z-scores, NEWS2-like, and the
fixed recommendations that follow from it.

Why this shape: like NEWS2 (Royal College of Physicians 2017) every component is banded
into 0-3 points by a fixed table and the points are added, so a reader can redo the sum by
hand. Nothing is learnt or hidden: each component is listed with its value, baseline, z,
points and weight; a modality whose quality failed is excluded and named; without a
baseline no total is made. The recommendation text is read from resources/wellness/rules.tsv
(reviewable, never generated).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workstation.wellness.baseline import MIN_SESSIONS, NO_BASELINE, Baseline
from workstation.wellness.observation import DISCLAIMER, ModalityResult

RULES = Path(__file__).resolve().parents[3] / "resources" / "wellness" / "rules.tsv"

#: (key, label, weight). Equal weights, as NEWS2's parameters have; shown on every screen.
COMPONENTS: tuple[tuple[str, str, float], ...] = (
    ("face.negative_affect", "Negative expressions (experimental model)", 1.0),
    ("face.positive_affect", "Positive expressions (experimental model)", 1.0),
    ("voice.pitch_mean_hz", "Voice pitch", 1.0),
    ("voice.pitch_sd_semitones", "Pitch variability", 1.0),
    ("voice.loudness_dbfs", "Loudness", 1.0),
    ("voice.jitter_local_pct", "Jitter", 1.0),
    ("voice.speech_rate_syl_s", "Speech rate", 1.0),
    ("voice.pauses_per_min", "Pauses", 1.0),
    ("motion.activity_energy", "Activity", 1.0),
    ("motion.fidgeting_fraction", "Fidgeting", 1.0),
    ("motion.posture_changes_per_min", "Posture changes", 1.0),
)

#: |z| band → points: below 1 SD 0, 1-2 SD 1, 2-3 SD 2, 3 SD or more 3.
BANDS = ((1.0, 0), (2.0, 1), (3.0, 2), (math.inf, 3))


def points_for(z: float) -> int:
    return next(p for upper, p in BANDS if abs(z) < upper)


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    value: float | None
    unit: str
    baseline_mean: float | None
    baseline_sd: float | None
    z: float | None
    points: int | None
    weight: float
    status: str  # "scored", "no baseline", "excluded: <reason>", "not measured"

    @property
    def weighted(self) -> float:
        return 0.0 if self.points is None else self.points * self.weight


@dataclass(frozen=True)
class Recommendation:
    rule_id: str
    condition: str
    text: str


@dataclass(frozen=True)
class WellnessFusion:
    components: tuple[Component, ...]
    total: float | None
    excluded: dict[str, str]
    message: str
    recommendations: tuple[Recommendation, ...]
    baseline_sessions: int
    disclaimer: str = DISCLAIMER

    def to_json(self) -> dict[str, Any]:
        return {
            "components": [{**asdict(c), "weighted": c.weighted} for c in self.components],
            "total": self.total,
            "excluded": dict(self.excluded),
            "message": self.message,
            "recommendations": [asdict(r) for r in self.recommendations],
            "baseline_sessions": self.baseline_sessions,
            "bands": "|z| < 1: 0, 1-2: 1, 2-3: 2, >= 3: 3 points",
            "disclaimer": self.disclaimer,
        }


def session_features(results: dict[str, ModalityResult]) -> dict[str, float]:
    """The measurable features as ``modality.feature`` keys: what a baseline is made of."""
    return {
        f"{name}.{key}": value
        for name, result in results.items()
        if result.quality.measurable
        for key, value in result.features.items()
    }


def fuse(results: dict[str, ModalityResult], baseline: Baseline) -> WellnessFusion:
    """Every component with its evidence; the total only when a baseline exists."""
    excluded = {
        name: result.quality.reason
        for name, result in results.items()
        if not result.quality.measurable
    }
    has_baseline = baseline.sessions >= MIN_SESSIONS
    components = []
    for key, label, weight in COMPONENTS:
        modality, feature = key.split(".", 1)
        result = results.get(modality)
        unit = result.units.get(feature, "") if result else ""
        if result is None:
            components.append(
                Component(key, label, None, unit, None, None, None, None, weight, "not measured")
            )
            continue
        if modality in excluded:
            status = f"excluded: {excluded[modality]}"
            components.append(
                Component(key, label, None, unit, None, None, None, None, weight, status)
            )
            continue
        value = result.features.get(feature, math.nan)
        shown = value if math.isfinite(value) else None
        base = baseline.features.get(key)
        z = baseline.z(key, value) if has_baseline else None
        if shown is None:
            status = "not measured"
        elif z is None:
            status = "no baseline"
        else:
            status = "scored"
        components.append(
            Component(
                key,
                label,
                shown,
                unit,
                base.mean if base else None,
                base.sd if base else None,
                z,
                points_for(z) if z is not None else None,
                weight,
                status,
            )
        )
    scored = [c for c in components if c.status == "scored"]
    total = sum(c.weighted for c in scored) if has_baseline and scored else None
    if not has_baseline:
        message = f"{NO_BASELINE} ({baseline.sessions} earlier session(s), {MIN_SESSIONS} needed)"
    elif total is None:
        message = "no component could be scored against the baseline"
    else:
        message = (
            f"score {total:g} from {len(scored)} component(s) "
            f"against {baseline.sessions} earlier sessions"
        )
    rules = recommendations(total, excluded, {c.key: c.points for c in components}, has_baseline)
    return WellnessFusion(tuple(components), total, excluded, message, rules, baseline.sessions)


def load_rules(path: Path = RULES) -> list[Recommendation]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        rule_id, condition, text = line.split("\t", 2)
        rows.append(Recommendation(rule_id, condition, text))
    return rows


def _holds(
    condition: str,
    total: float | None,
    excluded: dict[str, str],
    points: dict[str, int | None],
    has_baseline: bool,
) -> bool:
    if condition == "always":
        return True
    if condition == "no_baseline":
        return not has_baseline
    if condition.startswith("excluded:"):
        return condition.split(":", 1)[1] in excluded
    if condition.startswith("total>="):
        return total is not None and total >= float(condition.split(">=", 1)[1])
    if condition.startswith("points:"):
        key, limit = condition[len("points:") :].split(">=")
        got = points.get(key)
        return got is not None and got >= int(limit)
    raise ValueError(f"unknown condition in {RULES.name}: {condition}")


def recommendations(
    total: float | None, excluded: dict[str, str], points: dict[str, int | None], has_baseline: bool
) -> tuple[Recommendation, ...]:
    return tuple(
        r for r in load_rules() if _holds(r.condition, total, excluded, points, has_baseline)
    )
