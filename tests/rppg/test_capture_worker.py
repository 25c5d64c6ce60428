"""The capture worker, fed a generated clip through the same path a camera uses."""

import pytest
from PySide6.QtCore import QObject, Slot

from workstation.rppg.frames import open_video
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.ui.video.capture import StopReason, VideoCaptureWorker


class Recorder(QObject):
    """Collects what the worker emits, in the GUI thread, as the panel will."""

    def __init__(self, worker):
        super().__init__()
        self.previews, self.estimates, self.stops, self.errors = [], [], [], []
        worker.preview_ready.connect(self.on_preview)
        worker.estimate_ready.connect(self.on_estimate)
        worker.stopped.connect(self.on_stopped)
        worker.failed.connect(self.on_failed)

    @Slot(object)
    def on_preview(self, image):
        self.previews.append(image)

    @Slot(object)
    def on_estimate(self, estimate):
        self.estimates.append(estimate)

    @Slot(str)
    def on_stopped(self, reason):
        self.stops.append(reason)

    @Slot(str)
    def on_failed(self, message):
        self.errors.append(message)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(
        tmp_path_factory.mktemp("capture") / "face.avi",
        ClipSpec(bpm=80, seconds=13, width=160, height=120),
    )


def test_worker_runs_to_the_end_of_the_file_with_live_estimates(qtbot, clip):
    worker = VideoCaptureWorker(lambda: open_video(clip))
    seen = Recorder(worker)
    with qtbot.waitSignal(worker.stopped, timeout=60000):
        worker.start()
    worker.wait(5000)
    assert seen.stops == [StopReason.END_OF_FILE]
    assert worker.frames == 390 and not worker.isRunning()
    assert 3 <= len(seen.estimates) <= 4
    assert all(e.bpm == pytest.approx(80, abs=1.5) for e in seen.estimates if e.measurable)
    assert seen.previews and seen.previews[0].shape == (120, 160, 3)


def test_worker_stops_cleanly_on_cancel(qtbot, clip):
    worker = VideoCaptureWorker(lambda: open_video(clip), realtime=True)
    seen = Recorder(worker)
    with qtbot.waitSignal(worker.preview_ready, timeout=20000):
        worker.start()
    with qtbot.waitSignal(worker.stopped, timeout=5000):
        worker.requestInterruption()
    assert worker.wait(5000)
    assert seen.stops == [StopReason.CANCELLED]
    assert worker.frames < 390


def test_worker_reports_a_source_that_cannot_open(qtbot, tmp_path):
    bad = tmp_path / "broken.avi"
    bad.write_bytes(b"not a video")
    worker = VideoCaptureWorker(lambda: open_video(bad))
    seen = Recorder(worker)
    with qtbot.waitSignal(worker.stopped, timeout=10000):
        worker.start()
    worker.wait(5000)
    assert seen.stops == [StopReason.FAILED]
    assert "broken.avi" in seen.errors[0]
