"""Serial ECG comparison: two stored ECGs of one patient, older against newer, as MUSE does.

A clinician reads a new ECG against the patient's previous one: what changed (rate,
intervals, axis, ST level per lead) and which statements are new or gone. The comparison
reads only what the vault stores (each session's latest ECG analysis, with the clinician's
edited statements), so it shows the same numbers as each ECG's own screen and report;
nothing is re-analysed. A measurement missing from either ECG (PR in atrial fibrillation,
ST levels in a file whose amplitudes were normalised) is said to be "not measured" in that
ECG instead of being given a difference. Which changes are flagged as clinically notable is
decided by one table, ``NOTABLE_RULES``, whose wording is printed beside every flag.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workstation.app.ecg_result import MODIFIED_QTC_LABEL, Intervals, StoredEcg
from workstation.app.ecg_traces import EcgTraces, ecg_traces
from workstation.app.progress import Progress
from workstation.app.reports import export_signed_report
from workstation.channels import ECG_LEAD_LABELS, lead_label
from workstation.ecg.measurements import WIDE_QRS_MS
from workstation.errors import WorkstationError
from workstation.recording import Modality, Recording
from workstation.reports.ecg_content import NOT_MEASURED
from workstation.reports.settings import ReportSettings
from workstation.vault import Patient, SessionSummary, Vault
from workstation.vault.kinds import AnalysisKind

REPORT_TITLE = "Serial ECG comparison"
#: Seconds of trace shown before the first QRS complex both ECGs are aligned on.
ALIGN_LEAD_IN_S = 0.4


class NotComparable(WorkstationError):
    """Two sessions cannot be compared as serial ECGs (other patient, no ECG, no analysis)."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(f"{problem} {advice}".strip())


class Direction(enum.Enum):
    """Which changes a rule counts: an increase only, or a change either way."""

    INCREASE = "increase"
    EITHER = "either"


@dataclass(frozen=True)
class Rule:
    """A change worth flagging: ``text`` is printed beside the flag so the reader sees why."""

    text: str
    threshold: float
    direction: Direction

    def applies(self, change: float) -> bool:
        if self.direction is Direction.INCREASE:
            return change >= self.threshold
        return abs(change) >= self.threshold


#: What counts as a clinically notable change between two ECGs of one patient. QTc: the
#: ICH E14 level of regulatory concern (+30 ms); QRS: +20 ms, a new conduction delay; axis: a
#: 30° frontal shift; ST: 1 mm at J+60 in any lead, the smallest level the Fourth Universal
#: Definition of MI (Thygesen 2018) writes its ST criteria in; rate: 20 bpm either way.
NOTABLE_RULES: dict[str, Rule] = {
    "heart_rate": Rule("heart rate changed by 20 bpm or more", 20.0, Direction.EITHER),
    "qrs": Rule("QRS widened by 20 ms or more", 20.0, Direction.INCREASE),
    "qtc": Rule("QTc lengthened by 30 ms or more", 30.0, Direction.INCREASE),
    "axis": Rule("frontal axis shifted by 30° or more", 30.0, Direction.EITHER),
    "st": Rule("ST level at J+60 changed by 1 mm or more", 1.0, Direction.EITHER),
    "statement": Rule("new abnormal statement", 0.0, Direction.EITHER),
}


@dataclass(frozen=True)
class Delta:
    """One measurement in both ECGs and its change (newer minus older)."""

    label: str
    unit: str
    older: float | None
    newer: float | None
    rule: Rule | None = None  # the rule this measurement is flagged by (None: never flagged)
    digits: int = 0
    circular: bool = False  # an axis: the change is taken the short way round the circle
    #: What each ECG says where it has no value: "not measured", unless the measurement does
    #: not apply to it (the modified QTc of a narrow QRS).
    older_absent: str = NOT_MEASURED
    newer_absent: str = NOT_MEASURED
    #: How far the change must clear the rule: the two ECGs' margins together where a value
    #: is uncertain (an ST level on a noisy lead), so noise is not flagged as change.
    margin: float = 0.0

    @property
    def change(self) -> float | None:
        if self.older is None or self.newer is None:
            return None
        change = self.newer - self.older
        return (change + 180.0) % 360.0 - 180.0 if self.circular else change

    @property
    def notable(self) -> bool:
        change = self.change
        if self.rule is None or change is None:
            return False
        beyond = round(max(abs(change) - self.margin, 0.0), 9)  # 1.6 - 0.6 is 1.0, not 0.99…
        return self.rule.applies(math.copysign(beyond, change))

    def value_text(self, value: float | None, absent: str = NOT_MEASURED) -> str:
        return absent if value is None else self._with_unit(f"{value:.{self.digits}f}")

    def _with_unit(self, number: str) -> str:
        return f"{number}{self.unit}" if self.unit == "°" else f"{number} {self.unit}"

    @property
    def older_text(self) -> str:
        return self.value_text(self.older, self.older_absent)

    @property
    def newer_text(self) -> str:
        return self.value_text(self.newer, self.newer_absent)

    @property
    def change_text(self) -> str:
        """'+32 ms', or which ECG the measurement is missing from instead of a difference."""
        change = self.change
        if change is not None:
            rounded = round(change, self.digits) + 0.0  # never '-0'
            return self._with_unit(f"{rounded:+.{self.digits}f}")
        if self.older is None and self.newer is None:
            return f"{NOT_MEASURED} in either ECG"
        if self.older is None:
            return f"{self.older_absent} in the older ECG"
        return f"{self.newer_absent} in the newer ECG"

    @property
    def flag_text(self) -> str:
        return self.rule.text if self.notable and self.rule is not None else ""


