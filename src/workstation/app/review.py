"""The clinician's review of one ECG session, as a Qt-free model the widgets follow.

Statements (edited, added, deleted), confirmations, annotations and notes live here, not in
table widgets: the review panel draws this model and calls its methods, and every change
notifies the listeners (napari's pattern of a plain model with events). What to save is read
from the model (``changes``), so saving does not depend on what a widget happens to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workstation.app.sessions import OpenedSession, ReviewChanges

CLINICIAN_CODE = "clinician"


def when(iso: str) -> str:
    """'2026-11-30 09:12' in local time, from a stored ISO time stamp."""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass
class EcgReview:
    """The review state of one opened session and what changed since it was opened."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    confirmed: dict[str, str] = field(default_factory=dict)  # text -> "author, time"
    annotations: list[dict[str, Any]] = field(default_factory=list)
    saved_notes: list[str] = field(default_factory=list)  # "author, time: text"
    pending_confirmations: list[str] = field(default_factory=list)
    pending_notes: list[str] = field(default_factory=list)
    statements_edited: bool = False
    annotations_edited: bool = False
    _listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, opened: OpenedSession) -> EcgReview:
        """The review as stored with the session."""
        result = opened.result
        return cls(
            statements=[dict(s) for s in result.statements] if result else [],
            confirmed={n.text: f"{n.author}, {when(n.created_at)}" for n in opened.confirmations},
            annotations=[dict(a) for a in result.clinician_annotations] if result else [],
            saved_notes=[f"{n.author}, {when(n.created_at)}: {n.text}" for n in opened.notes],
        )

    # Listening --------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every change."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # Statements -------------------------------------------------------------------------

    def status_of(self, text: str) -> str:
        if text in self.confirmed:
            return f"Confirmed by {self.confirmed[text]}"
        if text in self.pending_confirmations:
            return "Confirmed (saved with the session)"
        return "Not confirmed"

    def edit_statement(self, row: int, text: str) -> None:
        """The clinician rewrote a statement: it becomes the clinician's, without evidence."""
        text = text.strip()
        old = self.statements[row]
        if text == old.get("text"):
            return
        self.statements[row] = self._clinicians(text, bool(old.get("abnormal", True)))
        self.statements_edited = True
        self._changed()

    def add_statement(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        self.statements.append(self._clinicians(text, True))
        self.statements_edited = True
        self._changed()

    def delete_statements(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            del self.statements[row]
        if rows:
            self.statements_edited = True
            self._changed()

    def confirm_statements(self, rows: list[int]) -> None:
        for row in sorted(set(rows)):
            text = str(self.statements[row].get("text", ""))
            if text not in self.confirmed and text not in self.pending_confirmations:
                self.pending_confirmations.append(text)
        self._changed()

    @staticmethod
    def _clinicians(text: str, abnormal: bool) -> dict[str, Any]:
        return {"code": CLINICIAN_CODE, "text": text, "evidence": {}, "abnormal": abnormal}

    # Annotations and notes --------------------------------------------------------------

    def add_annotation(self, onset: float, label: str, author: str, lead: str = "") -> None:
        self.annotations.append(
            {"onset": round(onset, 3), "label": label, "author": author, "lead": lead}
        )
        self.annotations_edited = True
        self._changed()

    def add_note(self, text: str) -> None:
        text = text.strip()
        if text:
            self.pending_notes.append(text)
            self._changed()

    # Saving -----------------------------------------------------------------------------

    @property
    def has_changes(self) -> bool:
        return bool(
            self.statements_edited
            or self.pending_confirmations
            or self.annotations_edited
            or self.pending_notes
        )

    def changes(self) -> ReviewChanges:
        """What ``app.sessions.save_review`` stores."""
        return ReviewChanges(
            [dict(s) for s in self.statements] if self.statements_edited else None,
            [dict(a) for a in self.annotations] if self.annotations_edited else None,
            list(self.pending_confirmations),
            list(self.pending_notes),
        )
