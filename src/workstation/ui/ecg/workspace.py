"""The ECG review workspace: the paper, its display controls, and the review panel.

It shows a session exactly as the worker delivered it (``OpenedSession``) and collects the
clinician's changes; saving and exporting are asked of the main window, which runs them in
workers, so the workspace itself never touches the vault.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

from PySide6.QtCore import QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.app.ecg_trend import PAGE_S, beat_times_s, page_start
from workstation.app.review import EcgReview
from workstation.app.sessions import OpenedSession, ReviewChanges
from workstation.channels import lead_label
from workstation.ui.ecg.calipers import CaliperReading
from workstation.ui.ecg.paper import (
    GAINS_MM_MV,
    SPEEDS_MM_S,
    Cell,
    Layout,
    row_height_mm,
)
from workstation.ui.ecg.review_panel import EcgReviewPanel
from workstation.ui.ecg.trend_overview import TrendOverview
from workstation.ui.ecg.view import EcgPaperView
from workstation.ui.shell.preferences import Preferences
from workstation.ui.workspace import Workspace

#: The header's analysis line for an ECG session stored without an analysis.
NO_ANALYSIS = "No ECG analysis stored with this session: the trace is shown as recorded"


def _combo(items: list[tuple[str, object]], current: object) -> QComboBox:
    box = QComboBox()
    for text, value in items:
        box.addItem(text, value)
    box.setCurrentIndex([v for _, v in items].index(current))
    return box


class EcgWorkspace(QWidget, Workspace):
    """One ECG session under review."""

    saveRequested = Signal()
    exportRequested = Signal()
    changed = Signal()
    built = Signal()

    def __init__(
        self, opened: OpenedSession, dpi: float, username: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ecgWorkspace")
        self.username = username
        self.opened = opened
        self._dpi = dpi
        assert opened.traces is not None, "an ECG workspace needs prepared traces"
        self.header = QLabel()
        self.header.setObjectName("sessionHeader")
        self.header.setWordWrap(True)  # a list of leads left out must not widen the window
        self.caliper_label = QLabel("Calipers: off (press C, then drag on the paper)")
        self.caliper_label.setObjectName("caliperReadout")
        self._split = QSplitter(Qt.Orientation.Horizontal)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.addWidget(self.header)
        self._layout.addWidget(self._split, 1)
        self._layout.addWidget(self.caliper_label)
        self._steps: Iterator[None] | None = self._building_steps()
        self._step_timer = QTimer(self)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._next_step)
        self._step_timer.start()

    def _building_steps(self) -> Iterator[None]:
        """The workspace is assembled over a few turns of the event loop (widgets with a
        style sheet take tens of milliseconds each), so the window keeps responding."""
        result = self.opened.result
        rhythm = result.rhythm if result is not None and result.is_rhythm_form else None
        self.trend: TrendOverview | None = None
        if rhythm is None:
            self.paper = EcgPaperView(self.opened.traces, self._dpi)
            self._split.addWidget(self.paper)
        else:  # a long or few-lead recording: the trend overview, one minute on the paper
            self.paper = EcgPaperView(
                self.opened.traces, self._dpi, layout=Layout.MINUTE, page_s=PAGE_S
            )
            self.paper.set_bands(list(rhythm.af_episodes), list(rhythm.excluded_s))
            self.paper.set_beat_marks(
                [(t, "A") for t in beat_times_s(rhythm.premature_atrial, rhythm)]
                + [(t, "V") for t in beat_times_s(rhythm.premature_ventricular, rhythm)]
            )
            self.trend = TrendOverview(
                rhythm, self.opened.traces.duration, result.measured_stretch_s
            )
            self.trend.timeChosen.connect(self.go_to_time)
            pane = QSplitter(Qt.Orientation.Vertical)
            pane.addWidget(self.trend)
            pane.addWidget(self.paper)
            pane.setStretchFactor(0, 2)
            pane.setStretchFactor(1, 3)
            self._split.addWidget(pane)
            self._paging_keys()
        self.paper.box.caliperMeasured.connect(self._show_caliper)
        self.paper.scene().sigMouseClicked.connect(self._paper_clicked)
        yield
        self._layout.insertLayout(1, self._controls())
        yield
        self.panel = EcgReviewPanel()
        yield from self.panel.building_steps()
        self.panel.annotationChosen.connect(self._go_to_annotation)
        self.panel.changed.connect(self.changed)
        self._split.addWidget(self.panel)
        self._split.setStretchFactor(0, 4)
        self._split.setStretchFactor(1, 1)
        self._split.setSizes([1000, 360])
        yield
        self.show_session(self.opened)

    @Slot()
    def _next_step(self) -> None:
        if self._steps is None or next(self._steps, StopIteration) is StopIteration:
            self._step_timer.stop()
            self._steps = None
            self.built.emit()

    def finish_building(self) -> None:
        """Complete the workspace and its sheet at once (for code that reads them)."""
        while self._steps is not None:
            self._next_step()
        self.paper.finish_drawing()

    @property
    def is_built(self) -> bool:
        return self._steps is None

    def _paging_keys(self) -> None:
        """PageUp/PageDown page the minutes, Ctrl+G types a time (long recordings only)."""
        assert self.trend is not None
        for keys, slot in (
            (QKeySequence.StandardKey.MoveToPreviousPage, self.trend.previous_page),
            (QKeySequence.StandardKey.MoveToNextPage, self.trend.next_page),
            (QKeySequence("Ctrl+G"), self.trend.focus_time_box),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _controls(self) -> QVBoxLayout:
        layouts = Layout.ALL if self.trend is None else Layout.RHYTHM
        self.layout_box = _combo([(name, name) for name in layouts], self.paper.layout_name)
        self.layout_box.currentIndexChanged.connect(self._layout_changed)
        leads = self.opened.traces.leads if self.opened.traces else []
        self.lead_box = _combo([(lead_label(lead), lead) for lead in leads], leads[0])
        if "ii" in leads:
            self.lead_box.setCurrentIndex(leads.index("ii"))
        self.lead_box.setEnabled(self.paper.layout_name == Layout.SINGLE)
        self.lead_box.currentIndexChanged.connect(self._layout_changed)
        self.speed_box = _combo([(f"{s:g} mm/s", s) for s in SPEEDS_MM_S], 25.0)
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        self.gain_box = _combo([(f"{g:g} mm/mV", g) for g in GAINS_MM_MV], 10.0)
        self.gain_box.currentIndexChanged.connect(self._gain_changed)
        self.masks_check = QCheckBox("Masks")
        self.masks_check.setChecked(True)
        self.masks_check.toggled.connect(self.paper.show_masks)
        self.fiducials_check = QCheckBox("Fiducials")
        self.fiducials_check.setChecked(True)
        self.fiducials_check.toggled.connect(self.paper.show_fiducials)
        self.attribution_check = QCheckBox("Attribution")
        self.attribution_check.setChecked(True)
        self.attribution_check.setToolTip(
            "Where the segmentation model looked (see the Explanations tab)"
        )
        self.attribution_check.toggled.connect(self.paper.show_attribution)
        self.calipers_check = QCheckBox("Calipers")
        self.calipers_check.toggled.connect(self.set_calipers)
        true_size = QPushButton("True size")
        true_size.setToolTip("Back to 1:1 paper size (Ctrl+0)")
        true_size.clicked.connect(self.paper.reset_zoom)
        fit = QPushButton("Fit")
        fit.setToolTip("The whole sheet in the window (Ctrl+9)")
        fit.clicked.connect(self.paper.fit_to_window)
        self.zoom_label = QLabel("Zoom: true size")
        self.zoom_label.setObjectName("hint")
        self.paper.zoomChanged.connect(self._show_zoom)
        self.save_button = QPushButton("Save review")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.saveRequested)
        export = QPushButton("Export report…")
        export.clicked.connect(self.exportRequested)
        self.layout_box.setToolTip("Layout (Ctrl+1, Ctrl+2, Ctrl+3)")
        # Two rows, so the toolbar fits a 1280-pixel screen beside the patients column.
        paper_row, toggles_row = QHBoxLayout(), QHBoxLayout()
        for widget in (
            self.layout_box,
            self.lead_box,
            self.speed_box,
            self.gain_box,
            fit,
            true_size,
        ):
            paper_row.addWidget(widget)
        paper_row.addStretch(1)
        paper_row.addWidget(self.save_button)
        paper_row.addWidget(export)
        for widget in (
            self.masks_check,
            self.fiducials_check,
            self.attribution_check,
            self.calipers_check,
        ):
            toggles_row.addWidget(widget)
        toggles_row.addStretch(1)
        toggles_row.addWidget(self.zoom_label)
        rows = QVBoxLayout()
        rows.addLayout(paper_row)
        rows.addLayout(toggles_row)
        return rows

    @Slot(float)
    def _show_zoom(self, zoom: float) -> None:
        """The paper's scale in words: measurements on screen are true only at true size."""
        self.zoom_label.setText(
            "Zoom: true size" if abs(zoom - 1.0) < 1e-3 else f"Zoom: {zoom:.0%} of true size"
        )

    # Showing -------------------------------------------------------------------------------

    def show_session(self, opened: OpenedSession) -> None:
        """Show (or refresh after a save) the session as stored."""
        self.opened = opened
        s, p = opened.session, opened.patient
        result = opened.result
        device = result.device if result else ""
        models = ", ".join(f"{m.name} {m.version}" for m in result.models) if result else ""
        # A session stored without an ECG analysis read "Analysis:  on ".
        analysis = f"Analysis: {models} on {device}" if result else NO_ANALYSIS
        unusable = result.leads_unusable if result else {}
        left_out = result.left_out_text(lead_label) if result else ""
        # The header groups the leads by reason; the figures behind each reason are a hover
        # away, so a record with many leads out does not push the trace off the screen.
        self.header.setToolTip(
            "\n".join(f"{lead_label(lead)}: {why}" for lead, why in unusable.items())
        )
        self.header.setText(
            f"<b>{p.name}</b> · {p.identifier} · session {s.id} · {s.modality.upper()} · "
            f"{s.status} · {opened.recording.source_name} · {opened.recording.duration:.1f} s "
            f"at {opened.recording.fs:g} Hz<br><span style='color:#555'>{analysis}</span>"
            + (
                f"<br><span style='color:#8a4b00'>Leads left out of the analysis: "
                f"{html.escape(left_out)}</span>"
                if left_out
                else ""
            )
            + "".join(
                f"<br><span style='color:#8a4b00'>{html.escape(note)}</span>"
                for note in (result.lead_notes if result else ())
            )
        )
        self.panel.load(result, EcgReview.of(opened), opened.recording.annotations)

    @property
    def has_changes(self) -> bool:
        return self.is_built and self.panel.review.has_changes

    def session_id(self) -> int | None:
        return self.opened.session.id

    def has_unsaved_review(self) -> bool:
        return self.has_changes

    def apply_preferences(self, prefs: Preferences, screen: QScreen) -> None:
        if self.is_built:
            self.paper.set_dpi(prefs.dpi_for(screen))

    def changes(self) -> ReviewChanges:
        return self.panel.review.changes()

    # Controls ------------------------------------------------------------------------------

    @Slot(int)
    def _layout_changed(self, _index: int) -> None:
        layout = self.layout_box.currentData()
        self.lead_box.setEnabled(layout == Layout.SINGLE)
        self.paper.set_layout(layout, self.lead_box.currentData())

    @Slot(int)
    def _speed_changed(self, _index: int) -> None:
        self.paper.set_speed(self.speed_box.currentData())

    @Slot(int)
    def _gain_changed(self, _index: int) -> None:
        self.paper.set_gain(self.gain_box.currentData())

    @Slot(bool)
    def set_calipers(self, on: bool) -> None:
        self.paper.box.calipers_on = on
        if self.calipers_check.isChecked() != on:
            self.calipers_check.setChecked(on)
        if not on:
            self.paper.box.clear_caliper()
        self.caliper_label.setText(
            "Calipers: drag on the paper to measure an interval and an amplitude"
            if on
            else "Calipers: off (press C, then drag on the paper)"
        )

    @Slot(object)
    def _show_caliper(self, reading: CaliperReading) -> None:
        self.caliper_label.setText(f"Calipers: {reading.text()}")

    def measure(self, start: QPointF, end: QPointF) -> CaliperReading:
        return self.paper.box.measure(start, end)

    @Slot(float)
    def go_to_time(self, seconds: float) -> None:
        """Show the minute holding ``seconds`` on the paper and mark that moment."""
        self._show_moment(seconds, None)

    def _show_moment(self, seconds: float, lead: str | None) -> None:
        if self.trend is not None:
            start = page_start(seconds, self.opened.traces.duration)
            if start != self.paper.page_start_s:
                self.paper.show_page(start)
                self.paper.finish_drawing()
            self.trend.set_page(start)
        self.paper.highlight(seconds, lead)

    @Slot(float, str)
    def _go_to_annotation(self, seconds: float, lead: str) -> None:
        self._show_moment(seconds, lead or None)

    @Slot(object)
    def _paper_clicked(self, event) -> None:
        """Double-click on a trace: add the clinician's own annotation at that moment."""
        if not event.double():
            return
        point = self.paper.box.mapSceneToView(event.scenePos())
        cell = self._cell_at(point)
        if cell is None:
            return
        seconds = cell.t0 + (point.x() - cell.x_mm) / self.paper.scale.speed_mm_s
        label, ok = QInputDialog.getText(self, "Add annotation", f"Annotation at {seconds:.2f} s:")
        if ok and label.strip():
            self.add_annotation(seconds, label.strip(), cell.lead)

    def _cell_at(self, point: QPointF) -> Cell | None:
        half = row_height_mm(self.paper.scale) / 2
        for cell in self.paper.cells:
            width = self.paper.scale.x_mm(cell.t1 - cell.t0)
            if cell.x_mm <= point.x() <= cell.x_mm + width and abs(point.y() - cell.y_mm) <= half:
                return cell
        return None

    def add_annotation(self, seconds: float, label: str, lead: str = "") -> None:
        self.panel.review.add_annotation(seconds, label, self.username, lead)
