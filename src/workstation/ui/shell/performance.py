"""Help › Performance: how fast the models run here, on which device, and what the cache saves.

The figures come from the vault's own timing rows through ``app.performance`` (read in a
job, so the window never waits on the vault); the dialog only draws them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.performance import PerformanceReport, performance_report
from workstation.app.progress import Progress
from workstation.ui.jobs import JobRunner
from workstation.vault import Vault


class PerformanceDialog(QDialog):
    """Latency per model set and device, the cache hit rate and recent batch jobs."""

    def __init__(self, report: PerformanceReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Performance")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.device_label = QLabel(
            f"Model runtime devices: {', '.join(report.providers)}. {report.gpu_note}"
        )
        self.device_label.setWordWrap(True)
        layout.addWidget(self.device_label)
        layout.addWidget(QLabel("<b>ECG analysis latency</b> (computed analyses only)"))
        self.latency_table = _table(
            ["Models", "Device", "Runs", "p50 (ms)", "p95 (ms)"],
            [
                [m.models, m.device, str(m.runs), f"{m.p50_ms:.0f}", f"{m.p95_ms:.0f}"]
                for m in report.latencies
            ],
        )
        layout.addWidget(self.latency_table)
        rate = report.cache_hit_rate
        self.cache_label = QLabel(
            f"Prediction cache: {report.cache_hits} of {report.analyses} analyses served from "
            f"the cache ({rate:.0%})."
            if rate is not None
            else "Prediction cache: no analysis recorded yet."
        )
        layout.addWidget(self.cache_label)
        layout.addWidget(QLabel("<b>Recent batch jobs</b>"))
        self.jobs_table = _table(
            [
                "Started (UTC)",
                "Engine",
                "Records",
                "Analysed",
                "Cached",
                "Refused",
                "Failed",
                "Records/s",
            ],
            [
                [
                    j.started,
                    j.engine,
                    str(j.records),
                    str(j.analysed),
                    str(j.cached),
                    str(j.refused),
                    str(j.failed),
                    f"{j.records_per_s:.2f}",
                ]
                for j in report.batch_jobs
            ],
        )
        layout.addWidget(self.jobs_table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    return table


def open_performance(window: QMainWindow, vault: Vault, jobs: JobRunner) -> None:
    """Read the figures in a job, then show the dialog (non-modal) over the window."""

    def show(report: PerformanceReport) -> None:
        dialog = PerformanceDialog(report, window)
        window.performance_dialog = dialog  # kept, so tests and a second click find it
        dialog.show()

    def read(_progress: Progress) -> PerformanceReport:
        return performance_report(vault)

    jobs.start(read, show, "Reading the performance records…", foreground=False)
