"""Entities highlighted in the notes editor: colour per kind, negated ones struck through and
grey, a tooltip with the flags and the phrase that set them.

The entities come from ``workstation.app.notes`` (the UI may not import the extractor
itself). The extractor's first use imports spaCy, which takes seconds, so it is prepared on
a daemon thread when the first highlighter is made and the text is highlighted once it is
ready; until then the text is shown plain. A daemon thread rather than a ``ui.jobs``
worker, because the warm-up outlives any one editor and must never hold up closing the app.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QLineEdit, QListWidget, QTextEdit, QToolTip, QWidget

from workstation.app.notes import Entity, extractor_ready, note_entities, prepare_extractor

COLOURS = {"SYMPTOM": "#b35c00", "CONDITION": "#1f5fbf", "MEDICATION": "#2e7d32"}
NEGATED_COLOUR = "#8a8a8a"

_warm_up_lock = threading.Lock()
_warm_up: threading.Thread | None = None


def _start_warm_up() -> None:
    global _warm_up
    with _warm_up_lock:
        if _warm_up is None and not extractor_ready():
            _warm_up = threading.Thread(
                target=prepare_extractor, name="notes-extractor", daemon=True
            )
            _warm_up.start()


def entity_format(entity: Entity) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(NEGATED_COLOUR if entity.negated else COLOURS[entity.label]))
    fmt.setFontWeight(QFont.Weight.DemiBold)
    fmt.setFontStrikeOut(entity.negated)
    if entity.flags and not entity.negated:  # historical, family, hypothetical, uncertain
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    return fmt


def entity_tooltip(entity: Entity) -> str:
    flags = ", ".join(entity.flags) or "affirmed (no negation or context found)"
    lines = [f"{entity.label.lower()}: {entity.concept}", f"flags: {flags}"]
    if entity.trigger:
        lines.append(f"because of: {entity.trigger}")
    lines.append("Found by rules: for clinical review, not diagnosis.")
    return "\n".join(lines)


class EntityHighlighter(QSyntaxHighlighter):
    """Highlights each block (paragraph) of a document with the entities found in it."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._by_block: dict[int, tuple[Entity, ...]] = {}
        _start_warm_up()
        if not extractor_ready():
            self._poll = QTimer(self)
            self._poll.setInterval(200)
            self._poll.timeout.connect(self._check_ready)
            self._poll.start()

    def _check_ready(self) -> None:
        if extractor_ready():
            self._poll.stop()
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        entities = note_entities(text).entities if text.strip() and extractor_ready() else ()
        self._by_block[block.position()] = entities
        for entity in entities:
            self.setFormat(entity.start, entity.end - entity.start, entity_format(entity))

    def entity_at(self, position: int) -> Entity | None:
        """The entity under a document position (what the tooltip describes)."""
        block = self.document().findBlock(position)
        offset = position - block.position()
        for entity in self._by_block.get(block.position(), ()):
            if entity.start <= offset < entity.end:
                return entity
        return None


class NotePreview(QTextEdit):
    """A read-only view of the note being typed, or of the saved note chosen in the list,
    with its entities highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notePreview")
        self.setReadOnly(True)
        self.setMaximumHeight(90)
        self.setPlaceholderText("Symptoms, conditions and medications in the note show here.")
        self.highlighter = EntityHighlighter(self.document())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            viewport_pos = self.viewport().mapFromGlobal(event.globalPos())
            entity = self.highlighter.entity_at(self.cursorForPosition(viewport_pos).position())
            if entity is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), entity_tooltip(entity), self)
            return True
        return super().event(event)


def note_preview(editor: QLineEdit, saved: QListWidget) -> NotePreview:
    """A preview that follows the notes editor as one types, and the list when a saved note
    is chosen."""
    preview = NotePreview()
    editor.textChanged.connect(preview.setPlainText)
    saved.currentTextChanged.connect(preview.setPlainText)
    return preview
