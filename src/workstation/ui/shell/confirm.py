"""Asking before work is thrown away: the safe answer is the default.

Enter or Escape on a "discard unsaved changes?" question keeps the work; discarding takes a
deliberate click (a quick Enter once threw away a reviewed ECG).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from workstation.ui.shell.signin_dialog import PRODUCT


def confirm_discard(parent: QWidget, text: str, discard_text: str) -> bool:
    """True only when the user chose ``discard_text``; Enter and Escape keep the work."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, PRODUCT, text, QMessageBox.StandardButton.NoButton, parent
    )
    discard = box.addButton(discard_text, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    parent.discard_question = box  # tests find the open question
    box.exec()
    return box.clickedButton() is discard
