"""The slow steps behind the session screens, as plain functions for TaskWorker.

No Qt here: each function takes the vault and a ``Progress`` and returns plain data, so the
GUI thread only ever receives finished results. Import reads, analyses and explains a file
*before* anything is written, so a bad file or a failed analysis leaves the patient's
sessions exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workstation.ecg.analysis import analyze_ecg, select_leads
from workstation.ecg.explain import waveform_attribution
from workstation.ecg.preprocess import MODEL_FS, analysis_inputs
from workstation.ecg.segmentation import segmentation_model
from workstation.io import read_recording
from workstation.recording import Modality, Recording
from workstation.reports.ecg_inputs import explained_json
from workstation.reports.session_report import ECG_ANALYSIS_KIND
from workstation.ui.ecg_traces import EcgTraces, ecg_traces
from workstation.ui.workers import Progress
from workstation.vault import Analysis, ModelInfo, Note, NoteKind, Patient, SessionSummary, Vault

ATTRIBUTION = "attribution"


@dataclass
class OpenedSession:
    """A session as a workspace shows it: recording, stored analysis, confirmations, notes."""

    session: SessionSummary
    patient: Patient
    recording_id: int
    recording: Recording
    analysis_id: int | None = None
    results: dict[str, Any] = field(default_factory=dict)
    attribution: np.ndarray | None = None
    confirmations: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    traces: EcgTraces | None = None


@dataclass(frozen=True)
class ReviewChanges:
    """What the clinician changed in a workspace since it was opened or last saved."""

    statements: list[dict[str, Any]] | None  # the edited list, None when unchanged
    annotations: list[dict[str, Any]] | None  # the clinician's annotations, None when unchanged
    confirm: list[str]  # statement texts newly confirmed
    notes: list[str]  # new free-text notes


def ecg_explained(recording: Recording, progress: Progress) -> tuple[dict[str, Any], np.ndarray]:
    """The analysis as stored (measurements, statements, score with Shapley values) and the
    segmentation model's per-sample attribution (leads × samples at the model rate)."""
    progress.step(25, "Segmenting and measuring…")
    analysis = analyze_ecg(recording)
    progress.step(45, "Explaining the abnormality score…")
    results = explained_json(analysis)
    progress.step(60, "Computing waveform attribution…")
    names, raw = select_leads(recording)
    model_input, _ = analysis_inputs(raw, recording.fs)
    attribution = waveform_attribution(segmentation_model(), model_input)
    results["attribution_leads"] = names
    results["attribution_fs"] = MODEL_FS
    results["clinician_annotations"] = []
    return results, attribution.astype(np.float32)


def _models(results: dict[str, Any]) -> tuple[ModelInfo, ...]:
    return tuple(ModelInfo(m["name"], m["version"], m["sha256"]) for m in results["models"])


def import_recording(
    vault: Vault, patient_id: int, path: Path, progress: Progress
) -> OpenedSession:
    """Read, analyse (ECG) and store a file as a new session of the patient."""
    progress.step(5, f"Reading {path.name}…")
    recording = read_recording(path)
    results: dict[str, Any] = {}
    attribution = None
    if recording.modality == Modality.ECG:
        results, attribution = ecg_explained(recording, progress)
    progress.step(85, "Saving to the vault…")
    session_id = vault.save_session(patient_id, recording)
    recording_id = vault.list_recordings(session_id)[-1].id
    analysis_id = None
    if attribution is not None:
        analysis_id = vault.save_analysis(
            session_id,
            Analysis(
                ECG_ANALYSIS_KIND,
                results,
                _models(results),
                {ATTRIBUTION: attribution},
                recording_id,
            ),
        )
    opened = OpenedSession(
        vault.get_session(session_id),
        vault.get_patient(patient_id),
        recording_id,
        recording,
        analysis_id,
        results,
        attribution,
    )
    _prepare_traces(opened)
    return opened


def _prepare_traces(opened: OpenedSession) -> None:
    """Leads in millivolts for the paper view, so the GUI thread only draws."""
    if opened.recording.modality == Modality.ECG:
        opened.traces = ecg_traces(opened.recording, opened.results, opened.attribution)


def open_session(vault: Vault, session_id: int, progress: Progress) -> OpenedSession:
    """A stored session exactly as it was saved: nothing is re-analysed."""
    progress.step(10, "Opening the session…")
    session = vault.get_session(session_id)
    patient = vault.get_patient(session.patient_id)
    recording_id = vault.list_recordings(session_id)[-1].id
    progress.step(30, "Loading the recording…")
    recording = vault.load_recording(recording_id)
    opened = OpenedSession(session, patient, recording_id, recording)
    ecg = [a.id for a in vault.list_analyses(session_id) if a.kind == ECG_ANALYSIS_KIND]
    if ecg:
        progress.step(70, "Loading the analysis…")
        analysis = vault.load_analysis(ecg[-1])
        opened.analysis_id = ecg[-1]
        opened.results = dict(analysis.results)
        opened.attribution = analysis.arrays.get(ATTRIBUTION)
    _attach_notes(vault, opened, set(ecg))
    _prepare_traces(opened)
    return opened


def _attach_notes(vault: Vault, opened: OpenedSession, ecg_analyses: set[int]) -> None:
    """Confirmations of statements still in the shown analysis, and the free-text notes.

    A confirmation given to an earlier version of the analysis still counts for a statement
    whose text the clinician left unchanged: it keeps its own author and time.
    """
    stated = {s.get("text") for s in opened.results.get("statements") or []}
    notes = vault.list_notes(opened.session.id)
    opened.confirmations = [
        n
        for n in notes
        if n.kind == NoteKind.CONFIRMED_STATEMENT
        and (n.analysis_id is None or n.analysis_id in ecg_analyses)
        and n.text in stated
    ]
    opened.notes = [n for n in notes if n.kind == NoteKind.NOTE]


def save_review(
    vault: Vault, opened: OpenedSession, changes: ReviewChanges, progress: Progress
) -> OpenedSession:
    """Store the clinician's review; returns the session as it now is in the vault.

    Edited statements or annotations make a new version of the analysis (the engine's arrays
    and measurements unchanged, the statements as the clinician left them); new
    confirmations are recorded against the version saved.
    """
    progress.step(10, "Saving the review…")
    analysis_id = opened.analysis_id
    if analysis_id is not None and (
        changes.statements is not None or changes.annotations is not None
    ):
        analysis_id = _save_new_version(vault, opened, changes)
    for text in changes.confirm:
        vault.confirm_statement(opened.session.id, text, analysis_id)
    for text in changes.notes:
        vault.add_note(opened.session.id, text)
    progress.step(80, "Reloading the saved session…")
    return open_session(vault, opened.session.id, progress)


def _save_new_version(vault: Vault, opened: OpenedSession, changes: ReviewChanges) -> int:
    results = dict(opened.results)
    if changes.statements is not None:
        results["statements"] = changes.statements
    if changes.annotations is not None:
        results["clinician_annotations"] = changes.annotations
    results["reviewed_by"] = vault.user.username
    arrays = {} if opened.attribution is None else {ATTRIBUTION: opened.attribution}
    return vault.save_analysis(
        opened.session.id,
        Analysis(ECG_ANALYSIS_KIND, results, _models(results), arrays, opened.recording_id),
    )