@dataclass(frozen=True)
class StatementChanges:
    """Statements by what happened to them: new in the newer ECG, gone from it, reworded
    (same finding, other text: e.g. other leads), or unchanged."""

    added: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, Any], ...]
    reworded: tuple[tuple[str, str], ...]  # (older text, newer text)
    unchanged: tuple[str, ...]

    @property
    def new_abnormal(self) -> tuple[str, ...]:
        return tuple(str(s.get("text", "")) for s in self.added if s.get("abnormal"))

    def rows(self) -> list[tuple[str, str]]:
        """(what happened, statement) in the order a reader wants them: news first."""
        return (
            [("Added", str(s.get("text", ""))) for s in self.added]
            + [("Removed", str(s.get("text", ""))) for s in self.removed]
            + [("Reworded", f"{old} → {new}") for old, new in self.reworded]
            + [("Unchanged", text) for text in self.unchanged]
        )


@dataclass(frozen=True)
class ComparedEcg:
    """One of the two ECGs: its session, when it was taken, its stored analysis, and where
    its trace starts on the shared paper so that both first QRS complexes line up."""

    session: SessionSummary
    recording_id: int
    result: StoredEcg
    when: str  # 'YYYY-MM-DD HH:MM'
    dated_by: str  # 'recorded' (the file's start time) or 'stored' (none in the file)
    first_qrs_s: float
    start_s: float = 0.0

    @property
    def label(self) -> str:
        """'ECG 12 · 1.hea · recorded 2025-03-14 09:26'."""
        return (
            f"ECG {self.session.id} · {self.session.source_name or 'no file name'} · "
            f"{self.dated_by} {self.when}"
        )


