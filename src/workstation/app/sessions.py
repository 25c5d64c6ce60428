"""Recording sessions: import a file for a patient, open a stored session, save a review.

Each use case takes the vault and a ``Progress`` and returns an ``OpenedSession``, so the CLI
and a GUI worker run the same steps. Import reads, analyses and explains a
file *before* anything is written, so a bad file or a failed analysis leaves the patient's
sessions exactly as they were. ``store_ecg_analysis`` is the one writer of stored ECG
analyses (import, and a report on a session that has none yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workstation.app.ecg_result import StoredEcg
from workstation.app.ecg_traces import EcgTraces, ecg_traces
from workstation.app.eeg_review import StoredEeg, stored_eeg
from workstation.app.progress import Progress
from workstation.ecg.analysis import analyze_ecg, select_leads
from workstation.ecg.explain import waveform_attribution
from workstation.ecg.preprocess import MODEL_FS, analysis_inputs
from workstation.ecg.segmentation import segmentation_model
from workstation.errors import NothingToReport, NotInVault
from workstation.io import read_recording
from workstation.recording import Modality, Recording
from workstation.reports.ecg_inputs import explained_json
from workstation.vault import Analysis, Note, NoteKind, Patient, SessionSummary, Vault
from workstation.vault.kinds import ATTRIBUTION, AnalysisKind


@dataclass
class OpenedSession:
    """A session as a workspace shows it: recording, stored analysis, confirmations, notes."""

    session: SessionSummary
    patient: Patient
    recording_id: int
    recording: Recording
    analysis_id: int | None = None
    result: StoredEcg | None = None  # the stored ECG analysis (None for other modalities)
    attribution: np.ndarray | None = None
    confirmations: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    traces: EcgTraces | None = None
    eeg: StoredEeg | None = None  # the stored EEG review (None until one is stored)


@dataclass(frozen=True)
class ReviewChanges:
    """What the clinician changed in a workspace since it was opened or last saved."""

    statements: list[dict[str, Any]] | None  # the edited list, None when unchanged
    annotations: list[dict[str, Any]] | None  # the clinician's annotations, None when unchanged
    confirm: list[str]  # statement texts newly confirmed
    notes: list[str]  # new free-text notes


#: Waveform attribution (occlusion over every sample) is computed for resting ECGs only: over
#: a 24-hour Holter it would take hours, and the rhythm pages show no attribution strip.
ATTRIBUTION_MAX_S = 60.0


def ecg_explained(recording: Recording, progress: Progress) -> tuple[StoredEcg, np.ndarray | None]:
    """The analysis as stored (measurements, statements, score with Shapley values) and the
    segmentation model's per-sample attribution (leads × samples at the model rate; None for
    a recording longer than ATTRIBUTION_MAX_S)."""
    progress.step(25, "Segmenting and measuring…")
    analysis = analyze_ecg(recording)
    progress.step(45, "Explaining the abnormality score…")
    results = explained_json(analysis)
    results["clinician_annotations"] = []
    results["attribution_fs"] = MODEL_FS
    if recording.duration > ATTRIBUTION_MAX_S:
        results["attribution_leads"] = []
        return StoredEcg.from_json(results), None
    progress.step(60, "Computing waveform attribution…")
    names, raw = select_leads(recording)
    model_input, _ = analysis_inputs(raw, recording.fs)
    attribution = waveform_attribution(segmentation_model(), model_input)
    results["attribution_leads"] = names
    return StoredEcg.from_json(results), attribution.astype(np.float32)


def import_recording(
    vault: Vault, patient_id: int, path: Path, progress: Progress
) -> OpenedSession:
    """Read, analyse (ECG) and store a file as a new session of the patient."""
    progress.step(5, f"Reading {path.name}…")
    recording = read_recording(path)
    if recording.modality != Modality.ECG:
        progress.partial(recording)  # shown while it is stored (an EEG opens at once)
    result, attribution = None, None
    if recording.modality == Modality.ECG:
        from workstation.app.prediction_cache import cached_ecg_analysis  # it imports this module

        result, attribution = cached_ecg_analysis(vault, recording, progress).pair
    progress.step(85, "Saving to the vault…")
    session_id = vault.save_session(patient_id, recording)
    recording_id = vault.list_recordings(session_id)[-1].id
    analysis_id = None
    if result is not None:
        analysis_id = store_ecg_analysis(vault, session_id, recording_id, result, attribution)
    opened = OpenedSession(
        vault.get_session(session_id),
        vault.get_patient(patient_id),
        recording_id,
        recording,
        analysis_id=analysis_id,
        result=result,
        attribution=attribution,
    )
    _prepare_traces(opened)
    return opened


def store_ecg_analysis(
    vault: Vault,
    session_id: int,
    recording_id: int,
    result: StoredEcg,
    attribution: np.ndarray | None,
) -> int:
    """Store an ECG analysis of one recording (as ``ecg_explained`` made it); its id."""
    arrays = {} if attribution is None else {ATTRIBUTION: attribution}
    return vault.save_analysis(
        session_id,
        Analysis(AnalysisKind.ECG, result.to_json(), result.models, arrays, recording_id),
    )


def ensure_ecg_analysis(vault: Vault, session_id: int, progress: Progress) -> int:
    """The id of the session's latest ECG analysis, analysing its recording first when the
    session has none (a recording stored without analysis), in the same shape as an import."""
    stored = [a.id for a in vault.list_analyses(session_id) if a.kind == AnalysisKind.ECG]
    if stored:
        return stored[-1]
    ecg = [r for r in vault.list_recordings(session_id) if r.modality == Modality.ECG]
    if not ecg:
        raise NothingToReport(f"Session {session_id} holds no ECG recording to report on.")
    progress.step(10, "Loading the recording…")
    recording = vault.load_recording(ecg[-1].id)
    result, attribution = ecg_explained(recording, progress)
    return store_ecg_analysis(vault, session_id, ecg[-1].id, result, attribution)


def _prepare_traces(opened: OpenedSession) -> None:
    """Leads in millivolts for the paper view, so the GUI thread only draws."""
    if opened.recording.modality == Modality.ECG:
        opened.traces = ecg_traces(opened.recording, opened.result, opened.attribution)


def open_session(vault: Vault, session_id: int, progress: Progress) -> OpenedSession:
    """A stored session exactly as it was saved: nothing is re-analysed."""
    progress.step(10, "Opening the session…")
    session = vault.get_session(session_id)
    patient = vault.get_patient(session.patient_id)
    recordings = vault.list_recordings(session_id)
    if not recordings:
        raise NotInVault(f"recording stored with session {session_id}")
    recording_id = recordings[-1].id
    progress.step(30, "Loading the recording…")
    recording = vault.load_recording(recording_id)
    opened = OpenedSession(session, patient, recording_id, recording)
    analyses = vault.list_analyses(session_id)  # one audited listing serves every kind
    ecg = [a.id for a in analyses if a.kind == AnalysisKind.ECG]
    eeg = [a.id for a in analyses if a.kind == AnalysisKind.EEG]
    if ecg:
        progress.step(70, "Loading the analysis…")
        analysis = vault.load_analysis(ecg[-1])
        opened.analysis_id = ecg[-1]
        opened.result = StoredEcg.from_json(dict(analysis.results))
        opened.attribution = analysis.arrays.get(ATTRIBUTION)
    if eeg:
        opened.eeg = stored_eeg(vault, eeg[-1])
    _attach_notes(vault, opened, set(ecg))
    _prepare_traces(opened)
    return opened


def _attach_notes(vault: Vault, opened: OpenedSession, ecg_analyses: set[int]) -> None:
    """Confirmations of statements still in the shown analysis, and the free-text notes.

    A confirmation given to an earlier version of the analysis still counts for a statement
    whose text the clinician left unchanged: it keeps its own author and time.
    """
    statements = opened.result.statements if opened.result is not None else ()
    stated = {s.get("text") for s in statements}
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
    result = opened.result.reviewed(vault.user.username, changes.statements, changes.annotations)
    return store_ecg_analysis(
        vault, opened.session.id, opened.recording_id, result, opened.attribution
    )
