"""EEG work off the GUI thread: rendering pages and analysing the whole recording.

The page worker lives in its own QThread and always renders the newest request only: when
the reader holds Page Down, intermediate pages are skipped rather than queued, so the
screen catches up at once when the key is released (the ephyviewer approach).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot

from workstation.eeg.analysis import analyze_eeg
from workstation.eeg.filters import FilterSettings
from workstation.eeg.montages import Montage
from workstation.eeg.paging import PageSource
from workstation.errors import WorkstationError
from workstation.recording import Recording


@dataclass(frozen=True)
class PageRequest:
    """Everything that decides what a page looks like, so the worker shares no state."""

    request_id: int
    start_s: float
    montage: str | Montage
    filters: FilterSettings
    page_s: float
    max_points: int


class PageWorker(QObject):
    """Renders pages in its thread; results reach the viewer's @Slot on the GUI thread."""

    pageReady = Signal(int, object)
    failed = Signal(str)

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self._source = PageSource(recording)
        self.latest_request = 0

    @Slot(object)
    def render(self, request: PageRequest) -> None:
        if request.request_id < self.latest_request:
            return
        try:
            if request.montage != self._source.montage or self._source._matrix is None:
                self._source.set_montage(request.montage)
            self._source.filters = request.filters
            self._source.page_s = request.page_s
            page = self._source.page(request.start_s, request.max_points)
        except WorkstationError as exc:
            self.failed.emit(str(exc))
            return
        self.pageReady.emit(request.request_id, page)


class AnalysisWorker(QThread):
    """Trends (and, with a model session, the detector) over the whole recording."""

    finished_analysis = Signal(object)
    failed = Signal(str)

    def __init__(self, recording: Recording, session=None, model=None, parent=None) -> None:
        super().__init__(parent)
        self._recording = recording
        self._session = session
        self._model = model

    def run(self) -> None:
        try:
            result = analyze_eeg(self._recording, self._session, self._model)
        except WorkstationError as exc:
            self.failed.emit(str(exc))
            return
        if not self.isInterruptionRequested():
            self.finished_analysis.emit(result)


def start_page_thread(worker: PageWorker) -> QThread:
    """A thread that owns the worker; the caller quits and waits for it on close."""
    thread = QThread()
    worker.moveToThread(thread)
    thread.start()
    return thread
