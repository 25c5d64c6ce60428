"""Dialog sizes that fit the screen they open on (a 1280×720 ward PC as well as 1920×1080)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """The wanted size, or 92% of the screen's free area when the screen is smaller."""
    screen = dialog.screen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, int(free.width() * 0.92))
        height = min(height, int(free.height() * 0.92))
    dialog.resize(width, height)
