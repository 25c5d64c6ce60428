"""Vitals sessions in the vault, and a patient's trends across all of their sessions.

No Qt: the CLI, the GUI's workers and the tests run these. A vitals session holds one analysis
of kind "vitals": the assessment JSON (NEWS2 per observation set, the risk with the model's
name, version and sha256, its drivers, changes) and the measurements as arrays, so the trend
view redraws from the vault without re-reading any file. The session's modality is
``vitals``; vaults written before that modality existed hold vitals sessions as ``other``,
recognised by their analysis kind (``is_vitals_session``). Everything is computed before
anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from workstation.app.progress import Progress
from workstation.errors import NotInVault
from workstation.recording import Modality
from workstation.vault import Analysis, ModelInfo, Patient, Vault
from workstation.vault.kinds import AnalysisKind
from workstation.vitals.assessment import VitalsAssessment, assess
from workstation.vitals.charting import MAPPING_NOTE, inputs_from, news2_series
from workstation.vitals.news2 import Band, News2Inputs, News2Score, news2
from workstation.vitals.observations import (
    PARAMETERS,
    Vitals,
    VitalSeries,
    parse_vitals,
    read_vitals,
)
from workstation.vitals.risk import DISCLAIMER, RiskModel, format_probability
from workstation.vitals.trends import TrendChange, detect_changes

__all__ = [
    "DISCLAIMER",
    "MAPPING_NOTE",
    "PARAMETERS",
    "Band",
    "News2Inputs",
    "News2Score",
    "PatientTrends",
    "SavedVitals",
    "TrendChange",
    "VitalSeries",
    "VitalsAssessment",
    "format_probability",
    "import_vitals_file",
    "inputs_from",
    "is_vitals_session",
    "news2",
    "open_vitals_session",
    "read_vitals",
    "patient_trends",
    "save_manual_observation",
    "save_vitals_session",
]

#: Series across sessions searched for changes (heart rate from every modality included).
TREND_SERIES = ("HR", "RespRate", "SysABP", "NISysABP", "Temp", "SaO2", "NEWS2", "HRV_RMSSD")


@dataclass(frozen=True)
class SavedVitals:
    """A stored vitals session as the trend view shows it; nothing in it is recomputed."""

    session_id: int
    analysis_id: int
    results: dict[str, Any]
    vitals: Vitals


def _stored(assessment: VitalsAssessment, start: datetime) -> dict[str, Any]:
    return {
        **assessment.to_json(),
        **assessment.vitals.to_json(),
        "parameters": assessment.vitals.parameters(),
        "start": start.astimezone(UTC).isoformat(),
    }


def save_vitals_session(
    vault: Vault,
    patient_id: int,
    vitals: Vitals,
    progress: Progress,
    start: datetime | None = None,
    model: RiskModel | None = None,
) -> SavedVitals:
    """Assess a stay (NEWS2, risk, drivers) and store it as a new vitals session.

    ``start`` is the wall-clock time of the record's hour 0 (default: now), which places the
    record on the patient's trend beside their other sessions.
    """
    progress.step(10, "Loading the risk model…")
    model = model or RiskModel.load()
    progress.step(30, "Scoring NEWS2 and the risk…")
    assessment = assess(vitals, model)
    results = _stored(assessment, start or datetime.now(UTC))
    models = () if assessment.risk is None else (ModelInfo(**assessment.risk.model),)
    progress.step(70, "Saving the vitals session…")
    session_id = vault.create_session(patient_id, Modality.VITALS)
    analysis_id = vault.save_analysis(
        session_id, Analysis(AnalysisKind.VITALS, results, models, vitals.arrays())
    )
    return SavedVitals(session_id, analysis_id, results, vitals)


def import_vitals_file(
    vault: Vault, patient_id: int, path: str | Path, progress: Progress
) -> SavedVitals:
    """Read a Time,Parameter,Value CSV (checked value by value), assess it and store it."""
    progress.step(5, "Reading the observations…")
    return save_vitals_session(vault, patient_id, read_vitals(path), progress)


def save_manual_observation(
    vault: Vault, patient_id: int, values: dict[str, float], progress: Progress
) -> SavedVitals:
    """One observation set typed in by a clinician, through the same checks as a file."""
    rows = "".join(f"00:00,{name},{value}\n" for name, value in values.items())
    vitals = parse_vitals("Time,Parameter,Value\n" + rows, "manual entry")
    return save_vitals_session(vault, patient_id, vitals, progress)


def is_vitals_session(vault: Vault, session_id: int) -> bool:
    """A vitals session, including one stored as ``other`` before the modality existed."""
    modality = vault.get_session(session_id).modality
    if modality == Modality.VITALS:
        return True
    return modality == Modality.OTHER and any(
        a.kind == AnalysisKind.VITALS for a in vault.list_analyses(session_id)
    )


def open_vitals_session(vault: Vault, session_id: int) -> SavedVitals:
    ids = [a.id for a in vault.list_analyses(session_id) if a.kind == AnalysisKind.VITALS]
    if not ids:
        raise NotInVault(f"the vitals of session {session_id}")
    analysis = vault.load_analysis(ids[-1])
    results = dict(analysis.results)
    return SavedVitals(
        session_id, ids[-1], results, Vitals.from_stored(results, dict(analysis.arrays))
    )


@dataclass(frozen=True)
class PatientTrends:
    """A patient's series on one time axis: hours from ``origin`` (the earliest session).

    ``series`` holds the charted vitals of every vitals session, HR (and RMSSD) measured by
    ECG and video sessions, and NEWS2; ``risks`` each stored prediction with its model version.
    """

    patient: Patient
    origin: datetime | None
    series: dict[str, VitalSeries]
    bands: list[tuple[float, str]]
    risks: list[dict[str, Any]]
    changes: list[TrendChange]
    sources: dict[str, list[int]] = field(default_factory=dict)
    disclaimer: str = DISCLAIMER


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def _measured_hr(kind: str, results: dict[str, Any]) -> dict[str, float | None]:
    """Heart rate and RMSSD an ECG or video analysis stored (None where not measured)."""
    if kind == AnalysisKind.ECG:
        rr = results.get("rr") or {}
        return {"HR": results.get("heart_rate_bpm"), "HRV_RMSSD": rr.get("rmssd_ms")}
    hrv = results.get("hrv") or {}
    return {"HR": results.get("heart_rate_bpm"), "HRV_RMSSD": hrv.get("rmssd_ms")}


def patient_trends(vault: Vault, patient_id: int, progress: Progress) -> PatientTrends:
    """Every session's vitals and measured heart rate, on one axis, with changes flagged."""
    progress.step(10, "Collecting the patient's sessions…")
    patient = vault.get_patient(patient_id)
    points: dict[str, list[tuple[datetime, float]]] = {}
    bands: list[tuple[datetime, str]] = []
    risks: list[tuple[datetime, dict[str, Any]]] = []
    sources: dict[str, list[int]] = {}
    for session in vault.list_sessions(patient_id):
        progress.check()
        for info in vault.list_analyses(session.id):
            if info.kind not in (AnalysisKind.VITALS, AnalysisKind.ECG, AnalysisKind.VIDEO):
                continue
            analysis = vault.load_analysis(info.id)
            results = dict(analysis.results)
            sources.setdefault(str(info.kind), []).append(session.id)
            if info.kind != AnalysisKind.VITALS:
                when = _parse(session.created_at)
                for name, value in _measured_hr(info.kind, results).items():
                    if value is not None:
                        points.setdefault(name, []).append((when, float(value)))
                continue
            vitals = Vitals.from_stored(results, dict(analysis.arrays))
            start = _parse(results["start"])
            for m in vitals.measurements:
                when = start + _hours(m.minutes / 60)
                points.setdefault(m.parameter, []).append((when, m.value))
            for c in news2_series(vitals):
                when = start + _hours(c.hours)
                points.setdefault("NEWS2", []).append((when, float(c.score.total)))
                bands.append((when, str(c.score.band) if c.score.complete else "incomplete"))
            if results.get("risk"):
                risk = results["risk"]
                risks.append(
                    (start + _hours(risk["at_hours"]), {**risk, "drivers": results.get("drivers")})
                )
    progress.step(70, "Looking for changes in the trends…")
    stamps = [t for pts in points.values() for t, _ in pts] + [t for t, _ in risks]
    origin = min(stamps) if stamps else None

    def hours(t: datetime) -> float:
        return (t - origin).total_seconds() / 3600.0 if origin else 0.0

    series = {}
    for name, pts in points.items():
        pts.sort(key=lambda p: p[0])
        unit = (
            "points"
            if name == "NEWS2"
            else "ms"
            if name == "HRV_RMSSD"
            else PARAMETERS.get(name, (0, 0, ""))[2]
        )
        series[name] = VitalSeries(
            name, unit, np.array([hours(t) for t, _ in pts]), np.array([v for _, v in pts])
        )
    changes = [
        c
        for name in TREND_SERIES
        if name in series
        for c in detect_changes(name, series[name].hours, series[name].values)
    ]
    return PatientTrends(
        patient,
        origin,
        series,
        sorted((hours(t), b) for t, b in bands),
        [{**r, "hours": hours(t)} for t, r in sorted(risks, key=lambda p: p[0])],
        sorted(changes, key=lambda c: c.hours),
        sources,
    )


def _hours(h: float) -> timedelta:
    return timedelta(hours=h)
