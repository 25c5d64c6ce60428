"""EEG pages rendered off the GUI thread (the analysis is an ordinary job: ui.jobs).

The page worker lives in its own QThread and always renders the newest request only: when
the reader holds Page Down, intermediate pages are skipped rather than queued, so the
screen catches up at once when the key is released (the ephyviewer approach).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot

from workstation.app.eeg_review import FilterSettings, Montage, Page, PageSource
from workstation.errors import WorkstationError
from workstation.recording import Recording

PAGE_CACHE_SIZE = 8


@dataclass(frozen=True)
class PageRequest:
    """Everything that decides what a page looks like, so the worker shares no state."""

    request_id: int
    start_s: float
    montage: str | Montage
    filters: FilterSettings
    page_s: float
    max_points: int
    #: The viewer already holds this page: only prepare the one after it.
    prefetch_only: bool = False

    def key(self, start_s: float | None = None) -> tuple:
        """What identifies a rendered page, so a prepared one can be reused."""
        start = self.start_s if start_s is None else start_s
        return (start, self.montage, self.filters, self.page_s, self.max_points)


class PageWorker(QObject):
    """Renders pages in its thread; results reach the viewer's @Slot on the GUI thread.

    After each page it also prepares the next one, because the reader mostly pages forward:
    a flip then costs only the drawing.
    """

    pageReady = Signal(int, object)
    pagePrepared = Signal(object, object)
    failed = Signal(str)

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self._source = PageSource(recording)
        self._cache: dict[tuple, Page] = {}
        self.latest_request = 0

    @Slot(object)
    def render(self, request: PageRequest) -> None:
        if request.request_id < self.latest_request:
            return
        try:
            if not request.prefetch_only:
                self.pageReady.emit(request.request_id, self._page(request, request.start_s))
            following = request.start_s + request.page_s
            if following < self._source.recording.duration:
                self.pagePrepared.emit(request.key(following), self._page(request, following))
        except WorkstationError as exc:
            self.failed.emit(str(exc))

    def _page(self, request: PageRequest, start_s: float) -> Page:
        key = request.key(start_s)
        if key not in self._cache:
            if request.montage != self._source.montage or self._source._matrix is None:
                self._source.set_montage(request.montage)
            self._source.filters = request.filters
            self._source.page_s = request.page_s
            if len(self._cache) >= PAGE_CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = self._source.page(start_s, request.max_points)
        return self._cache[key]


def start_page_thread(worker: PageWorker) -> QThread:
    """A thread that owns the worker; the caller quits and waits for it on close."""
    thread = QThread()
    worker.moveToThread(thread)
    thread.start()
    return thread
