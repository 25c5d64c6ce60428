"""The report takes its form from what was recorded: a rhythm recording gets a rhythm summary
and episode strips with their times (the resting 12-lead printout is tested in tests/reports)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import shared
from pypdf import PdfReader

from workstation.cli import main

pytestmark = pytest.mark.usefixtures("model_available")


def pdf_text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_a_two_lead_af_recording_gets_a_rhythm_report_with_episode_strips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "absent.toml"))
    record = shared("cpsc2021-sample", "data_101_8.hea")  # 121 s, AF from about 18 s to 71 s
    out = tmp_path / "holter.pdf"
    assert main(["analyze", "ecg", str(record), "--pdf", str(out)]) == 0
    capsys.readouterr()
    pages = pdf_text(out)
    assert "Rhythm ECG (Holter): rhythm summary" in pages[0]
    assert "Resting 12-lead ECG" not in "".join(pages)
    assert "AF burden" in pages[0] and "Heart rate per minute" in pages[0]
    assert "00:00:2" in pages[0]  # the first episode's start in the episode table
    assert "AF episode 1 from 00:00:2" in pages[1]
    assert "details" in pages[-1]
