"""`workstation --version` names the app version and every shipped model with its sha256."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from helpers import ROOT

from workstation import __version__
from workstation.cli import main


def version_output(capsys) -> list[str]:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    return capsys.readouterr().out.splitlines()


def test_version_lists_each_model_card_and_its_hash(capsys):
    lines = version_output(capsys)
    assert lines[0] == f"workstation {__version__}"
    cards = sorted((ROOT / "models").glob("*.json"))
    assert cards
    for path in cards:
        card = json.loads(path.read_text())
        digest = hashlib.sha256(path.with_suffix(".onnx").read_bytes()).hexdigest()
        assert f"  {path.stem} {card['version']} sha256:{digest}" in lines


def test_version_flags_a_model_that_does_not_match_its_card(tmp_path, monkeypatch, capsys):
    for path in (ROOT / "models").glob("ecg-segmentation.*"):
        shutil.copy(path, tmp_path)
    (tmp_path / "ecg-segmentation.onnx").write_bytes(b"not the trained model")
    monkeypatch.setenv("WORKSTATION_MODELS", str(tmp_path))
    (line,) = [line for line in version_output(capsys) if "ecg-segmentation" in line]
    assert "MISMATCH" in line
