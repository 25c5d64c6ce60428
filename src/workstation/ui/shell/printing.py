"""File › Print…: the front session's report on paper, at the report's true scale.

What is printed is the PDF that Export writes, stored in the vault and read back
(``app.report_printing``), so paper and file never differ. Its pages are rendered at the
printer's resolution (capped, see ``MAX_DPI``) and painted onto the QPrinter at their
physical size from the paper's corner, never "fitted" to the printable area: a fitted ECG
would no longer be 25 mm/s and 10 mm/mV, and a clinician measuring intervals on paper with
a ruler would be misled. The printer is set to the report's paper and orientation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QObject, QRectF, QSizeF, Slot
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox

from workstation.app.progress import Progress
from workstation.app.report_printing import PageImage, render_pages, session_report_for_print
from workstation.ui.jobs import TaskWorker
from workstation.ui.workspace import Workspace

if TYPE_CHECKING:
    from workstation.ui.shell.main_window import MainWindow

PRINT_TITLE = "Print report"
RGB888 = QImage.Format.Format_RGB888


class ReportPrinting(QObject):
    """The Print action's flow: check the front tab, ask the print dialog, build and render
    the report in the background, paint the pages on the GUI thread."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        # Made on the first Print, never at start: a QPrinter asks the print system (CUPS,
        # a TCP socket to localhost:631) for its printers, and a session that prints nothing
        # opens no socket at all (tests/test_offline_syscalls.py).
        self.printer: QPrinter | None = None
        self.dialog: QPrintDialog | None = None  # tests find the open dialog

    @Slot()
    def start(self) -> TaskWorker | None:
        window = self._window
        tab = window.tabs.currentWidget()
        session_id = tab.session_id() if isinstance(tab, Workspace) else None
        if session_id is None:
            QMessageBox.information(
                window, PRINT_TITLE, "Open a session first: Print prints its report."
            )
            return None
        if tab.has_unsaved_review():
            QMessageBox.information(
                window,
                PRINT_TITLE,
                "Save the review first (Ctrl+S): the printed report shows what is stored.",
            )
            return None
        if self.printer is None:
            self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.dialog = QPrintDialog(self.printer, window)
        self.dialog.setWindowTitle(PRINT_TITLE)
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        vault, dpi = window.vault, self.printer.resolution()

        def prepare(progress: Progress) -> list[PageImage]:
            pdf = session_report_for_print(vault, session_id, progress)
            progress.step(70, "Rendering the pages for the printer…")
            return render_pages(pdf, dpi)

        return window._run(prepare, self._print, "Preparing the report for the printer…")

    @Slot(object)
    def _print(self, pages: list[PageImage]) -> None:
        chosen = selected_pages(self.printer, pages)
        problem = paint_pages(self.printer, chosen)
        if problem is not None:
            QMessageBox.warning(self._window, PRINT_TITLE, problem)
            return
        where = self.printer.outputFileName() or self.printer.printerName() or "the printer"
        self._window.statusBar().showMessage(f"Report printed: {len(chosen)} page(s) to {where}.")


def selected_pages(printer: QPrinter, pages: list[PageImage]) -> list[PageImage]:
    """The pages the print dialog's range asks for (all of them by default)."""
    if printer.printRange() != QPrinter.PrintRange.PageRange or printer.fromPage() < 1:
        return pages
    return pages[printer.fromPage() - 1 : printer.toPage() or len(pages)]


def paint_pages(printer: QPrinter, pages: list[PageImage]) -> str | None:
    """Paint each page at its physical size from the paper's corner; a reason when the
    printer could not be started, None when every page was sent."""
    if not pages:
        return "The page range chosen holds no page of this report."
    width_mm, height_mm = pages[0].size_mm
    paper = QPageSize(
        QSizeF(min(width_mm, height_mm), max(width_mm, height_mm)),
        QPageSize.Unit.Millimeter,
        "",
        QPageSize.SizeMatchPolicy.FuzzyMatch,  # A4 or Letter, by name, for the tray
    )
    landscape = width_mm > height_mm
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(
            paper,
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(printer):
        return (
            "The printer could not be started. Check that it is connected and switched on, "
            "or export the report (Ctrl+E) and print the PDF."
        )
    resolution = printer.resolution()
    for number, page in enumerate(pages):
        if number:
            printer.newPage()
        image = QImage(
            page.rgb, page.width, page.height, 3 * page.width, QImage.Format.Format_RGB888
        )
        scale = resolution / page.dpi
        painter.drawImage(QRectF(0, 0, page.width * scale, page.height * scale), image)
    painter.end()
    return None
