"""Open any stored session, whatever its modality, with nothing recomputed."""

from __future__ import annotations

from workstation.app.progress import Progress
from workstation.app.sessions import OpenedSession, open_session
from workstation.app.video_sessions import SavedVideo, open_video_session
from workstation.recording import Modality
from workstation.vault import Vault


def open_any_session(
    vault: Vault, session_id: int, progress: Progress
) -> OpenedSession | SavedVideo:
    """Open a session whatever its modality: video sessions hold no recording to load."""
    progress.step(5, "Opening the session…")
    if vault.get_session(session_id).modality == Modality.VIDEO:
        return open_video_session(vault, session_id, progress)
    return open_session(vault, session_id, progress)
