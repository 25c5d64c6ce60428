"""`workstation analyze vitals`: exit codes, JSON, and a plain refusal."""

from __future__ import annotations

import json
from pathlib import Path

from workstation.cli import main


def test_a_stay_gives_news2_risk_and_drivers_as_json(stay_file, tmp_path: Path, capsys):
    out = tmp_path / "out.json"
    assert main(["analyze", "vitals", str(stay_file), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["news2"]["worst"]["total"] >= result["news2"]["latest"]["total"] >= 0
    assert 0 <= result["risk"]["probability"] <= 1
    assert result["risk"]["model"]["name"] == "vitals-risk"
    assert result["drivers"]["variables"]
    printed = capsys.readouterr().out
    assert "NEWS2 worst" in printed and "For clinical review, not diagnosis." in printed


def test_too_little_data_exits_2_with_a_plain_message(tmp_path: Path, capsys):
    path = tmp_path / "few.csv"
    path.write_text("Time,Parameter,Value\n00:10,HR,80\n")
    assert main(["analyze", "vitals", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workstation: Only 1 values") and "Traceback" not in err


def test_a_file_that_is_not_vitals_exits_2(tmp_path: Path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    assert main(["analyze", "vitals", str(path)]) == 2
    assert "Time,Parameter,Value" in capsys.readouterr().err
