"""Starting the application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workstation import __version__
from workstation.ui.main_window import MainWindow

SCREENSHOT_DELAY_MS = 1500


def run_app(screenshot: Path | None = None) -> int:
    """Run the GUI; with ``screenshot``, save the screen once it is drawn and quit (smoke test)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Clinician Workstation")
    app.setApplicationVersion(__version__)
    window = MainWindow()
    window.show()
    if screenshot is not None:
        QTimer.singleShot(
            SCREENSHOT_DELAY_MS, lambda: _save_screen_and_quit(app, window, screenshot)
        )
    return app.exec()


def _save_screen_and_quit(app: QApplication, window: MainWindow, path: Path) -> None:
    screen = window.screen() or app.primaryScreen()
    if app.platformName() == "xcb":
        frame = window.frameGeometry()
        image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    else:
        image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path)):
        raise OSError(f"could not save the screenshot to {path}")
    window.close()
    app.quit()
