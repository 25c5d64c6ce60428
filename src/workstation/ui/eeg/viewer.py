"""The EEG paging viewer: a widget the main window embeds to review one recording.

Why not mne-qt-browser: it was tried first (embedded as a child widget, it works), but it
reads an MNE Raw (a float64 copy of the whole recording, 7 s for a 1-hour 19-channel EEG
here), changes montage or filter only by building a new Raw and a new browser, scales by
channel type rather than in µV/mm, has no place for our detector timeline and trends, and
flipped pages in ~140 ms on this machine (target 50 ms). This widget draws what
``eeg.paging.PageSource`` prepares on a worker thread, so the same paging code is tested
and benchmarked headless.

Embed: ``viewer = EegViewer(recording); layout.addWidget(viewer)``; call
``viewer.start_analysis()`` to run the trends and the detector in the background (the main
window does when it opens an EEG) and ``viewer.close_workers()`` before the widget goes away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workstation.app.eeg_review import (
    DEFAULT_PAGE_S,
    MONTAGES,
    OCCLUSION_SEGMENT_S,
    EegMark,
    EegMarks,
    Event,
    FilterSettings,
    Page,
    StoredEeg,
    analyse_eeg_review,
    montage_matrix,
)
from workstation.app.progress import Progress
from workstation.app.signoff import SignOffSheet, eeg_sign_off_sheet
from workstation.errors import SignOffRefused, WorkstationError
from workstation.recording import Annotation, Recording
from workstation.ui.eeg.pages import PageRequest, PageWorker, start_page_thread
from workstation.ui.eeg.timeline import CdsaStrip, EegTimeline
from workstation.ui.jobs import JobRunner
from workstation.ui.workspace import Workspace
from workstation.vault import Patient
from workstation.vault.sign_offs import SignOff

SENSITIVITIES_UV_PER_MM = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 200)
DEFAULT_SENSITIVITY = 7
LOW_CUTS_HZ = (None, 0.1, 0.3, 0.5, 1.0, 1.6, 5.0)
HIGH_CUTS_HZ = (None, 15.0, 30.0, 35.0, 50.0, 70.0)
NOTCHES_HZ = (None, 50.0, 60.0)
PAGE_LENGTHS_S = (5.0, 10.0, 15.0, 20.0, 30.0, 60.0)
MM_PER_INCH = 25.4
PREPARED_PAGES = 4
PREFETCH_DELAY_MS = 80
NEW_EVENT_LABEL = "Event"
# EDFbrowser's and the paper's look: dark traces on a light background.
PAPER, INK, AXIS_INK = "#fdfdf8", (10, 10, 30), (60, 60, 60)
EVENT_BRUSH, EVENT_INK = (220, 40, 40, 40), (170, 20, 20)
DRIVING_BRUSH, DRIVING_S = (240, 140, 0, 70), OCCLUSION_SEGMENT_S
SCALE_BAR_UV = 50.0


def _hz_label(value: float | None) -> str:
    return "off" if value is None else f"{value:g} Hz"


class EegViewer(QWidget, Workspace):
    """Traces of one page, review controls, and the navigation timeline under them."""

    pageShown = Signal(float)
    pageRequested = Signal(object)
    annotationsChanged = Signal()
    analysisShown = Signal()

    def __init__(
        self,
        recording: Recording,
        parent=None,
        montage: str = "double-banana",
        session_id: int | None = None,
        stored: StoredEeg | None = None,
        author: str = "",
    ) -> None:
        super().__init__(parent)
        self.recording = recording
        self._session_id = session_id
        self.author = author
        self.stored = stored
        self.marks = (
            EegMarks(list(stored.marks)) if stored is not None else EegMarks.of_recording(recording)
        )
        self.marks.subscribe(self._annotations_edited)
        self.page_s = DEFAULT_PAGE_S
        self.start_s = 0.0
        self.sensitivity = DEFAULT_SENSITIVITY
        self.filters = FilterSettings(0.5, 70.0, None)
        self.montage = montage if self._montage_fits(montage) else "average"
        self.page: Page | None = None
        self.last_error = ""
        self.status_message = ""
        self.analysis: StoredEeg | None = None  # what the timeline shows
        self._events: list[Event] = []  # its detector events, grouped once, drawn every page
        self._request_id = 0
        self._prepared: dict[tuple, Page] = {}
        self._pending_prefetch: PageRequest | None = None
        self.jobs = JobRunner(self, self._show_status, self._on_failed)
        self._curve: pg.PlotCurveItem | None = None
        self._drawn_names: tuple[str, ...] = ()
        self._annotation_items: list[pg.GraphicsObject] = []
        self._overlay_items: list[pg.GraphicsObject] = []  # scale bar, detector events
        self._build()
        self._worker = PageWorker(recording)
        self._thread: QThread = start_page_thread(self._worker)
        self.pageRequested.connect(self._worker.render)
        self._worker.pageReady.connect(self._on_page_ready)
        self._worker.pagePrepared.connect(self._on_page_prepared)
        self._worker.failed.connect(self._on_failed)
        self.timeline.jumpRequested.connect(self.jump_to)
        self.traces.scene().sigMouseClicked.connect(self._on_traces_clicked)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.request_page()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.montage_box = self._combo(list(MONTAGES), self.montage, self._on_montage)
        self.low_box = self._combo(LOW_CUTS_HZ, self.filters.low_cut_hz, self._on_filters,
                                   _hz_label)  # fmt: skip
        self.high_box = self._combo(HIGH_CUTS_HZ, self.filters.high_cut_hz, self._on_filters,
                                    _hz_label)  # fmt: skip
        self.notch_box = self._combo(NOTCHES_HZ, None, self._on_filters, _hz_label)
        self.sensitivity_box = self._combo(
            SENSITIVITIES_UV_PER_MM, self.sensitivity, self._on_sensitivity,
            lambda v: f"{v} µV/mm",
        )  # fmt: skip
        self.page_box = self._combo(PAGE_LENGTHS_S, self.page_s, self._on_page_length,
                                    lambda v: f"{v:g} s")  # fmt: skip
        self.position_label = QLabel()
        # A fixed width: a label that resizes on every page re-lays out and repaints the row.
        self.position_label.setFixedWidth(self.position_label.fontMetrics().horizontalAdvance(
            "00000-00000 s of 00000 s  "))  # fmt: skip
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #a00000;")
        self.message_label.setVisible(False)
        controls = QHBoxLayout()
        for label, widget in (
            ("Montage", self.montage_box),
            ("LFF", self.low_box),
            ("HFF", self.high_box),
            ("Notch", self.notch_box),
            ("Sensitivity", self.sensitivity_box),
            ("Page", self.page_box),
        ):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.position_label)

        self.traces = pg.PlotWidget(background=PAPER)
        self.traces.setMenuEnabled(False)
        self.traces.setMouseEnabled(x=False, y=False)
        self.traces.hideButtons()
        self.traces.getPlotItem().setLabel("bottom", "time (s)")
        for side in ("left", "bottom"):
            self.traces.getPlotItem().getAxis(side).setPen(AXIS_INK)
            self.traces.getPlotItem().getAxis(side).setTextPen(AXIS_INK)
        self.timeline = EegTimeline(self.recording.duration)
        self.cdsa = CdsaStrip(self.recording.duration)
        self.cdsa.jumpRequested.connect(self.jump_to)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message_label)
        layout.addWidget(self.traces, 1)
        layout.addWidget(self.cdsa)
        layout.addWidget(self.timeline)

    def _combo(self, values, current, handler, label=str) -> QComboBox:
        box = QComboBox()
        for value in values:
            box.addItem(label(value), value)
        box.setCurrentIndex(list(values).index(current))
        box.currentIndexChanged.connect(handler)
        return box

    # --- navigation ---------------------------------------------------------------------

    @property
    def n_pages(self) -> int:
        return max(1, int(np.ceil(self.recording.duration / self.page_s - 1e-9)))

    @Slot(float)
    def jump_to(self, seconds: float) -> None:
        """Show the page that contains ``seconds``."""
        index = int(np.clip(seconds // self.page_s, 0, self.n_pages - 1))
        self.start_s = index * self.page_s
        self.request_page()

    def next_page(self) -> None:
        self.jump_to(self.start_s + self.page_s)

    def previous_page(self) -> None:
        self.jump_to(self.start_s - self.page_s)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.next_page()
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Left):
            self.previous_page()
        elif key == Qt.Key.Key_Home:
            self.jump_to(0.0)
        elif key == Qt.Key.Key_End:
            self.jump_to(self.recording.duration)
        else:
            super().keyPressEvent(event)

    def request_page(self) -> None:
        """Show the current page: at once if the worker prepared it, else ask the worker.

        Older requests still queued are dropped; either way the worker then prepares the
        following page, so paging forward does not wait for a thread round trip.
        """
        self._request_id += 1
        self._worker_latest(self._request_id)
        # One min/max pair per pixel column: a spike narrower than a pixel keeps its height.
        width = max(200, self.traces.width())
        request = PageRequest(
            self._request_id, self.start_s, self.montage, self.filters, self.page_s, 2 * width
        )
        prepared = self._prepared.get(request.key())
        if prepared is None:
            self.pageRequested.emit(request)
            return
        self._show(prepared)
        # Prepare the next page only after this one is painted, so the two do not compete.
        self._pending_prefetch = replace(request, prefetch_only=True)
        QTimer.singleShot(PREFETCH_DELAY_MS, self._emit_prefetch)

    @Slot()
    def _emit_prefetch(self) -> None:
        request, self._pending_prefetch = self._pending_prefetch, None
        if request is not None and request.request_id == self._request_id:
            self.pageRequested.emit(request)

    def _worker_latest(self, request_id: int) -> None:
        # A plain attribute write: the worker only reads it to skip stale requests.
        self._worker.latest_request = request_id

    # --- controls -----------------------------------------------------------------------

    def _montage_fits(self, montage: str) -> bool:
        try:
            montage_matrix(montage, self.recording.channel_names)
        except WorkstationError:
            return False
        return True

    @Slot(int)
    def _on_montage(self, _index: int) -> None:
        wanted = self.montage_box.currentData()
        try:
            montage_matrix(wanted, self.recording.channel_names)
        except WorkstationError as exc:
            self._on_failed(str(exc))
            self.montage_box.blockSignals(True)
            self.montage_box.setCurrentIndex(list(MONTAGES).index(self.montage))
            self.montage_box.blockSignals(False)
            return
        self.montage = wanted
        self.message_label.setVisible(False)
        self.request_page()

    @Slot(int)
    def _on_filters(self, _index: int) -> None:
        self.filters = FilterSettings(
            self.low_box.currentData(), self.high_box.currentData(), self.notch_box.currentData()
        )
        self.request_page()

    @Slot(int)
    def _on_sensitivity(self, _index: int) -> None:
        self.sensitivity = self.sensitivity_box.currentData()
        if self.page is not None:
            self._draw(self.page)

    @Slot(int)
    def _on_page_length(self, _index: int) -> None:
        self.page_s = float(self.page_box.currentData())
        self.jump_to(self.start_s)

    # --- drawing ------------------------------------------------------------------------

    def units_per_microvolt(self) -> float:
        """Plot units per µV so that ``sensitivity`` µV fill one millimetre of screen.

        Channels are one plot unit apart; the screen's DPI says how many millimetres that is.
        """
        pixels_per_mm = self.logicalDpiY() / MM_PER_INCH
        n = max(1, len(self.page.names) if self.page else 1)
        pixels_per_unit = max(1.0, self.traces.getPlotItem().vb.height()) / (n + 1)
        return pixels_per_mm / (self.sensitivity * pixels_per_unit)

    @Slot(int, object)
    def _on_page_ready(self, request_id: int, page: Page) -> None:
        if request_id == self._request_id:
            self._show(page)

    @Slot(object, object)
    def _on_page_prepared(self, key: tuple, page: Page) -> None:
        if len(self._prepared) >= PREPARED_PAGES:
            self._prepared.pop(next(iter(self._prepared)))
        self._prepared[key] = page

    def _show(self, page: Page) -> None:
        self.page = page
        self._draw(page)
        self.pageShown.emit(page.start_s)

    def _draw(self, page: Page) -> None:
        """All channels as one path: one item to bound and paint instead of one per channel."""
        plot = self.traces.getPlotItem()
        n = len(page.names)
        if self._curve is None or self._drawn_names != page.names:
            plot.clear()
            plot.disableAutoRange()
            self._annotation_items, self._overlay_items = [], []
            self._curve = pg.PlotCurveItem(pen=pg.mkPen(INK, width=1))
            plot.addItem(self._curve)
            plot.getAxis("left").setTicks([[(n - i, name) for i, name in enumerate(page.names)]])
            self._drawn_names = page.names
        offsets = (n - np.arange(n, dtype=np.float32))[:, None]
        y = offsets + page.values * np.float32(self.units_per_microvolt())
        connect = np.ones(y.shape, dtype=bool)
        connect[:, -1] = False
        self._curve.setData(
            np.tile(page.times, n), y.ravel(), connect=connect.ravel(), skipFiniteCheck=True
        )
        plot.setXRange(page.start_s, page.start_s + page.duration_s, padding=0)
        plot.setYRange(0, n + 1, padding=0)
        self._draw_annotations(page)
        self.timeline.show_page(page.start_s, page.duration_s)
        self.position_label.setText(
            f"{page.start_s:.0f}-{page.start_s + page.duration_s:.0f} s of "
            f"{self.recording.duration:.0f} s"
        )

    def _draw_annotations(self, page: Page) -> None:
        """Overlays on the page: the amplitude scale bar, the detector's flagged windows
        with the channels that drove them, and the annotations (draggable)."""
        plot = self.traces.getPlotItem()
        for item in self._annotation_items + self._overlay_items:
            plot.removeItem(item)
        self._annotation_items, self._overlay_items = [], []
        end = page.start_s + page.duration_s
        top = len(page.names) + 0.9
        self._draw_scale_bar(page)
        for start, finish, text in self._flagged_windows():
            if finish < page.start_s or start > end:
                continue
            band = pg.LinearRegionItem((start, finish), brush=EVENT_BRUSH, movable=False)
            label = pg.TextItem(text, color=EVENT_INK, anchor=(0, 1))
            label.setPos(max(start, page.start_s), 0.1)
            self._add_overlay(self._overlay_items, band, label)
        for channel, segment_s, drop in self._driving_seconds():
            if segment_s + DRIVING_S < page.start_s or segment_s > end:
                continue
            span = pg.LinearRegionItem(
                (segment_s, segment_s + DRIVING_S), brush=DRIVING_BRUSH, movable=False
            )
            label = pg.TextItem(f"{channel} −{drop:.2f}", color=EVENT_INK, anchor=(0, 0))
            label.setPos(segment_s, top - 0.4)
            self._add_overlay(self._overlay_items, span, label)
        for index, a in enumerate(self.annotations):
            if a.end < page.start_s or a.onset > end:
                continue
            if a.duration > 0:
                item = pg.LinearRegionItem((a.onset, a.end), brush=(255, 200, 0, 50))
                item.sigRegionChangeFinished.connect(self._on_region_moved)
            else:
                item = pg.InfiniteLine(a.onset, pen=pg.mkPen((200, 120, 0)), movable=True)
                item.sigPositionChangeFinished.connect(self._on_region_moved)
            item.annotation_index = index
            label = pg.TextItem(a.label, color=(150, 80, 0), anchor=(0, 0))
            label.setPos(a.onset, top)
            self._add_overlay(self._annotation_items, item, label)

    def _add_overlay(self, kept: list, *items: pg.GraphicsObject) -> None:
        plot = self.traces.getPlotItem()
        for item in items:
            plot.addItem(item)
        kept += items

    def _draw_scale_bar(self, page: Page) -> None:
        """A vertical bar of SCALE_BAR_UV at the page's right edge, in the page's µV/mm."""
        height = SCALE_BAR_UV * self.units_per_microvolt()
        x = page.start_s + page.duration_s * 0.985
        bar = pg.PlotDataItem([x, x], [0.3, 0.3 + height], pen=pg.mkPen(INK, width=2))
        text = pg.TextItem(f"{SCALE_BAR_UV:g} µV", color=INK, anchor=(1, 1))
        text.setPos(x, 0.3)
        self._add_overlay(self._overlay_items, bar, text)

    def _driving_seconds(self) -> list[tuple[str, float, float]]:
        """What drove each event's strongest window: (channel, segment start, probability drop
        when that half second was blanked out), as the detector's occlusion explanation says."""
        return [
            (d.channel, d.segment_start_s, d.probability_drop)
            for event in self._events
            for d in event.peak.driving
        ]

    def _flagged_windows(self) -> list[tuple[float, float, str]]:
        """Detector events (flagged windows joined), labelled with the strongest window's
        probability and the channels that drove it."""
        return [
            (event.start_s, event.end_s, f"p {event.peak.probability:.2f}: "
             + ", ".join(channel for channel, _p in event.peak.top_channels[:3]))
            for event in self._events
        ]  # fmt: skip

    # --- annotations --------------------------------------------------------------------

    @property
    def annotations(self) -> list[Annotation]:
        return [mark.annotation() for mark in self.marks.marks]

    def add_annotation(self, onset: float, duration: float, label: str) -> None:
        self.marks.add(onset, duration, label, self.author)

    def remove_annotation(self, index: int) -> None:
        self.marks.remove(index)

    def move_annotation(self, index: int, onset: float, duration: float) -> None:
        self.marks.move(index, onset, duration)

    def relabel_annotation(self, index: int, label: str) -> None:
        """A new label; an empty one deletes the annotation."""
        if label.strip():
            self.marks.relabel(index, label)
        else:
            self.marks.remove(index)

    def _mark_near(self, seconds: float) -> int | None:
        """The annotation under a double click (within 0.2 s of its onset or inside its span)."""
        for index, mark in enumerate(self.marks.marks):
            if mark.onset - 0.2 <= seconds <= mark.onset + max(mark.duration, 0.2):
                return index
        return None

    @Slot(object)
    def _on_traces_clicked(self, event) -> None:
        """A double click marks an event there (drag it to adjust); a double click on an
        annotation asks for its label (an empty label deletes it)."""
        if not event.double():
            return
        x = self.traces.getPlotItem().vb.mapSceneToView(event.scenePos()).x()
        seconds = float(np.clip(x, 0, self.recording.duration))
        index = self._mark_near(seconds)
        if index is None:
            self.add_annotation(seconds, 0.0, NEW_EVENT_LABEL)
            return
        label, ok = QInputDialog.getText(
            self, "Annotation", "Label (empty to delete):", text=self.marks.marks[index].label
        )
        if ok:
            self.relabel_annotation(index, label)

    @Slot(object)
    def _on_region_moved(self, item) -> None:
        if isinstance(item, pg.LinearRegionItem):
            lo, hi = item.getRegion()
            self.move_annotation(item.annotation_index, lo, hi - lo)
        else:
            self.move_annotation(item.annotation_index, item.value(), 0.0)

    def _annotations_edited(self) -> None:
        if self.page is not None:
            self._draw_annotations(self.page)
        self.annotationsChanged.emit()

    def has_unsaved_review(self) -> bool:
        return self.marks.edited

    def review_marks(self) -> list[EegMark]:
        return list(self.marks.marks)

    def review_saved(self, stored: StoredEeg) -> None:
        """The annotations were stored (a new version of the session's EEG review)."""
        self.stored = stored
        self.marks.saved()

    # --- analysis -----------------------------------------------------------------------

    def start_analysis(self, task: Callable[[Progress], StoredEeg] | None = None) -> None:
        """Trends and the detector in the background; the timeline fills when done. The main
        window passes a task that also stores the result; by default nothing is stored."""
        done = self._analysed_and_stored if task is not None else self.show_stored
        if task is None:
            recording, marks = self.recording, self.review_marks()

            def task(progress: Progress) -> StoredEeg:
                return analyse_eeg_review(recording, marks, progress)

        self.jobs.start(task, done, "Analysing the EEG…")

    def _analysed_and_stored(self, stored: StoredEeg) -> None:
        self.stored = stored
        self.show_stored(stored)

    def _show_status(self, message: str) -> None:
        self.status_message = message

    def show_stored(self, stored: StoredEeg) -> None:
        """Draw a stored (or just computed) analysis: timeline and detector events."""
        self.analysis, self._events = stored, stored.events()
        self.timeline.show_stored(stored)
        self.cdsa.show_stored(stored)
        if self.page is not None:
            self._draw_annotations(self.page)
        self.analysisShown.emit()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        """Shown above the traces, not in a modal box: the reader keeps paging meanwhile."""
        self.last_error = message
        self.message_label.setText(message)
        self.message_label.setVisible(True)

    # --- sign-off -----------------------------------------------------------------------

    def sign_off_sheet(self, patient: Patient) -> SignOffSheet:
        """What File › Sign off… signs here: the stored review this viewer shows (the
        detector's findings and the reviewers' annotations)."""
        if self._session_id is None:
            raise SignOffRefused(
                "The recording is still being saved as a session.",
                "Sign it off once the tab shows its session number.",
            )
        if self.stored is None or not self.stored.analysed:
            raise SignOffRefused(
                "The EEG analysis is not stored with the session yet (it is still running, or "
                "it failed).",
                "Sign off once the detector's timeline is shown above the traces.",
            )
        recording = self.recording
        return eeg_sign_off_sheet(
            self._session_id, patient, recording.source_name, recording.start_time, self.stored
        )

    def signed_off(self, sign_off: SignOff) -> None:
        self._show_status(f"Signed off by {sign_off.signed_by}: the session is reviewed.")

    def session_id(self) -> int | None:
        return self._session_id

    def attach_session(self, session_id: int) -> None:
        """The recording shown since it was read is now stored as this session."""
        self._session_id = session_id

    def close_workers(self) -> None:
        """Stop the threads; call before the widget is destroyed."""
        self.jobs.stop_all()
        self._thread.quit()
        self._thread.wait()

    def closeEvent(self, event) -> None:
        self.close_workers()
        super().closeEvent(event)
