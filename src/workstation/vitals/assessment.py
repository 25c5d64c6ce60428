"""One stay's vitals assessed: NEWS2 per observation set, the risk with its drivers, changes.

The composition the CLI (``workstation analyze vitals``) and the app's import use case both
run, so both give the same numbers. The risk is refused (with the reason kept) when the stay
has too few core vital signs; NEWS2 is still given for every observation set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workstation.errors import VitalsNotAssessable
from workstation.vitals.charting import MAPPING_NOTE, ChartedNews2, news2_series, worst
from workstation.vitals.explain import Explanation, explain_risk
from workstation.vitals.observations import Vitals
from workstation.vitals.risk import DISCLAIMER, RiskModel, RiskPrediction, predict_risk
from workstation.vitals.trends import TrendChange, detect_changes

#: Series searched for changes within one record.
TREND_PARAMETERS = ("HR", "RespRate", "SysABP", "NISysABP", "Temp", "SaO2", "GCS", "MAP")


@dataclass(frozen=True)
class VitalsAssessment:
    vitals: Vitals
    news2: tuple[ChartedNews2, ...]
    risk: RiskPrediction | None
    risk_refusal: str | None
    explanation: Explanation | None
    changes: tuple[TrendChange, ...]

    @property
    def latest(self) -> ChartedNews2 | None:
        return self.news2[-1] if self.news2 else None

    @property
    def worst(self) -> ChartedNews2 | None:
        return worst(list(self.news2))

    def to_json(self) -> dict[str, Any]:
        def charted(c: ChartedNews2 | None) -> dict | None:
            return None if c is None else {"hours": round(c.hours, 3), **c.score.to_json()}

        return {
            "source": self.vitals.source_name,
            "observation_sets": len(self.vitals.observation_sets()),
            "parameters": self.vitals.parameters(),
            "reader_warnings": list(self.vitals.warnings),
            "refused_values": dict(self.vitals.refused),
            "unknown_parameters": dict(self.vitals.unknown),
            "news2": {
                "latest": charted(self.latest),
                "worst": charted(self.worst),
                "series": [
                    [round(c.hours, 3), c.score.total, c.score.complete] for c in self.news2
                ],
                "series_columns": ["hours", "total", "complete"],
                "mapping": MAPPING_NOTE,
            },
            "risk": None if self.risk is None else self.risk.to_json(),
            "risk_refusal": self.risk_refusal,
            "drivers": None if self.explanation is None else self.explanation.to_json(),
            "changes": [c.to_json() for c in self.changes],
            "note": DISCLAIMER,
        }


def record_changes(vitals: Vitals) -> list[TrendChange]:
    out = []
    for p in TREND_PARAMETERS:
        s = vitals.series(p)
        out += detect_changes(p, s.hours, s.values)
    return sorted(out, key=lambda c: c.hours)


def assess(vitals: Vitals, model: RiskModel | None) -> VitalsAssessment:
    """NEWS2 for every observation set; risk and drivers when ``model`` and the data allow."""
    risk = explanation = refusal = None
    if model is not None:
        try:
            risk = predict_risk(vitals, model)
            explanation = explain_risk(vitals, model, risk.at_hours)
        except VitalsNotAssessable as exc:
            refusal = str(exc)
    return VitalsAssessment(
        vitals,
        tuple(news2_series(vitals)),
        risk,
        refusal,
        explanation,
        tuple(record_changes(vitals)),
    )
