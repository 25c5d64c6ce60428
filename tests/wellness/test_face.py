"""Face presence and frontality: refusal on face-free clips, detection on synthetic faces.

The synthetic clips (workstation.rppg.synthetic) place scikit-image's public-domain
"astronaut" photograph, a real frontal face, which the Haar cascade finds; "scene" is a
photograph without a face. The shared rPPG skin patches are real skin crops with no face.
"""

from __future__ import annotations

import shutil
from itertools import islice
from pathlib import Path

import pytest
from helpers import shared

from workstation.inference.cards import models_dir, read_card
from workstation.rppg.frames import open_video
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.wellness.face import analyse_frames, analyse_video


@pytest.fixture(scope="module")
def face_clip(tmp_path_factory) -> Path:
    return write_clip(
        tmp_path_factory.mktemp("face") / "face.avi", ClipSpec(seconds=1.0, width=320, height=240)
    )


def test_a_synthetic_frontal_face_is_found_and_its_expressions_read(face_clip):
    result = analyse_video(face_clip)
    assert result.quality.measurable
    assert result.quality.checks["face_found_fraction"] > 0.9
    assert result.quality.checks["frontal_fraction"] > 0.9
    assert 0.0 <= result.features["negative_affect"] <= 1.0
    # The astronaut smiles; one image, a plausibility check of the conversion, not validation.
    assert result.features["positive_affect"] > 0.5
    assert any("unvalidated here" in note for note in result.notes)


def test_the_emotion_model_card_says_it_is_experimental_and_unvalidated_here():
    card = read_card("face-emotion")
    assert card["status"] == "experimental" and card["validated_here"] is False
    assert "unvalidated here" in card["metrics"]["measured_here"]
    assert "not diagnosis" in card["intended_use"]


def test_without_the_model_presence_is_still_measured_and_the_gap_is_said(face_clip):
    result = analyse_video(face_clip, use_model=False)
    assert result.quality.measurable
    assert "negative_affect" not in result.features


def test_a_photograph_without_a_face_is_refused(tmp_path):
    clip = write_clip(
        tmp_path / "scene.avi", ClipSpec(seconds=1.0, width=320, height=240, content="scene")
    )
    result = analyse_video(clip)
    assert not result.quality.measurable
    assert "face was found in only" in result.quality.reason
    assert result.features == {}


@pytest.mark.parametrize(
    "clip", ["India/video10_forehead.avi", "Sierra_Leone/video19_forehead.avi"]
)
def test_face_free_skin_patches_are_refused(clip):
    path = shared("rppg-skin-patches", clip)
    with open_video(path) as source:
        frames = ((f.timestamp_s, f.image) for f in islice(source, 45))
        result = analyse_frames(frames)
    assert not result.quality.measurable
    assert result.quality.checks["frames_analysed"] >= 20


def test_a_missing_or_altered_model_is_said_and_never_run(face_clip, tmp_path, monkeypatch):
    shipped = models_dir()
    monkeypatch.setenv("WORKSTATION_MODELS", str(tmp_path))
    missing = analyse_video(face_clip)
    assert "model not installed" in missing.notes[0]
    assert missing.quality.measurable and "negative_affect" not in missing.features
    shutil.copy(shipped / "face-emotion.json", tmp_path)
    data = bytearray((shipped / "face-emotion.onnx").read_bytes())
    data[-1] ^= 1
    (tmp_path / "face-emotion.onnx").write_bytes(bytes(data))
    altered = analyse_video(face_clip)
    assert "expressions not measured" in altered.notes[0]
    assert "negative_affect" not in altered.features
