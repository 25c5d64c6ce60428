"""Video-vitals sessions in the vault: saved from a run, reopened exactly as stored.

No Qt: these use cases run in the GUI's workers and in tests. A video session holds one analysis of
kind "video": the engine's results (``VideoVitals.to_json()`` plus the source's name) and the
derived arrays (mean skin colour per frame, frame times, pulse). The video frames are never
stored: the vault has no store for video files, and the traces are all the review needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workstation.app.progress import Progress
from workstation.app.video_runs import CaptureResult
from workstation.errors import NotInVault
from workstation.recording import Modality
from workstation.vault import Analysis, Patient, SessionSummary, Vault
from workstation.vault.kinds import AnalysisKind


@dataclass(frozen=True)
class SavedVideo:
    """A stored video session as the panel shows it; nothing in it is recomputed."""

    session: SessionSummary
    patient: Patient
    analysis_id: int
    results: dict[str, Any]
    arrays: dict[str, np.ndarray]


def stored_results(result: CaptureResult) -> dict[str, Any]:
    """What the vault keeps as the analysis' results: the engine's JSON and the source."""
    return {**result.vitals.to_json(), "source": result.source}


def save_video_session(
    vault: Vault, patient_id: int, result: CaptureResult, progress: Progress
) -> SavedVideo:
    """Store a run's results and derived traces as a new video session of the patient."""
    progress.step(20, "Creating the video session…")
    session_id = vault.create_session(patient_id, Modality.VIDEO)
    progress.step(50, "Saving the traces and results…")
    vault.save_analysis(
        session_id, Analysis(AnalysisKind.VIDEO, stored_results(result), (), result.arrays())
    )
    return open_video_session(vault, session_id, progress)


def open_video_session(vault: Vault, session_id: int, progress: Progress) -> SavedVideo:
    """A stored video session, read back from the vault (the engine does not run)."""
    progress.step(70, "Loading the video session…")
    session = vault.get_session(session_id)
    patient = vault.get_patient(session.patient_id)
    kinds = [a.id for a in vault.list_analyses(session_id) if a.kind == AnalysisKind.VIDEO]
    if not kinds:
        raise NotInVault(f"the video analysis of session {session_id}")
    analysis = vault.load_analysis(kinds[-1])
    return SavedVideo(session, patient, kinds[-1], dict(analysis.results), dict(analysis.arrays))
