"""The small contract between the main window and the tabs that show sessions.

The main window does not probe its tabs (``hasattr``, ``isinstance`` per kind, attributes
stuck onto widgets); every session tab inherits ``Workspace`` and answers these questions.
"""

from __future__ import annotations

from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QLabel

from workstation.app.sessions import OpenedSession
from workstation.ui.shell.preferences import Preferences


class Workspace:
    """A tab that shows one session (or a session being made). Mixed into QWidget classes."""

    def session_id(self) -> int | None:
        """The stored session shown, or None while nothing is stored yet."""
        return None

    def has_unsaved_review(self) -> bool:
        """Whether closing would discard a clinician's unsaved review (asked before closing)."""
        return False

    def apply_preferences(self, prefs: Preferences, screen: QScreen) -> None:
        """Follow changed preferences (the ECG paper's screen calibration, for one)."""

    def close_workers(self) -> None:
        """Stop this tab's threads; called before the tab is destroyed."""


class NoViewer(QLabel, Workspace):
    """A stored session of a modality the app has no viewer for yet: says so, holds its id."""

    def __init__(self, opened: OpenedSession) -> None:
        super().__init__(f"{opened.recording.source_name}: no viewer for this modality yet.")
        self._session_id = opened.session.id

    def session_id(self) -> int | None:
        return self._session_id
