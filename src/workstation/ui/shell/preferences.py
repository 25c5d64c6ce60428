"""Per-workstation display preferences (not patient data): idle lock time and screen DPI.

Stored with QSettings, so they survive restarts and are readable before anyone signs in.
The screen's reported physical DPI is often wrong on projectors and some monitors; the
calibration field lets a user measure a 50 mm ruler on the screen and correct it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from workstation.ui.shell.lock import DEFAULT_IDLE_MINUTES

ORGANISATION = "clinician-workstation"
IDLE_KEY = "lock/idle_minutes"
DPI_KEY = "display/dpi"


def screen_dpi(screen: QScreen | None) -> float:
    """Physical dots per inch in Qt's logical pixels (the unit widgets are laid out in)."""
    if screen is None:
        return 96.0
    return screen.physicalDotsPerInch() / screen.devicePixelRatio()


@dataclass
class Preferences:
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    dpi: float | None = None  # None: as the screen reports it

    @classmethod
    def load(cls) -> Preferences:
        settings = QSettings(ORGANISATION, "workstation")
        dpi = settings.value(DPI_KEY)
        return cls(
            float(settings.value(IDLE_KEY, DEFAULT_IDLE_MINUTES)),
            None if dpi in (None, "", 0, "0") else float(dpi),
        )

    def save(self) -> None:
        settings = QSettings(ORGANISATION, "workstation")
        settings.setValue(IDLE_KEY, self.idle_minutes)
        settings.setValue(DPI_KEY, self.dpi or 0)

    @property
    def idle_ms(self) -> int:
        return int(self.idle_minutes * 60_000)

    def dpi_for(self, screen: QScreen | None) -> float:
        return self.dpi or screen_dpi(screen)


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, screen: QScreen | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.idle = QSpinBox()
        self.idle.setRange(1, 120)
        self.idle.setSuffix(" min")
        self.idle.setValue(max(1, round(prefs.idle_minutes)))
        self.dpi = QDoubleSpinBox()
        self.dpi.setRange(0.0, 600.0)
        self.dpi.setDecimals(1)
        self.dpi.setSpecialValueText("as reported by the screen")
        self.dpi.setValue(prefs.dpi or 0.0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Lock after idle", self.idle)
        form.addRow("Screen DPI", self.dpi)
        form.addRow(
            QLabel(
                f"The screen reports {screen_dpi(screen):.1f} DPI. To calibrate, measure the "
                "5 mm squares of the ECG paper with a ruler: DPI = reported × 5 / measured mm."
            )
        )
        form.addRow(buttons)

    def values(self) -> Preferences:
        dpi = self.dpi.value()
        return Preferences(float(self.idle.value()), dpi if dpi > 0 else None)
