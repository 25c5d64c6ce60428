"""File › Print report… (Ctrl+P) prints the front session's report at its true scale.

The printer is a PDF file (QPrinter's PdfFormat), so what reached the "paper" can be
measured: its pages must have the report's size, and the ECG grid on them must still be
5 mm squares (25 mm/s stays 25 mm/s) at the same place as in the exported report.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import add_patient, first_run, wait_idle
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from workstation.reports.waveform import MAJOR_GRID_COLOR
from workstation.ui.shell.preferences import Preferences
from workstation.ui.shell.shortcuts import shortcut_rows

pytestmark = pytest.mark.shared_data
DPI = 200
MM_PER_INCH = 25.4


def _render(pdf: bytes) -> list[np.ndarray]:
    """Each page as an RGB array at DPI (pdftoppm, as the print path itself uses)."""
    out = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-"], input=pdf, capture_output=True, check=True
    ).stdout
    pages, at = [], 0
    while at < len(out):
        header = out[at : at + 64].split(maxsplit=4)
        width, height = int(header[1]), int(header[2])
        at += len(b" ".join(header[:4])) + 1
        pages.append(np.frombuffer(out, np.uint8, width * height * 3, at).reshape(height, -1, 3))
        at += width * height * 3
    return pages


def _major_grid_columns_mm(page: np.ndarray) -> np.ndarray:
    """x (mm from the paper's left edge) of the vertical major grid lines: columns where
    most pixels of the grid's height have the major grid colour."""
    target = np.array([MAJOR_GRID_COLOR.red, MAJOR_GRID_COLOR.green, MAJOR_GRID_COLOR.blue])
    close = np.abs(page.astype(float) / 255.0 - target).max(axis=2) < 0.12
    rows = close.sum(axis=1) > page.shape[1] * 0.2  # rows inside the grid (horizontal lines)
    band = close[np.flatnonzero(rows).min() : np.flatnonzero(rows).max() + 1]
    columns = np.flatnonzero(band.mean(axis=0) > 0.5)
    runs = np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1)
    return np.array([run.mean() for run in runs]) / DPI * MM_PER_INCH


def test_print_sends_the_report_at_true_scale(
    qtbot, app, vault_path, ludb_record, monkeypatch, tmp_path: Path, errors
):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: run 'make system-deps'")
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0022", "Franklin, Rosalind")
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=60000)
    wait_idle(qtbot, window)
    session_id = window.current_workspace().opened.session.id

    action = next(a for a in window.actions() if a.text() == "&Print report…")
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    assert ("File", "Print report…", action.shortcut().toString()) in shortcut_rows(window)

    printed = tmp_path / "printed.pdf"

    def choose_print_to_file(dialog: QPrintDialog) -> int:
        # QPrintDialog.exec is a modal dialog of the operating system's print system; the
        # user's choice (print to a PDF file) is made here instead of by clicking in it.
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", choose_print_to_file)
    action.trigger()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Report printed"))
    assert not errors

    (stored,) = window.vault.list_reports(session_id)  # the report Export would write
    original = _render(window.vault.load_report(stored.id))
    on_paper = _render(printed.read_bytes())
    assert len(on_paper) == len(original) == 2
    for paper, source in zip(on_paper, original, strict=True):
        assert abs(paper.shape[0] - source.shape[0]) <= 1  # same page size, to 1/200 inch
        assert abs(paper.shape[1] - source.shape[1]) <= 1
    printed_lines = _major_grid_columns_mm(on_paper[0])
    source_lines = _major_grid_columns_mm(original[0])
    assert len(printed_lines) == len(source_lines) == 53  # 260 mm of grid, 5 mm squares
    spacing = np.polyfit(np.arange(len(printed_lines)), printed_lines, 1)[0]
    assert spacing == pytest.approx(5.0, abs=0.01)  # 25 mm/s: 1 s = 5 squares on paper
    assert np.abs(printed_lines - source_lines).max() < 0.15  # in place, not shifted
    window.close()


def test_without_pdftoppm_printing_refuses_with_the_way_round(monkeypatch) -> None:
    from workstation.app.report_printing import render_pages
    from workstation.errors import PrintingUnavailable

    monkeypatch.setenv("PATH", "")  # a workstation without poppler-utils
    with pytest.raises(PrintingUnavailable, match="'pdftoppm' is not installed") as refused:
        render_pages(b"%PDF-1.4", 300)
    assert "Export report" in str(refused.value)
