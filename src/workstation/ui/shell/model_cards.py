"""Help › Models…: what each shipped model does and how good it measured, from its card.

The cards are small files beside the models (read by ``app.model_cards``, which also hashes
each model file, a few hundred kilobytes), so this reads them directly. The ECG workspace
links here from the abnormality score ("Model card…"), so the score's evidence is one click
away from the number.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.app.model_cards import ModelCard, shipped_models
from workstation.ui.shell.signin_dialog import DISCLAIMER
from workstation.ui.shell.sizing import fit_to_screen

ABNORMALITY_MODEL = "ecg-abnormality"


def card_html(card: ModelCard) -> str:
    """The card as a page: purpose first, then evidence, then limits and identity."""
    colour = "#1b5e20" if card.file_matches else "#a3290b"
    data = "".join(
        f"<tr><td valign='top'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
        for k, v in card.training_data
    )
    metrics = (
        "".join(f"<li>{escape(line)}</li>" for line in card.metrics) or "<li>None stated.</li>"
    )
    calibration = "".join(f"<li>{escape(line)}</li>" for line in card.calibration)
    return (
        f"<h2>{escape(card.name)} <span style='font-weight:normal'>{escape(card.version)}</span>"
        f"</h2><p><b>{escape(DISCLAIMER)}</b><br>"
        f"<span style='color:{colour}; font-weight:600'>{escape(card.status)}</span></p>"
        f"<h3>Task</h3><p>{escape(card.task)}</p>"
        f"<h3>Intended use</h3><p>{escape(card.intended_use)}</p>"
        f"<h3>Training data</h3><table cellspacing='4'>{data}</table>"
        f"<h3>Metrics</h3><ul>{metrics}</ul>"
        f"<h3>Calibration</h3><ul>{calibration}</ul>"
        f"<h3>Limitations</h3><p>{escape(card.limitations)}</p>"
        f"<h3>Identity</h3><p>Version {escape(card.version)}, created {escape(card.created)}. "
        f"{escape(card.architecture)}<br>sha256 (card): <code>{escape(card.sha256)}</code>"
        f"<br><span style='color:{colour}; font-weight:600'>{escape(card.status)}</span></p>"
    )


class ModelCardsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, select: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.cards = shipped_models()
        banner = QLabel(
            f"<b>{DISCLAIMER}</b> These models assist a clinician's review; each card says what "
            "its model was trained and tested on and where it fails."
        )
        banner.setObjectName("disclaimer")
        banner.setWordWrap(True)
        self.list = QListWidget()
        for card in self.cards:
            mark = "" if card.file_matches else "  ⚠"
            item = QListWidgetItem(f"{card.name} {card.version}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, card.name)
            self.list.addItem(item)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.view)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 760])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(banner)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        names = [card.name for card in self.cards]
        self.list.setCurrentRow(names.index(select) if select in names else 0)
        fit_to_screen(self, 1040, 720)

    @Slot(int)
    def _show(self, row: int) -> None:
        if 0 <= row < len(self.cards):
            self.view.setHtml(card_html(self.cards[row]))

    def current_name(self) -> str:
        return self.cards[self.list.currentRow()].name


def open_model_cards(parent: QWidget, select: str | None = None) -> ModelCardsDialog:
    """Open the cards (non-modal) over ``parent``'s window, on ``select`` when given."""
    window = parent.window()
    dialog = ModelCardsDialog(window, select)
    window.model_cards_dialog = dialog
    dialog.show()
    return dialog


def model_card_link(name: str, parent: QWidget) -> QLabel:
    """A link that opens ``name``'s card, for a screen that shows that model's output."""
    link = QLabel("<a href='#'>Model card…</a> (what this score is and how good it measured)")
    link.setObjectName("hint")
    link.setToolTip(f"Open the card of the {name} model (Help › Models…)")
    link.linkActivated.connect(lambda _href: open_model_cards(parent, name))
    return link
