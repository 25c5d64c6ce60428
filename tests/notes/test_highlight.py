"""Entity highlighting in the notes editor (offscreen Qt): colours, strike-through for
negated mentions, tooltips with the flags, and the preview in the ECG review panel."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat

from workstation.app.notes import extractor_ready
from workstation.ui.ecg.review_panel import EcgReviewPanel
from workstation.ui.notes_highlight import COLOURS, NEGATED_COLOUR, NotePreview, entity_tooltip


def formats_by_text(preview: NotePreview) -> dict[str, QTextCharFormat]:
    block = preview.document().firstBlock()
    text = block.text()
    ranges = block.layout().formats()
    return {text[r.start : r.start + r.length]: QTextCharFormat(r.format) for r in ranges}


def test_preview_colours_entities_and_strikes_out_negated_ones(qtbot):
    preview = NotePreview()
    qtbot.addWidget(preview)
    preview.setPlainText("Denies chest pain. History of MI, on aspirin.")
    qtbot.waitUntil(extractor_ready, timeout=60_000)
    qtbot.waitUntil(lambda: len(formats_by_text(preview)) == 3, timeout=5_000)
    formats = formats_by_text(preview)
    assert formats["chest pain"].fontStrikeOut()
    assert formats["chest pain"].foreground().color() == QColor(NEGATED_COLOUR)
    assert not formats["MI"].fontStrikeOut()
    assert formats["MI"].foreground().color() == QColor(COLOURS["CONDITION"])
    assert formats["MI"].underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine  # historical
    assert formats["aspirin"].foreground().color() == QColor(COLOURS["MEDICATION"])
    mi = preview.highlighter.entity_at(preview.toPlainText().index("MI") + 1)
    assert mi is not None and mi.concept == "myocardial infarction"
    tip = entity_tooltip(mi)
    assert "flags: historical" in tip and "because of: History of" in tip
    assert preview.highlighter.entity_at(0) is None  # "Denies" is a trigger, not an entity


def test_review_panel_preview_follows_the_notes_editor_and_the_saved_notes(qtbot):
    panel = EcgReviewPanel()
    qtbot.addWidget(panel)
    for _ in panel.building_steps():
        pass
    panel.note_edit.setText("Palpitations, no syncope")
    assert panel.note_preview.toPlainText() == "Palpitations, no syncope"
    panel.notes.addItems(["carol, 09:00: Mother had afib"])
    panel.notes.setCurrentRow(0)
    assert panel.note_preview.toPlainText() == "carol, 09:00: Mother had afib"
