"""Progress and cancellation for long use cases, with no Qt.

A use case receives a ``Progress``: it calls ``step(percent, message)`` between its steps,
which reports the step and raises ``Cancelled`` once somebody asked to stop, so nothing after
that step runs; ``partial(value)`` hands over a partial result early. Who listens is the
caller's business: the GUI's worker forwards steps to a
progress bar through a signal and asks the thread whether Cancel was pressed, the CLI prints
them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Report = Callable[[int, str], None]


class Cancelled(Exception):
    """Raised by a step when the user cancelled the task; nothing after that step ran."""


def _ignore(_percent: int, _message: str) -> None:
    """Report nowhere (a caller that shows no progress)."""


class Progress:
    """What a use case receives to report progress and to learn that it was cancelled."""

    def __init__(
        self,
        report: Report = _ignore,
        is_cancelled: Callable[[], bool] | None = None,
        partial: Callable[[object], None] | None = None,
    ) -> None:
        self._report = report
        self._stop = threading.Event()
        self._is_cancelled = is_cancelled or self._stop.is_set
        self._partial = partial

    def step(self, percent: int, message: str) -> None:
        """Report a step; raises Cancelled when the user asked to stop."""
        self.check()
        self._report(percent, message)

    def check(self) -> None:
        """Raise Cancelled when the user asked to stop."""
        if self._is_cancelled():
            raise Cancelled()

    def partial(self, value: object) -> None:
        """Hand over a partial result the caller can show before the task ends (a recording
        read and about to be stored, so its viewer can open at once)."""
        if self._partial is not None:
            self._partial(value)

    def cancel(self) -> None:
        """Ask the task to stop at its next step (for callers with no cancel of their own)."""
        self._stop.set()
