"""Per-workstation preferences (not patient data): idle lock time, screen DPI, the ward's
report settings, and what the window remembers (its geometry, the ECG view toggles).

Display preferences live in QSettings, so they survive restarts and are readable before
anyone signs in. The screen's reported physical DPI is often wrong on projectors and some
monitors; the calibration field lets a user measure a 50 mm ruler on the screen and correct
it. The report settings (institution, paper, ST unit) are not kept here: they live in the
one file every report reads (``reports.toml``, through ``app.report_preferences``), so the
GUI and the ``report`` command print the same heading and the same ST unit. When
Preferences save them, ``report_settings_notifier`` tells open screens to redraw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from workstation.app.report_preferences import (
    Paper,
    ReportSettings,
    StUnits,
    load_report_settings,
    save_report_settings,
    settings_path,
)
from workstation.errors import WorkstationError
from workstation.ui.shell.lock import DEFAULT_IDLE_MINUTES
from workstation.vault.location import APP_NAME

ORGANISATION = APP_NAME  # QSettings live under the same folder name as the vault
IDLE_KEY = "lock/idle_minutes"
DPI_KEY = "display/dpi"
GEOMETRY_KEY, STATE_KEY = "window/geometry", "window/state"
TOGGLES_GROUP = "ecg_view"
#: The ECG workspace's view toggles that are remembered (calipers is a tool, not a view).
REMEMBERED_TOGGLES = ("masks_check", "fiducials_check", "attribution_check")


def settings() -> QSettings:
    return QSettings(ORGANISATION, "workstation")


class ReportSettingsNotifier(QObject):
    """Says when Preferences saved new report settings, so open screens that show what the
    report prints (the Measurements tab's ST unit) redraw without a reopen."""

    changed = Signal()


_NOTIFIER: list[ReportSettingsNotifier] = []


def report_settings_notifier() -> ReportSettingsNotifier:
    """The one notifier of this process (created on first use, on the GUI thread)."""
    if not _NOTIFIER:
        _NOTIFIER.append(ReportSettingsNotifier())
    return _NOTIFIER[0]


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
        stored = settings()
        dpi = stored.value(DPI_KEY)
        return cls(
            float(stored.value(IDLE_KEY, DEFAULT_IDLE_MINUTES)),
            None if dpi in (None, "", 0, "0") else float(dpi),
        )

    def save(self) -> None:
        stored = settings()
        stored.setValue(IDLE_KEY, self.idle_minutes)
        stored.setValue(DPI_KEY, self.dpi or 0)

    @property
    def idle_ms(self) -> int:
        return int(self.idle_minutes * 60_000)

    def dpi_for(self, screen: QScreen | None) -> float:
        return self.dpi or screen_dpi(screen)


class PreferencesDialog(QDialog):
    """Display preferences for everyone; the report settings, which apply to every report
    printed here, only for administrators (others see them read-only)."""

    def __init__(
        self,
        prefs: Preferences,
        screen: QScreen | None,
        parent: QWidget | None = None,
        report: ReportSettings | None = None,
        can_edit_report: bool = False,
    ):
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
        report = report or ReportSettings()
        self.institution = QLineEdit(report.institution)
        self.institution.setPlaceholderText("e.g. St. Example Hospital, Cardiology")
        self.paper = QComboBox()
        self.paper.addItems([p.value for p in Paper])
        self.paper.setCurrentText(Paper(report.paper).value)
        self.st_units = QComboBox()
        for units in StUnits:
            self.st_units.addItem(units.label, units)
        self.st_units.setCurrentIndex(self.st_units.findData(StUnits(report.st_units)))
        for field in (self.institution, self.paper, self.st_units):
            field.setEnabled(can_edit_report)
            if not can_edit_report:
                field.setToolTip(
                    "Set by an administrator: it applies to every report printed here."
                )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_section("This workstation"))
        form.addRow("Lock after idle", self.idle)
        form.addRow("Screen DPI", self.dpi)
        form.addRow(
            _hint(
                f"The screen reports {screen_dpi(screen):.1f} DPI. To calibrate, measure the "
                "5 mm squares of the ECG paper with a ruler: DPI = reported × 5 / measured mm."
            )
        )
        form.addRow(_section("Reports"))
        form.addRow("Institution", self.institution)
        form.addRow("Paper", self.paper)
        form.addRow("ST/amplitude units", self.st_units)
        form.addRow(
            _hint(
                "Printed in every report's heading, from the GUI and the 'report' command. "
                f"Stored in {settings_path()}. Traces are printed at 25 mm/s and 10 mm/mV "
                "(ECG) or a stated µV/mm (EEG). ST levels are given in the chosen unit in the "
                "report and on the Measurements tab."
            )
        )
        form.addRow(buttons)
        self.setMinimumWidth(520)

    def values(self) -> Preferences:
        dpi = self.dpi.value()
        return Preferences(float(self.idle.value()), dpi if dpi > 0 else None)

    def report_values(self, current: ReportSettings | None = None) -> ReportSettings:
        """The report settings as edited here (settings this dialog does not show are
        kept from ``current``)."""
        return replace(
            current or ReportSettings(),
            institution=self.institution.text().strip(),
            paper=Paper(self.paper.currentText()),
            st_units=StUnits(self.st_units.currentData()),
        )


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def ask_preferences(
    parent: QWidget, prefs: Preferences, screen: QScreen | None, is_admin: bool
) -> Preferences | None:
    """Show Preferences; on OK save them (and, for administrators, the report settings) and
    return the new display preferences. A broken report settings file is named, and saving
    here replaces it."""
    try:
        report = load_report_settings()
    except WorkstationError as error:
        QMessageBox.warning(parent, "Preferences", f"{error}\n\nSaving here replaces it.")
        report = ReportSettings()
    dialog = PreferencesDialog(prefs, screen, parent, report, is_admin)
    parent.preferences_dialog = dialog  # tests and screenshots find the open dialog
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    new = dialog.values()
    new.save()
    if is_admin and dialog.report_values(report) != report:
        save_report_settings(dialog.report_values(report))
        report_settings_notifier().changed.emit()
    return new


def restore_window(window: QMainWindow) -> None:
    """Put the window where and as large as it was when it was last closed."""
    stored = settings()
    geometry, state = stored.value(GEOMETRY_KEY), stored.value(STATE_KEY)
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)


def save_window(window: QMainWindow) -> None:
    stored = settings()
    stored.setValue(GEOMETRY_KEY, window.saveGeometry())
    stored.setValue(STATE_KEY, window.saveState())


def follow_view_toggles(workspace: QWidget) -> None:
    """Give a newly built ECG workspace the view toggles last chosen, and remember changes
    (a reviewer who hides the masks does not want them back on every session)."""
    stored = settings()
    for name in REMEMBERED_TOGGLES:
        box: QCheckBox = getattr(workspace, name)
        key = f"{TOGGLES_GROUP}/{name}"
        value = stored.value(key)
        if value is not None:
            box.setChecked(str(value).lower() in ("true", "1"))
        box.toggled.connect(lambda on, key=key: settings().setValue(key, on))