@dataclass(frozen=True)
class SerialComparison:
    """Two ECGs of one patient, older first, and every difference between them."""

    patient: Patient
    older: ComparedEcg
    newer: ComparedEcg
    measurements: tuple[Delta, ...]
    st: tuple[Delta, ...]
    st_not_measured: str | None  # why no ST level is compared (None when they are)
    statements: StatementChanges

    @property
    def notable(self) -> list[str]:
        """One line per flagged change, with the rule that flagged it."""
        lines = [
            f"{d.label} {d.change_text}: {d.flag_text}"
            for d in self.measurements + self.st
            if d.notable
        ]
        rule = NOTABLE_RULES["statement"].text
        lines += [f"{text}: {rule}" for text in self.statements.new_abnormal]
        return lines

    def measurement_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(measurement, older, newer, change, rule that flags it) as text."""
        return [_row(d) for d in self.measurements]

    def st_rows(self) -> list[tuple[str, str, str, str, str]]:
        return [_row(d) for d in self.st]


def _row(d: Delta) -> tuple[str, str, str, str, str]:
    return (d.label, d.older_text, d.newer_text, d.change_text, d.flag_text)


# Comparing two stored analyses ---------------------------------------------------------------


def compare(patient: Patient, older: ComparedEcg, newer: ComparedEcg) -> SerialComparison:
    """Every difference between two ECGs of ``patient`` (``older`` taken first)."""
    older, newer = aligned(older, newer)
    st, why = _st_deltas(older.result.stored, newer.result.stored)
    return SerialComparison(
        patient,
        older,
        newer,
        _measurement_deltas(older.result, newer.result),
        st,
        why,
        statement_changes(older.result.statements, newer.result.statements),
    )


def _modified_qtc_absent(intervals: Intervals) -> str:
    """Why an ECG has no modified QTc: its QRS is not wide (the measurement does not apply),
    or something it needs was not measured."""
    narrow = intervals.qrs_ms is not None and intervals.qrs_ms < WIDE_QRS_MS
    return f"not applicable (QRS < {WIDE_QRS_MS:g} ms)" if narrow else NOT_MEASURED


def _measurement_deltas(older: StoredEcg, newer: StoredEcg) -> tuple[Delta, ...]:
    rules = NOTABLE_RULES
    o, n = older.intervals, newer.intervals
    rows = [
        Delta("Heart rate", "bpm", older.heart_rate_bpm, newer.heart_rate_bpm, rules["heart_rate"]),
        Delta("PR", "ms", o.pr_ms, n.pr_ms),
        Delta("QRS", "ms", o.qrs_ms, n.qrs_ms, rules["qrs"]),
        Delta("QT", "ms", o.qt_ms, n.qt_ms),
        Delta("QTc Bazett", "ms", o.qtc_bazett_ms, n.qtc_bazett_ms, rules["qtc"]),
        Delta("QTc Fridericia", "ms", o.qtc_fridericia_ms, n.qtc_fridericia_ms, rules["qtc"]),
    ]
    if o.qtc_modified_ms is not None or n.qtc_modified_ms is not None:
        # Only where a QRS was wide: the QTc the QT statement was judged on there.
        rows.append(
            Delta(
                MODIFIED_QTC_LABEL,
                "ms",
                o.qtc_modified_ms,
                n.qtc_modified_ms,
                rules["qtc"],
                older_absent=_modified_qtc_absent(o),
                newer_absent=_modified_qtc_absent(n),
            )
        )
    for key, name in (("p", "P axis"), ("qrs", "QRS axis"), ("t", "T axis")):
        rows.append(
            Delta(
                name,
                "°",
                older.axis_deg.get(key),
                newer.axis_deg.get(key),
                rules["axis"],
                circular=True,
            )
        )
    return tuple(rows)


def _st_levels(
    stored: Mapping[str, Any], which: str
) -> tuple[dict[str, tuple[float | None, float]], str | None]:
    """Each lead's ST at J+60 in mm with its margin (mm, 0 unless the level is uncertain),
    or why this ECG has none."""
    st = stored.get("st_segment")
    if not st:
        return {}, f"{which} ECG: its stored analysis holds no ST measurement"
    if st.get("not_measured"):
        return {}, f"{which} ECG: {st['not_measured']}"
    return {
        lead: (v.get("st60_mm"), v.get("margin_mm") or 0.0)
        for lead, v in (st.get("leads") or {}).items()
    }, None


def _st_deltas(
    older: Mapping[str, Any], newer: Mapping[str, Any]
) -> tuple[tuple[Delta, ...], str | None]:
    a, why_a = _st_levels(older, "older")
    b, why_b = _st_levels(newer, "newer")
    if why_a and why_b and why_a.split(": ", 1)[-1] == why_b.split(": ", 1)[-1]:
        return (), f"both ECGs: {why_a.split(': ', 1)[-1]}"
    if why_a or why_b:
        return (), "; ".join(w for w in (why_a, why_b) if w)
    leads = [lead for lead in ECG_LEAD_LABELS if lead in a or lead in b]
    leads += sorted((a.keys() | b.keys()) - set(leads))
    rule = NOTABLE_RULES["st"]
    deltas = []
    for k in leads:
        (older_mm, older_margin), (newer_mm, newer_margin) = (x.get(k, (None, 0.0)) for x in (a, b))
        margin = older_margin + newer_margin
        label = f"ST {lead_label(k)}" + (" (noisy)" if margin else "")
        deltas.append(Delta(label, "mm", older_mm, newer_mm, rule, digits=1, margin=margin))
    return tuple(deltas), None


def _statement_key(statement: Mapping[str, Any]) -> str:
    """Engine statements are matched by code (their text carries numbers and leads); a
    clinician's own statements, which share one code, by their text."""
    code = str(statement.get("code") or "")
    if not code or code == "clinician":
        return f"text:{str(statement.get('text', '')).casefold()}"
    return f"code:{code}"


