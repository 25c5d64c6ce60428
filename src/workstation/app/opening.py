"""Open any stored session, whatever its modality, with nothing recomputed."""

from __future__ import annotations

from workstation.app.progress import Progress
from workstation.app.sessions import OpenedSession, open_session
from workstation.app.video_sessions import SavedVideo, open_video_session
from workstation.app.vitals import PatientTrends, is_vitals_session, patient_trends
from workstation.recording import Modality
from workstation.vault import Vault


def open_any_session(
    vault: Vault, session_id: int, progress: Progress
) -> OpenedSession | SavedVideo | PatientTrends:
    """Open a session whatever its modality: video sessions hold no recording to load, and a
    vitals session opens as its patient's trends, where its observations are charted."""
    progress.step(5, "Opening the session…")
    session = vault.get_session(session_id)
    if session.modality == Modality.VIDEO:
        return open_video_session(vault, session_id, progress)
    if is_vitals_session(vault, session_id):
        return patient_trends(vault, session.patient_id, progress)
    return open_session(vault, session_id, progress)
