"""Report settings from the ward's TOML file, and the vault-less `analyze ecg --pdf`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from workstation.cli import main
from workstation.errors import ReportSettingsInvalid
from workstation.reports import Paper, ReportSettings, load_report_settings


def test_settings_default_to_a4_without_institution(tmp_path: Path) -> None:
    assert load_report_settings(tmp_path / "absent.toml") == ReportSettings("", Paper.A4)


def test_settings_file_sets_institution_and_paper(tmp_path: Path) -> None:
    path = tmp_path / "reports.toml"
    path.write_text('institution = "Ward 7, St. Example"\npaper = "Letter"\n')
    assert load_report_settings(path) == ReportSettings("Ward 7, St. Example", Paper.LETTER)


@pytest.mark.parametrize("text", ['paper = "A3"\n', "institution = \n"])
def test_a_broken_settings_file_says_what_to_fix(tmp_path: Path, text: str) -> None:
    path = tmp_path / "reports.toml"
    path.write_text(text)
    with pytest.raises(ReportSettingsInvalid, match="reports.toml"):
        load_report_settings(path)


@pytest.mark.shared_data
def test_analyze_ecg_pdf_writes_an_unsigned_report_naming_no_patient(
    engine_analysis: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from helpers import shared

    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "absent.toml"))
    out = tmp_path / "ecg.pdf"
    assert main(["analyze", "ecg", str(shared("ludb", "data", "1.hea")), "--pdf", str(out)]) == 0
    capsys.readouterr()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "NOT SIGNED" in text
    assert "file analysed outside the vault" in text
    assert f"{engine_analysis['heart_rate_bpm']:.0f} bpm" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ecg.pdf"]
