"""The capture worker plus the two live views the panel draws: recent pulse and condition.

Both are computed in the capture thread, where the traces are written, so the GUI thread
never reads lists another thread is appending to and only draws a finished snippet. The
hooks are connected with a direct connection to the worker's own methods: they run in the
emitting (capture) thread, and their results travel to the panel as ordinary signals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal

from workstation.app.video_runs import (
    FrameConsumer,
    FrameSource,
    Roi,
    WindowEstimate,
    live_condition,
    recent_pulse,
)
from workstation.ui.video.capture import VideoCaptureWorker


class LiveVitalsWorker(VideoCaptureWorker):
    pulse_ready = Signal(object)  # PulseSnippet
    condition_changed = Signal(str)  # "" when the picture is fit to measure

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        method: str,
        roi: Roi | str,
        realtime: bool,
        parent: QObject | None = None,
        consumers: Sequence[FrameConsumer] = (),
    ) -> None:
        super().__init__(open_source, method, roi, realtime, parent, consumers)
        self.method = method
        self._condition = ""
        direct = Qt.ConnectionType.DirectConnection
        self.estimate_ready.connect(self._compute_pulse, direct)
        self.preview_ready.connect(self._check_condition, direct)

    def _compute_pulse(self, _estimate: WindowEstimate) -> None:
        """Runs in the capture thread, once per estimate (about once a second)."""
        fps = self.live.measured_fps()
        snippet = None if fps is None else recent_pulse(self.live.traces, fps, self.method)
        if snippet is not None:
            self.pulse_ready.emit(snippet)

    def _check_condition(self, _preview: object) -> None:
        """Runs in the capture thread with each preview; reports only changes."""
        condition = live_condition(self.live.traces)
        if condition != self._condition:
            self._condition = condition
            self.condition_changed.emit(condition)
