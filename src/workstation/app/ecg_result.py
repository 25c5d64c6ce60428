"""The stored ECG analysis as the application reads it: one typed shape, JSON only at the vault.

The vault keeps an ECG analysis as JSON (``EcgAnalysis.to_json`` plus the score's Shapley
values, the attribution's leads and rate, and the clinician's annotations). Everything the
workspace, the CLI and the review read goes through ``StoredEcg``: it is built once from the
stored JSON (``from_json``) and written back unchanged apart from what the clinician edited
(``to_json``), so no screen reads result dicts by string key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from workstation.ecg.measurements import MODIFIED_QTC_LABEL as MODIFIED_QTC_LABEL  # for the UI
from workstation.ecg.quality import left_out_text
from workstation.ecg.rhythm import shown_rhythm
from workstation.reports.ecg_content import MEASURED_STRETCH_LABEL as MEASURED_STRETCH_LABEL
from workstation.reports.ecg_content import measured_stretch_s, measured_stretch_text
from workstation.reports.settings import StUnits
from workstation.vault import ModelInfo

Spans = list[list[int]]


@dataclass(frozen=True)
class Intervals:
    """Global measurements in milliseconds (None where the engine could not measure)."""

    pr_ms: float | None
    qrs_ms: float | None
    qt_ms: float | None
    qtc_bazett_ms: float | None
    qtc_fridericia_ms: float | None
    #: Bazett QTc of the QT less half a wide QRS; None with a narrow QRS (and in results
    #: stored before it was measured).
    qtc_modified_ms: float | None = None


@dataclass(frozen=True)
class Score:
    """The abnormality score, its threshold and label, and each feature's contribution."""

    probability_abnormal: float
    threshold: float
    label: str
    explanation: dict[str, float] = field(default_factory=dict)

    @property
    def sentence(self) -> str:
        """'Abnormality score 0.95: above the screening threshold (0.40) — review this ECG':
        worded from the numbers, never 'normal' (``ecg.score_calibration``)."""
        from workstation.ecg.score_calibration import score_sentence

        return score_sentence(self.probability_abnormal, self.threshold)


@dataclass(frozen=True)
class StoredPause:
    """A pause as stored: samples at the rhythm's rate, its length, and the leads whose own
    beats go on through it (``ecg.pause_leads``; empty in analyses stored before)."""

    start: int
    end: int
    duration_s: float
    not_seen_in: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, pause: dict[str, Any]) -> StoredPause:
        seen = tuple(pause.get("not_seen_in") or ())
        return cls(int(pause["start"]), int(pause["end"]), float(pause["duration_s"]), seen)


@dataclass(frozen=True)
class StoredRhythm:
    """The rhythm analysis as stored: what a rhythm (Holter) view pages through. Indices
    are samples at the analysis' ``sample_rate_hz``."""

    af_episodes: tuple[tuple[float, float], ...]  # (start_s, end_s)
    pauses: tuple[StoredPause, ...]
    hr_trend_bpm: tuple[float | None, ...]  # one value per minute
    af_burden_pct: float
    pac_count: int
    pvc_count: int
    excluded_s: tuple[tuple[float, float], ...]  # not interpreted: poor signal quality
    sample_rate_hz: float = 0.0
    premature_atrial: tuple[int, ...] = ()  # beat samples
    premature_ventricular: tuple[int, ...] = ()
    #: The record was not interpretable and the engine withheld its findings: show "not
    #: interpretable", not zero counts (``ecg.rhythm.RhythmAnalysis.withheld``).
    findings_withheld: bool = False
    #: (start_s, end_s) with no QRS complex in any lead and no pause measured
    #: (``ecg.quiet_stretches``).
    quiet_s: tuple[tuple[float, float], ...] = ()

    @classmethod
    def from_json(cls, rhythm: dict[str, Any], quality: dict[str, Any] | None) -> StoredRhythm:
        rhythm = shown_rhythm(rhythm, quality)
        summary = rhythm.get("summary") or {}
        return cls(
            tuple((e["start_s"], e["end_s"]) for e in rhythm.get("af_episodes") or []),
            tuple(StoredPause.from_json(p) for p in rhythm.get("pauses") or []),
            tuple(summary.get("hr_trend_bpm") or ()),
            float(summary.get("af_burden_pct") or 0.0),
            int(summary.get("pac_count") or 0),
            int(summary.get("pvc_count") or 0),
            tuple((a, b) for a, b in (quality or {}).get("excluded_s") or []),
            float(rhythm.get("sample_rate_hz") or 0.0),
            tuple(rhythm.get("premature_atrial") or ()),
            tuple(rhythm.get("premature_ventricular") or ()),
            bool(rhythm.get("findings_withheld")),
            _quiet_seconds(rhythm),
        )


def _quiet_seconds(rhythm: dict[str, Any]) -> tuple[tuple[float, float], ...]:
    """The stored no-QRS stretches in seconds (none in analyses stored before them)."""
    fs = float(rhythm.get("sample_rate_hz") or 0.0)
    stretches = rhythm.get("quiet_stretches") or []
    return tuple((q["start"] / fs, q["end"] / fs) for q in stretches) if fs > 0 else ()


