"""`workstation analyze video` on a generated clip."""

import json

import pytest

from workstation.cli import main
from workstation.rppg.synthetic import ClipSpec, write_clip


def test_cli_analyze_video_json(tmp_path, capsys):
    clip = write_clip(
        tmp_path / "face.avi", ClipSpec(bpm=72, seconds=14, width=160, height=120, seed=72)
    )
    out = tmp_path / "vitals.json"
    assert main(["analyze", "video", str(clip), "--method", "pos", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["status"] == "ok"
    assert result["heart_rate_bpm"] == pytest.approx(72, abs=1.5)
    assert result["series_columns"] == ["t_s", "bpm", "snr_db", "measurable"]
    assert {"frames", "fps", "method", "hrv", "timings", "indicators"} <= set(result)
    assert json.loads(capsys.readouterr().out) == result


def test_cli_says_why_there_is_no_number(tmp_path, capsys):
    clip = write_clip(tmp_path / "short.avi", ClipSpec(seconds=2, width=160, height=120))
    assert main(["analyze", "video", str(clip)]) == 3
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == "too_short"
    assert "at least 10 s" in captured.err
