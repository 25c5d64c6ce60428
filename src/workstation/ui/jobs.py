"""The one job pattern of the GUI: a use case runs in a worker thread, a JobRunner shows it.

A task is a plain function of an ``app.progress.Progress`` (the same use cases the CLI
runs). ``TaskWorker`` runs it in a QThread, forwards its steps as a signal and turns the
thread's interruption into ``Cancelled`` at the task's next step. ``JobRunner`` is what a
screen owns: it starts tasks, drives the screen's progress bar and Cancel button, and hands
the result or the error to the screen's callbacks. Its slots live on the GUI thread (the
worker's signals are queued to them), so the callbacks always run on the GUI thread and may
be any callable (in the spirit of Orange's ``TaskState`` and ``ConcurrentWidgetMixin``).

Two workers keep threads of their own because they are not one-shot tasks: the EEG page
worker (the newest page request wins) and the live video capture.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QWidget

from workstation.app.progress import Cancelled, Progress
from workstation.errors import WorkstationError

log = logging.getLogger(__name__)

Task = Callable[[Progress], Any]


class TaskWorker(QThread):
    """Runs ``task(progress)`` once in its own thread.

    Exactly one of ``succeeded`` (the result), ``failed`` (a message for the user) or
    ``cancelled`` is emitted; a task that returned has committed its work, so it counts as
    succeeded even when a cancel arrived after its last step. A WorkstationError's text is
    written for the clinician and is shown as it is; any other exception is logged with its
    traceback and reported too, so a programming error never leaves a progress bar spinning.
    """

    progressed = Signal(int, str)
    partial = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task

    def run(self) -> None:
        progress = Progress(self.progressed.emit, self.isInterruptionRequested, self.partial.emit)
        try:
            result = self._task(progress)
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


@dataclass(frozen=True)
class _Callbacks:
    """What a screen asked to be called, on the GUI thread, for one job."""

    on_success: Callable[[Any], None]
    on_partial: Callable[[Any], None] | None
    on_failure: Callable[[str], None] | None


class JobRunner(QObject):
    """Starts a screen's tasks and shows the one in the foreground.

    ``status`` receives progress messages and ``failed`` error messages (the screen decides
    how to show them); a foreground job drives ``bar``, and with ``hide_when_idle`` the bar
    and ``cancel`` are shown only while it runs. ``cancelled_text`` is what ``status``
    receives when the user cancelled.
    """

    changed = Signal()  # a job started or ended: screens re-check what is enabled

    def __init__(
        self,
        parent: QObject,
        status: Callable[[str], None],
        failed: Callable[[str], None],
        bar: QProgressBar | None = None,
        cancel: QWidget | None = None,
        hide_when_idle: bool = True,
        cancelled_text: str = "Cancelled; nothing was saved.",
    ) -> None:
        super().__init__(parent)
        self._status, self._failed = status, failed
        self._bar, self._cancel = bar, cancel
        self._hide_when_idle, self._cancelled_text = hide_when_idle, cancelled_text
        self._jobs: dict[TaskWorker, _Callbacks] = {}
        self.foreground: TaskWorker | None = None
        if cancel is not None and hasattr(cancel, "clicked"):
            cancel.clicked.connect(self.cancel)

    @property
    def workers(self) -> set[TaskWorker]:
        return set(self._jobs)

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def start(
        self,
        task: Task,
        on_success: Callable[[Any], None],
        message: str = "",
        foreground: bool = True,
        on_partial: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> TaskWorker:
        """Run ``task`` in a worker; ``on_success(result)``, ``on_partial(value)`` and
        ``on_failure(message)`` (besides the screen's own error display) run on the GUI
        thread."""
        worker = TaskWorker(task, self)
        self._jobs[worker] = _Callbacks(on_success, on_partial, on_failure)
        worker.partial.connect(self._partial)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(self._finished)
        if foreground:
            self.foreground = worker
            worker.progressed.connect(self._progressed)
            worker.cancelled.connect(self._cancelled)
            self._show_busy(True)
            if message:
                self._status(message)
        worker.start()
        self.changed.emit()
        return worker

    @Slot()
    def cancel(self) -> None:
        """Ask the foreground job to stop at its next step."""
        if self.foreground is not None:
            self.foreground.requestInterruption()

    def stop_all(self, timeout_ms: int = 30000) -> None:
        """Ask every job to stop and wait for them (before the screen goes away)."""
        for worker in list(self._jobs):
            worker.requestInterruption()
        self.wait(timeout_ms)

    def wait(self, timeout_ms: int = 30000) -> None:
        for worker in list(self._jobs):
            worker.wait(timeout_ms)

    def _show_busy(self, busy: bool) -> None:
        if self._bar is not None and busy:
            self._bar.setValue(0)
        if not self._hide_when_idle:
            return
        for widget in (self._bar, self._cancel):
            if widget is not None:
                widget.setVisible(busy)

    @Slot(int, str)
    def _progressed(self, percent: int, message: str) -> None:
        if self._bar is not None:
            self._bar.setValue(percent)
        self._status(message)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        self._jobs[self.sender()].on_success(result)

    @Slot(object)
    def _partial(self, value: object) -> None:
        on_partial = self._jobs[self.sender()].on_partial
        if on_partial is not None:
            on_partial(value)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        on_failure = self._jobs[self.sender()].on_failure
        if on_failure is not None:
            on_failure(message)
        self._failed(message)

    @Slot()
    def _cancelled(self) -> None:
        if self._bar is not None:
            self._bar.setValue(0)
        self._status(self._cancelled_text)

    @Slot()
    def _finished(self) -> None:
        worker = self.sender()
        self._jobs.pop(worker, None)
        if worker is self.foreground:
            self.foreground = None
            self._show_busy(False)
        worker.deleteLater()
        self.changed.emit()
