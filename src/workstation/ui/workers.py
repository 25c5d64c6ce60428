"""Work that must not run on the GUI thread, reported back through signals.

The signals are connected by the caller to ``@Slot`` methods of GUI-thread objects, so
their handlers run on the GUI thread (a lambda would run in the worker thread).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThread, Signal

from workstation.errors import WorkstationError
from workstation.io import read_recording
from workstation.recording import Recording


class LoadRecordingWorker(QThread):
    """Reads one recording file in the background."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: Path, parent=None) -> None:
        super().__init__(parent)
        self._path = path

    def run(self) -> None:
        try:
            recording: Recording = read_recording(self._path)
        except WorkstationError as exc:
            self.failed.emit(str(exc))
            return
        if not self.isInterruptionRequested():
            self.loaded.emit(recording)