def statement_changes(
    older: tuple[dict[str, Any], ...], newer: tuple[dict[str, Any], ...]
) -> StatementChanges:
    before = {_statement_key(s): s for s in older}
    after = {_statement_key(s): s for s in newer}
    reworded, unchanged = [], []
    for key, s in after.items():
        if key in before:
            old_text, new_text = str(before[key].get("text", "")), str(s.get("text", ""))
            if old_text == new_text:
                unchanged.append(new_text)
            else:
                reworded.append((old_text, new_text))
    return StatementChanges(
        tuple(s for k, s in after.items() if k not in before),
        tuple(s for k, s in before.items() if k not in after),
        tuple(reworded),
        tuple(unchanged),
    )


def aligned(older: ComparedEcg, newer: ComparedEcg) -> tuple[ComparedEcg, ComparedEcg]:
    """Start each trace so both first QRS complexes fall ``ALIGN_LEAD_IN_S`` into the paper
    (or as far in as the earlier of them allows)."""
    lead_in = min(ALIGN_LEAD_IN_S, older.first_qrs_s, newer.first_qrs_s)
    return (
        _starting(older, older.first_qrs_s - lead_in),
        _starting(newer, newer.first_qrs_s - lead_in),
    )


def _starting(ecg: ComparedEcg, start_s: float) -> ComparedEcg:
    return replace(ecg, start_s=round(start_s, 4))


def first_qrs_s(result: StoredEcg) -> float:
    """Onset of the first whole QRS complex the analysis delineated (seconds of the recording):
    the first with ``ALIGN_LEAD_IN_S`` of trace before it, so its P wave is on the sheet too."""
    fs = result.sample_rate_hz
    onsets = [b["qrs_on"] / fs for b in result.stored.get("beats") or []] if fs else []
    whole = [t for t in onsets if t >= ALIGN_LEAD_IN_S]  # a complex cut by the start is no anchor
    return whole[0] if whole else (onsets[0] if onsets else 0.0)


# Reading from the vault ----------------------------------------------------------------------


def session_date(session: SessionSummary) -> tuple[datetime, str]:
    """When the ECG was taken (the file's start time) or, when the file does not say,
    when it was stored; and which of the two it is."""
    if session.recorded_at:
        return datetime.fromisoformat(session.recorded_at), "recorded"
    return datetime.fromisoformat(session.created_at), "stored"


def taken_order(session: SessionSummary) -> tuple[datetime, int]:
    """Sort key: when the ECG was taken, so an old ECG imported today still comes first."""
    when, _ = session_date(session)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)), session.id


def ecg_sessions(vault: Vault, patient_id: int) -> list[SessionSummary]:
    """The patient's ECG sessions, oldest first (by recording date, else storage date)."""
    listed = vault.list_sessions(patient_id)
    return sorted((s for s in listed if s.modality == Modality.ECG), key=taken_order)


def default_partner(vault: Vault, session_id: int) -> int:
    """The ECG to compare a session with: the patient's previous ECG, else the next one."""
    session = vault.get_session(session_id)
    others = [s for s in ecg_sessions(vault, session.patient_id) if s.id != session_id]
    if not others:
        raise NotComparable(
            f"{session.patient_name} ({session.patient_identifier}) has no other ECG session "
            "to compare with.",
            "Import the previous ECG of this patient first (File › Import recording…).",
        )
    key = taken_order(session)
    earlier = [s for s in others if taken_order(s) < key]
    return earlier[-1].id if earlier else others[0].id


def _compared_ecg(vault: Vault, session: SessionSummary) -> ComparedEcg:
    if session.modality != Modality.ECG:
        raise NotComparable(
            f"Session {session.id} is a {str(session.modality).upper()} session, not an ECG: "
            "only two ECGs can be compared."
        )
    analyses = [a for a in vault.list_analyses(session.id) if a.kind == AnalysisKind.ECG]
    if not analyses:
        raise NotComparable(
            f"ECG session {session.id} has no stored analysis to compare.",
            "Open the session once so that it is analysed, then compare again.",
        )
    analysis = vault.load_analysis(analyses[-1].id)
    result = StoredEcg.from_json(dict(analysis.results))
    if result.form != "resting":
        raise NotComparable(
            f"ECG session {session.id} is a rhythm recording (long, or fewer than 8 leads): "
            "serial comparison is of resting 12-lead ECGs.",
            "Compare its rhythm pages in the session itself.",
        )
    recording_id = analysis.recording_id or vault.list_recordings(session.id)[-1].id
    when, dated_by = session_date(session)
    return ComparedEcg(
        session,
        recording_id,
        result,
        when.strftime("%Y-%m-%d %H:%M"),
        dated_by,
        first_qrs_s(result),
    )


