"""The whole video pipeline on generated face clips, fed through the same file path as a camera."""

import cv2
import numpy as np
import pytest

from workstation.errors import InvalidRecording
from workstation.rppg.frames import open_video
from workstation.rppg.pipeline import analyze_video
from workstation.rppg.synthetic import ClipSpec, write_clip

SMALL = {"width": 160, "height": 120, "seconds": 14.0}


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Writes each named clip once per module; later requests reuse the file."""
    folder = tmp_path_factory.mktemp("clips")
    written = {}

    def clip(name, **kw):
        if name not in written:
            written[name] = write_clip(folder / f"{name}.avi", ClipSpec(**{**SMALL, **kw}))
        return written[name]

    return clip


@pytest.mark.parametrize("bpm", [45, 72, 110, 150])
def test_known_rate_is_recovered_from_a_face_clip(clips, bpm):
    result = analyze_video(clips(f"face{bpm}", bpm=bpm, seed=bpm), method="pos")
    assert result.status == "ok", result.message
    assert result.heart_rate_bpm == pytest.approx(bpm, abs=1.5)
    assert result.fps == pytest.approx(30.0)
    assert result.frames == 420 and result.dropped_frames == 0
    assert sum(w.measurable for w in result.series) >= 4


def test_chrom_on_the_same_clip(clips):
    assert analyze_video(
        clips("face72", bpm=72, seed=72), method="chrom"
    ).heart_rate_bpm == pytest.approx(72, abs=1.5)


def test_full_frame_roi_on_a_skin_only_clip(tmp_path):
    path = tmp_path / "skin.avi"
    fps, n = 15.0, 15 * 15
    t = np.arange(n) / fps
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"FFV1"), fps, (60, 30))
    skin = np.array([95.0, 120.0, 180.0])  # BGR
    rng = np.random.default_rng(0)  # camera noise: no two frames of a living skin are equal
    for i in range(n):
        frame = skin * (1 + 0.01 * np.sin(2 * np.pi * 1.5 * t[i]) * np.array([0.53, 0.77, 0.33]))
        frame = frame + rng.normal(0, 1.0, (30, 60, 3))
        writer.write(np.clip(frame, 0, 255).round().astype(np.uint8))
    writer.release()
    result = analyze_video(path, roi="full-frame")
    assert result.status == "ok"
    assert result.heart_rate_bpm == pytest.approx(90, abs=1.5)


@pytest.mark.parametrize(
    "name, spec, status",
    [
        ("noface", {"content": "scene"}, "no_face"),
        ("dark", {"brightness": 0.05}, "too_dark"),
        ("short", {"seconds": 2.0}, "too_short"),
        ("covered", {"content": "blank", "noise_sd": 0.5, "motion_px": 0.0}, "covered"),
    ],
)
def test_unmeasurable_clips_get_a_status_not_a_number(clips, name, spec, status):
    result = analyze_video(clips(name, **spec))
    assert result.status == status, result.message
    assert result.heart_rate_bpm is None
    assert result.to_json()["heart_rate_bpm"] is None
    assert result.message


def test_corrupt_and_missing_files_are_clear_errors(tmp_path):
    bad = tmp_path / "broken.avi"
    bad.write_bytes(np.random.default_rng(0).bytes(20000))
    with pytest.raises(InvalidRecording, match="broken.avi"):
        analyze_video(bad)
    with pytest.raises(InvalidRecording, match="does not exist"):
        analyze_video(tmp_path / "nothing.mp4")


def test_frame_source_reports_timestamps_and_stats(clips):
    with open_video(clips("face72", bpm=72, seed=72)) as source:
        stamps = [frame.timestamp_s for frame in source]
        stats = source.stats
    assert len(stamps) == 420
    assert np.allclose(np.diff(stamps), 1 / 30, atol=1e-3)
    assert stats.measured_fps == pytest.approx(30.0, rel=1e-3)
    assert stats.dropped == 0
