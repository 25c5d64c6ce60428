"""Preferences write the report settings file the reports read: any institution name a user
types comes back as one line, exactly, and the paper as chosen."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.reports import Paper, ReportSettings, load_report_settings
from workstation.reports.settings import save_report_settings


def test_a_saved_name_with_quotes_and_backslashes_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "reports.toml"
    saved = ReportSettings('Ward 7, "St. Example" \\ Cardiology', Paper.LETTER)
    assert save_report_settings(saved, path) == path
    assert load_report_settings(path) == saved


def test_control_characters_become_single_spaces(tmp_path: Path) -> None:
    path = tmp_path / "reports.toml"
    save_report_settings(ReportSettings("Ward\t7\n\x7fCardiology ", Paper.A4), path)
    assert load_report_settings(path) == ReportSettings("Ward 7 Cardiology", Paper.A4)


@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=80), paper=st.sampled_from(list(Paper)))
def test_any_typed_name_reads_back_as_one_printable_line(
    tmp_path_factory, name: str, paper: Paper
) -> None:
    path = tmp_path_factory.mktemp("settings") / "reports.toml"
    save_report_settings(ReportSettings(name, paper), path)
    loaded = load_report_settings(path)
    assert loaded.paper is paper
    printable = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name)
    assert loaded.institution == " ".join(printable.split())
