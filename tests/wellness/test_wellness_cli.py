"""`workstation analyze wellness`: JSON out, plain messages and exit code 2 on bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from wellness_signals import FS, syllable_train, walking, write_motion_csv, write_wav

from workstation.cli import main


def test_audio_and_motion_give_json_with_every_component_and_the_label(tmp_path, capsys):
    audio = write_wav(tmp_path / "a.wav", syllable_train(4.0, 6.0))
    motion = write_motion_csv(tmp_path / "m.csv", *walking(30, 2.0))
    out = tmp_path / "out.json"
    assert (
        main(
            [
                "analyze",
                "wellness",
                "--audio",
                str(audio),
                "--motion",
                str(motion),
                "--json",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert data["label"].startswith("Wellness observation for clinical review, not diagnosis")
    assert data["modalities"]["motion"]["features"]["cadence_hz"] == pytest.approx(2.0, abs=0.05)
    assert data["fusion"]["total"] is None and "no baseline yet" in data["fusion"]["message"]
    assert len(data["fusion"]["components"]) == 11
    printed = capsys.readouterr().out
    assert "voice: measurable" in printed and "[W01]" in printed


def test_unreadable_and_unmeasurable_inputs_exit_2_with_a_plain_message(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\n")
    assert main(["analyze", "wellness", "--motion", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "motion file bad.csv" in err and "Traceback" not in err
    noise = write_wav(tmp_path / "n.wav", np.random.default_rng(0).normal(0, 0.05, 3 * FS))
    assert main(["analyze", "wellness", "--audio", str(noise)]) == 2
    assert "Nothing in this wellness session is measurable" in capsys.readouterr().err
    assert main(["analyze", "wellness"]) == 2
    assert "No wellness input" in capsys.readouterr().err
