"""Issue #18: what is not a pulse is refused, for every method, with the reason in words."""

import json

import cv2
import numpy as np
import pytest

from workstation.cli import main
from workstation.errors import InvalidRecording
from workstation.rppg.acceptance import recording_rate, snr_threshold_db
from workstation.rppg.heart_rate import rate_series
from workstation.rppg.options import METHOD_NAMES
from workstation.rppg.pipeline import analyze_traces, analyze_video
from workstation.rppg.synthetic import PBV, pulse_wave
from workstation.rppg.traces import Roi, Traces

FPS = 15.0
SKIN_BGR = np.array([95.0, 120.0, 180.0])


def _write(path, frames, fourcc="MJPG", fps=FPS):
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def _skin_frames(n, seed=0, bpm=72.0):
    """A skin-only clip with a pulse and camera noise (every frame differs)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FPS
    wave = 0.01 * pulse_wave(t, bpm)
    return [
        np.clip(SKIN_BGR * (1 + wave[i] * PBV) + rng.normal(0, 2.0, (48, 64, 3)), 0, 255).astype(
            np.uint8
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    frames = _skin_frames(int(12 * FPS))
    photo = cv2.resize(frames[0], (160, 120))
    files = {
        "still": _write(folder / "still.avi", [photo] * int(12 * FPS)),
        "looped": _write(folder / "looped.avi", (frames[: int(2 * FPS)] * 6)),
        "step": _write(
            folder / "step.avi",
            [photo] * int(6 * FPS) + [cv2.add(photo, np.full_like(photo, 3))] * int(6 * FPS),
        ),
    }
    cv2.imwrite(str(folder / "photo.png"), photo)
    files["png"] = folder / "photo.mp4"
    files["png"].write_bytes((folder / "photo.png").read_bytes())
    whole = _write(folder / "whole.avi", _skin_frames(int(20 * FPS), seed=3))
    files["damaged"] = folder / "damaged.avi"
    files["damaged"].write_bytes(whole.read_bytes()[: whole.stat().st_size // 10])
    return files


@pytest.mark.parametrize("method", METHOD_NAMES)
@pytest.mark.parametrize("name", ["still", "looped", "step"])
def test_frozen_pictures_are_refused_for_every_method(bad_files, capsys, name, method):
    code = main(
        ["analyze", "video", str(bad_files[name]), "--method", method, "--roi", "full-frame"]
    )
    captured = capsys.readouterr()
    assert code == 3
    assert json.loads(captured.out)["status"] == "frozen"
    assert json.loads(captured.out)["heart_rate_bpm"] is None
    assert "image does not change" in captured.err


@pytest.mark.parametrize(
    "name, words", [("png", "still image (PNG)"), ("damaged", "frames the file declares")]
)
def test_image_files_and_damaged_videos_are_unreadable(bad_files, capsys, name, words):
    assert main(["analyze", "video", str(bad_files[name]), "--method", "ica"]) == 2
    assert words in capsys.readouterr().err
    with pytest.raises(InvalidRecording, match="Export|Choose"):
        analyze_video(bad_files[name])


def _traces(rgb, fps=FPS, motion=None):
    n = len(rgb)
    return Traces(
        Roi.FULL_FRAME,
        timestamps=list(np.arange(n) / fps),
        rgb=[tuple(map(float, row)) for row in rgb],
        valid=[True] * n,
        motion=[0.0] * n if motion is None else list(motion),
        luminance=[120.0] * n,
        contrast=[20.0] * n,
        pixels=[64 * 48] * n,
    )


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_a_colour_that_does_not_change_has_no_pulse_even_unflagged(method):
    """Behind the repeat check: a constant trace plus codec-sized rounding is not a pulse."""
    n = int(15 * FPS)
    rgb = np.tile(SKIN_BGR[::-1], (n, 1)) + 1e-9 * np.sin(np.arange(n) * 0.4)[:, None]
    result = analyze_traces(_traces(rgb), FPS, method)
    assert result.status == "low_quality"
    assert result.heart_rate_bpm is None
    assert {w.reason for w in result.series} == {"still"}
    assert "colour did not change" in result.message


def test_a_peak_on_the_band_edge_is_not_a_rate():
    t = np.arange(int(30 * FPS)) / FPS
    drift = 0.02 * np.sin(2 * np.pi * 0.55 * t)  # below the band: only its skirt gets through
    rng = np.random.default_rng(1)
    rgb = SKIN_BGR[::-1] * (1 + drift[:, None] * PBV[::-1]) + rng.normal(0, 0.002, (t.size, 3))
    series = rate_series(rgb, FPS, "green")
    assert series and all(not w.measurable for w in series)
    assert {w.reason for w in series} <= {"edge", "snr"}
    assert any(w.reason == "edge" for w in series)


def test_jitter_is_refused_in_pixels():
    """A crop that jumps around: refused, saying how far it moves."""
    rng = np.random.default_rng(2)
    n = int(15 * FPS)
    rgb = np.tile(SKIN_BGR[::-1], (n, 1)) * (1 + 0.05 * rng.standard_normal((n, 1)))
    traces = _traces(rgb, motion=np.full(n, 0.4))
    traces.shift_px = [13.0] * n
    result = analyze_traces(traces, FPS, "pos")
    assert result.status == "low_quality"
    assert "moves 13 px per frame" in result.message


def test_one_window_in_six_is_not_a_heart_rate():
    reasons = ["", "snr", "snr", "snr", "snr", "snr"]
    assert recording_rate([39.0] * 6, reasons).bpm is None
    verdict = recording_rate([72, 72.5, 71.8, 72.2, 60, 72], [""] * 6)
    assert verdict.bpm == pytest.approx(72.1, abs=0.2)
    assert verdict.agreeing == 5


def test_windows_that_disagree_are_not_a_heart_rate():
    verdict = recording_rate([50, 70, 90, 110, 130, 150], [""] * 6)
    assert verdict.bpm is None
    assert "disagree" in verdict.message


def test_pca_and_ica_need_more_snr_than_the_single_projection_methods():
    assert snr_threshold_db("pca") >= snr_threshold_db("pos")
    assert snr_threshold_db("ica") >= snr_threshold_db("pos")
    assert min(snr_threshold_db(m) for m in METHOD_NAMES) >= 2.0