def load_comparison(vault: Vault, session_a: int, session_b: int) -> SerialComparison:
    """Compare two stored ECG sessions of one patient, in whichever order they are given."""
    if session_a == session_b:
        raise NotComparable(f"Session {session_a} cannot be compared with itself.")
    a, b = vault.get_session(session_a), vault.get_session(session_b)
    if a.patient_id != b.patient_id:
        raise NotComparable(
            f"Session {a.id} belongs to {a.patient_name} ({a.patient_identifier}) and session "
            f"{b.id} to {b.patient_name} ({b.patient_identifier}): serial comparison is of two "
            "ECGs of the same patient.",
        )
    older, newer = sorted((a, b), key=taken_order)
    return compare(
        vault.get_patient(a.patient_id), _compared_ecg(vault, older), _compared_ecg(vault, newer)
    )


@dataclass(frozen=True)
class SerialView:
    """What the comparison screen shows, prepared in a worker: the comparison, both sheets'
    traces, and the patient's other ECG sessions to choose from."""

    comparison: SerialComparison
    older_traces: EcgTraces
    newer_traces: EcgTraces
    choices: tuple[tuple[int, str], ...]  # (session id, label), oldest first
    front_session: int  # the session the comparison was asked from (never offered as a choice)


def load_serial_view(
    vault: Vault, front_session: int, other_session: int | None, progress: Progress
) -> SerialView:
    """The front session against ``other_session`` (None: the patient's previous ECG)."""
    progress.step(10, "Finding the patient's ECGs…")
    other = default_partner(vault, front_session) if other_session is None else other_session
    progress.step(30, "Loading both analyses…")
    comparison = load_comparison(vault, front_session, other)
    progress.step(60, "Loading both recordings…")
    traces = [
        ecg_traces(vault.load_recording(e.recording_id), e.result, None)
        for e in (comparison.older, comparison.newer)
    ]
    choices = tuple(
        (s.id, _choice_label(s))
        for s in ecg_sessions(vault, comparison.patient.id)
        if s.id != front_session
    )
    return SerialView(comparison, traces[0], traces[1], choices, front_session)


def _choice_label(session: SessionSummary) -> str:
    when, dated_by = session_date(session)
    name = session.source_name or "no file name"
    return f"ECG {session.id} · {name} · {dated_by} {when:%Y-%m-%d %H:%M}"


# The report ----------------------------------------------------------------------------------


def serial_report_pdf(
    vault: Vault, comparison: SerialComparison, settings: ReportSettings, now: datetime
) -> bytes:
    """The comparison's PDF, signed by the vault's user (both recordings read from the vault)."""
    from workstation.reports.ecg_content import PatientHeader, Signature
    from workstation.reports.ecg_inputs import age_on, sex_text
    from workstation.reports.ecg_serial_page import SerialPage, SerialSide, build_serial_report

    def side(ecg: ComparedEcg) -> SerialSide:
        recording: Recording = vault.load_recording(ecg.recording_id)
        return SerialSide(ecg.label, recording, ecg.start_s)

    older, newer = comparison.older, comparison.newer
    newer_side = side(newer)
    recorded_on = (newer_side.recording.start_time or now).date()
    patient, user = comparison.patient, vault.user
    page = SerialPage(
        patient=PatientHeader(
            patient.identifier,
            patient.name,
            sex_text(patient.sex),
            age_on(patient.birth_date, recorded_on),
        ),
        signature=Signature(user.username, str(user.role), True, now),
        older=side(older),
        newer=newer_side,
        measurements=comparison.measurement_rows(),
        st=comparison.st_rows(),
        st_not_measured=comparison.st_not_measured,
        statements=comparison.statements.rows(),
        notable=comparison.notable,
        rules=[rule.text for rule in NOTABLE_RULES.values()],
        settings=settings,
    )
    return build_serial_report(page)


def export_serial_report(
    vault: Vault,
    session_a: int,
    session_b: int,
    path: Path,
    progress: Progress,
    settings: ReportSettings | None = None,
) -> tuple[int, Path]:
    """Store the comparison's report with the newer session, export it (audited, like every
    report export) and sign it like a session report; (report id, file written)."""
    from workstation.reports import load_report_settings

    progress.step(10, "Comparing the two ECGs…")
    comparison = load_comparison(vault, session_a, session_b)
    progress.step(40, "Building the report…")
    pdf = serial_report_pdf(
        vault, comparison, settings or load_report_settings(), datetime.now(UTC)
    )
    report_id = vault.save_report(comparison.newer.session.id, REPORT_TITLE, pdf)
    return report_id, export_signed_report(vault, report_id, path, progress)
