"""One observation set typed in at the bedside: the NEWS2 parameters, each optional.

The values go through the same plausibility checks as an imported file (``app.vitals``); the
live NEWS2 shown under the form is the same pure function the stored score uses.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from workstation.app.vitals import inputs_from, news2

#: (parameter as stored, label, minimum, maximum, decimals, typical)
FIELDS = (
    ("HR", "Pulse (/min)", 1, 300, 0, 80),
    ("RespRate", "Respiration rate (/min)", 1, 90, 0, 16),
    ("NISysABP", "Systolic BP, cuff (mmHg)", 20, 300, 0, 120),
    ("Temp", "Temperature (°C)", 25, 45, 1, 37.0),
    ("SaO2", "Oxygen saturation (%)", 20, 100, 0, 97),
    ("GCS", "GCS (15 = alert)", 3, 15, 0, 15),
    ("FiO2", "Inspired O2 fraction (0.21 = air)", 0.21, 1.0, 2, 0.21),
)


class ObservationDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enter observations")
        form = QFormLayout(self)
        self.boxes: dict[str, tuple[QCheckBox, QDoubleSpinBox]] = {}
        for name, label, lo, hi, decimals, typical in FIELDS:
            measured = QCheckBox(label)
            box = QDoubleSpinBox()
            box.setRange(lo, hi)
            box.setDecimals(decimals)
            box.setValue(typical)
            box.setEnabled(False)
            measured.toggled.connect(box.setEnabled)
            measured.toggled.connect(self._update)
            box.valueChanged.connect(self._update)
            form.addRow(measured, box)
            self.boxes[name] = (measured, box)
        self.score = QLabel()
        form.addRow(self.score)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._update()

    def values(self) -> dict[str, float]:
        return {n: box.value() for n, (check, box) in self.boxes.items() if check.isChecked()}

    def _update(self) -> None:
        self.score.setText(news2(inputs_from(self.values())).describe())
