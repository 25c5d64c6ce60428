"""Work that must not run on the GUI thread, reported back through signals.

The signals are connected by the caller to ``@Slot`` methods of GUI-thread objects, so
their handlers run on the GUI thread (a lambda would run in the worker thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from workstation.errors import WorkstationError
from workstation.io import read_recording
from workstation.recording import Recording

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised by a task's step when the user cancelled it; nothing after that step ran."""


class Progress:
    """What a task function receives to report progress and to learn it was cancelled."""

    def __init__(self, worker: TaskWorker) -> None:
        self._worker = worker

    def step(self, percent: int, message: str) -> None:
        """Report a step; raises Cancelled when the user asked to stop."""
        self.check()
        self._worker.progressed.emit(percent, message)

    def check(self) -> None:
        if self._worker.isInterruptionRequested():
            raise Cancelled()


class TaskWorker(QThread):
    """Runs ``task(progress)`` once in its own thread.

    Exactly one of ``succeeded`` (the result), ``failed`` (a message for the user) or
    ``cancelled`` is emitted; a task that returned has committed its work, so it counts as
    succeeded even when a cancel arrived after its last step. A WorkstationError's text is
    written for the clinician and is shown as it is; any other exception is logged with its
    traceback and reported too, so a programming error never leaves a progress bar spinning.
    """

    progressed = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, task: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task

    def run(self) -> None:
        try:
            result = self._task(Progress(self))
        except Cancelled:
            self.cancelled.emit()
            return
        except WorkstationError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:
            log.exception("task failed")
            self.failed.emit(f"Unexpected error ({type(error).__name__}): {error}")
            return
        self.succeeded.emit(result)


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
