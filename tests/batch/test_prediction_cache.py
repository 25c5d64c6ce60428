"""The prediction cache: a repeated import is served from it and says so; a changed model
misses it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import shared

from workstation.app.prediction_cache import (
    SERVED_FROM_CACHE,
    cached_ecg_analysis,
    ecg_cache_key,
    models_sha256,
)
from workstation.app.progress import Progress
from workstation.app.sessions import import_recording
from workstation.ecg.abnormality import abnormality_model
from workstation.ecg.segmentation import segmentation_model
from workstation.inference.cards import models_dir
from workstation.vault import ModelInfo, Vault

#: ModelProto field 6 (doc_string) once more: a valid model whose bytes, hence sha256, differ,
#: as a retrained model's would.
_NEW_DOC_STRING = b"\x32\x09retrained"


@pytest.fixture
def fresh_models():
    """Forget the loaded models before and after, so each side loads from WORKSTATION_MODELS."""
    segmentation_model.cache_clear()
    abnormality_model.cache_clear()
    yield
    segmentation_model.cache_clear()
    abnormality_model.cache_clear()


def _retrained_copy(destination: Path) -> str:
    destination.mkdir()
    for name in ("ecg-segmentation", "ecg-abnormality"):
        for suffix in (".onnx", ".json"):
            shutil.copy(models_dir() / f"{name}{suffix}", destination / f"{name}{suffix}")
    model = destination / "ecg-segmentation.onnx"
    model.write_bytes(model.read_bytes() + _NEW_DOC_STRING)
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    card_path = destination / "ecg-segmentation.json"
    card = json.loads(card_path.read_text())
    card["sha256"] = digest
    card_path.write_text(json.dumps(card))
    return digest


def test_repeated_import_is_served_from_cache_and_a_changed_model_misses(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_models: None
) -> None:
    record = shared("ludb", "data", "1.hea")
    patient = vault.add_patient("P-1", "Doe, Jane", "F")
    steps: list[str] = []
    first = import_recording(vault, patient.id, record, Progress(lambda _p, m: steps.append(m)))
    assert SERVED_FROM_CACHE not in steps
    steps.clear()

    second = import_recording(vault, patient.id, record, Progress(lambda _p, m: steps.append(m)))

    assert SERVED_FROM_CACHE in steps
    assert second.result.to_json() == first.result.to_json()
    assert np.array_equal(second.attribution, first.attribution)
    assert cached_ecg_analysis(vault, second.recording, Progress()).from_cache

    digest = _retrained_copy(tmp_path / "models")
    monkeypatch.setenv("WORKSTATION_MODELS", str(tmp_path / "models"))
    segmentation_model.cache_clear()

    changed = cached_ecg_analysis(vault, second.recording, Progress())

    assert not changed.from_cache
    assert {m.name: m.sha256 for m in changed.result.models}["ecg-segmentation"] == digest
    assert cached_ecg_analysis(vault, second.recording, Progress()).from_cache


def test_a_new_card_version_around_the_same_model_file_misses() -> None:
    """Card 1.4.2 changed the explanation's reference and kept the ONNX file: the cache
    key must change with the card's version, not only with the file's hash."""
    old = (ModelInfo("ecg-abnormality", "1.4.1", "fb" * 32),)
    new = (ModelInfo("ecg-abnormality", "1.4.2", "fb" * 32),)
    assert models_sha256(old) != models_sha256(new)


def test_a_card_rewritten_around_the_same_model_file_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Training rewrites a card (calibration, threshold, the explanation's reference) even
    when the model file comes out byte for byte the same: the key follows the card's
    contents, not only its version."""
    copy = tmp_path / "models"
    copy.mkdir()
    for name in ("ecg-segmentation", "ecg-abnormality"):
        for suffix in (".onnx", ".json"):
            shutil.copy(models_dir() / f"{name}{suffix}", copy / f"{name}{suffix}")
    monkeypatch.setenv("WORKSTATION_MODELS", str(copy))
    models = (ModelInfo("ecg-abnormality", "1.4.2", "fb" * 32),)
    before = ecg_cache_key("ab" * 32, models)
    card = json.loads((copy / "ecg-abnormality.json").read_text())
    card["normal_feature_medians"][0] += 1.0  # same version, same model file
    (copy / "ecg-abnormality.json").write_text(json.dumps(card))
    after = ecg_cache_key("ab" * 32, models)
    assert after.digest != before.digest and after.model_sha256 == before.model_sha256