@dataclass(frozen=True)
class StoredEcg:
    """One stored ECG analysis, typed. ``stored`` is the JSON it was read from: writing it
    back changes only what the clinician can change (statements, annotations, reviewer)."""

    heart_rate_bpm: float | None
    intervals: Intervals
    axis_deg: dict[str, float | None]
    statements: tuple[dict[str, Any], ...]
    score: Score | None
    waves: dict[str, dict[str, Spans]]
    sample_rate_hz: float
    models: tuple[ModelInfo, ...]
    device: str
    attribution_leads: tuple[str, ...] = ()
    attribution_fs: float = 500.0
    clinician_annotations: tuple[dict[str, Any], ...] = ()
    reviewed_by: str | None = None
    #: 'resting' or 'rhythm' (long or few-lead recordings): the form to show and report.
    form: str = "resting"
    rhythm: StoredRhythm | None = None
    #: Leads the quality gate left out, each with why ("QRS detectors disagree (bSQI ...)").
    leads_unusable: dict[str, str] = field(default_factory=dict)
    stored: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def lead_notes(self) -> tuple[str, ...]:
        """What the reader must know about the leads (modified limb leads, channels left
        out for their label, a lead recorded twice): the analysis' warnings."""
        return tuple(str(w) for w in self.stored.get("warnings") or ())

    def left_out_text(self, label: Callable[[str], str]) -> str:
        """The leads left out grouped by reason, figures dropped ("III, aVL (reason)")."""
        return left_out_text(self.leads_unusable, label)

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> StoredEcg:
        score = stored.get("abnormality")
        return cls(
            heart_rate_bpm=stored.get("heart_rate_bpm"),
            intervals=Intervals(
                stored.get("pr_ms"),
                stored.get("qrs_ms"),
                stored.get("qt_ms"),
                stored.get("qtc_bazett_ms"),
                stored.get("qtc_fridericia_ms"),
                stored.get("qtc_modified_ms"),
            ),
            axis_deg=dict(stored.get("axis_deg") or {}),
            statements=tuple(dict(s) for s in stored.get("statements") or []),
            score=None
            if not score
            else Score(
                score["probability_abnormal"],
                score["threshold"],
                score["label"],
                dict(score.get("explanation") or {}),
            ),
            waves=stored.get("waves") or {},
            sample_rate_hz=float(stored.get("sample_rate_hz") or 0.0),
            models=tuple(ModelInfo(m["name"], m["version"], m["sha256"]) for m in stored["models"]),
            device=str(stored.get("device") or ""),
            attribution_leads=tuple(stored.get("attribution_leads") or ()),
            attribution_fs=float(stored.get("attribution_fs") or 500.0),
            clinician_annotations=tuple(dict(a) for a in stored.get("clinician_annotations") or []),
            reviewed_by=stored.get("reviewed_by"),
            form=str(stored.get("form") or "resting"),
            rhythm=StoredRhythm.from_json(stored["rhythm"], stored.get("quality"))
            if stored.get("rhythm")
            else None,
            leads_unusable={k: str(v) for k, v in (stored.get("leads_unusable") or {}).items()},
            stored=stored,
        )

    @property
    def measured_stretch_s(self) -> tuple[float, float] | None:
        """Where the intervals, axes and wave masks come from (seconds from the start), when
        not the whole record; the report names it the same way."""
        return measured_stretch_s(self.stored)

    @property
    def measured_stretch_text(self) -> str | None:
        """``measured_stretch_s`` as the report writes it ("00:02:10-00:02:20")."""
        return measured_stretch_text(self.stored)

    @property
    def is_rhythm_form(self) -> bool:
        """Whether this analysis is shown and reported as a rhythm (Holter) recording: the
        report's own rule (``is_rhythm_report``), so the app opens on the trend overview
        exactly when the PDF opens on the rhythm summary."""
        from workstation.reports.ecg_rhythm_pages import is_rhythm_report

        return self.rhythm is not None and is_rhythm_report(self.stored)

    def to_json(self) -> dict[str, Any]:
        """The stored form: as read, with the clinician's edits applied."""
        result = {
            **self.stored,
            "statements": [dict(s) for s in self.statements],
            "clinician_annotations": [dict(a) for a in self.clinician_annotations],
        }
        if self.reviewed_by is not None:
            result["reviewed_by"] = self.reviewed_by
        return result

    def reviewed(
        self,
        by: str,
        statements: list[dict[str, Any]] | None,
        annotations: list[dict[str, Any]] | None,
    ) -> StoredEcg:
        """A new version with the clinician's statements and annotations (None: unchanged)."""
        return replace(
            self,
            statements=self.statements if statements is None else tuple(statements),
            clinician_annotations=self.clinician_annotations
            if annotations is None
            else tuple(annotations),
            reviewed_by=by,
        )

    def st_rows(self, units: StUnits = StUnits.MM) -> list[tuple[str, str]]:
        """Per-lead J point and ST levels as the Measurements tab lists them (or why none),
        in the unit the ward's report settings chose."""
        from workstation.reports.ecg_content import st_rows

        return st_rows(self.stored, units)

    def model_line(self) -> str:
        """'CPU · ecg-segmentation 1.0.0, ecg-abnormality 1.0.0' for the status bar."""
        names = ", ".join(f"{m.name} {m.version}" for m in self.models)
        return f"{self.device.removesuffix('ExecutionProvider')} · {names}"
