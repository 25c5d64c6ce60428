"""Help › About: what is running here, exactly: versions, the models and their hashes, where
the vault and settings are, and the disclaimer.

A support call or an incident review needs the exact program and model versions; the model
lines come from the same cards and hashes as Help › Models…, so "matches its card" here is
the check the registry makes before a model runs.
"""

from __future__ import annotations

from html import escape

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from workstation.app.governance import component_versions
from workstation.app.model_cards import shipped_models
from workstation.app.report_preferences import settings_path
from workstation.ui.shell.preferences import settings
from workstation.ui.shell.signin_dialog import DISCLAIMER, PRODUCT
from workstation.ui.shell.sizing import fit_to_screen
from workstation.vault import Vault


def about_html(vault: Vault) -> str:
    versions = [
        *component_versions(),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
    ]
    version_rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(value)}</td></tr>" for name, value in versions
    )
    model_rows = "".join(
        f"<tr><td>{escape(card.name)}</td><td>{escape(card.version)}</td>"
        f"<td><code>{escape(card.sha256)}</code></td>"
        f"<td style='color:{'#1b5e20' if card.file_matches else '#a3290b'}'>"
        f"{'matches its card' if card.file_matches else escape(card.status)}</td></tr>"
        for card in shipped_models()
    )
    return (
        f"<h2>{PRODUCT} {escape(component_versions()[0][1])}</h2>"
        "<p>Offline review of ECG, EEG and video vitals.</p>"
        f"<p><b>{escape(DISCLAIMER)}</b></p>"
        f"<h3>Components</h3><table cellspacing='4'>{version_rows}</table>"
        "<h3>Models</h3><table cellspacing='4'><tr><th align='left'>Model</th>"
        "<th align='left'>Version</th><th align='left'>sha256</th><th align='left'>File</th>"
        f"</tr>{model_rows}</table>"
        "<p>What each model does and how good it measured: Help › Models…</p>"
        f"<h3>Files</h3><p>Vault: {escape(str(vault.paths.database))}<br>"
        f"Preferences: {escape(settings().fileName())}<br>"
        f"Report settings: {escape(str(settings_path()))}</p>"
        "<h3>Licences</h3><p>The program is proprietary (see the licence of your installation). "
        "Third-party components keep their own licences, listed in each installed package's "
        "metadata; the training data's licence and citation are on each model card.</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {PRODUCT}")
        self.text = QTextBrowser()
        self.text.setHtml(about_html(vault))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 980, 640)


def show_about(window) -> AboutDialog:
    dialog = AboutDialog(window.vault, window)
    window.about_dialog = dialog
    dialog.show()
    return dialog
