"""Explanations: Shapley values add up to the score, occlusion maps are local to the waves.

Their speed is measured in benchmarks/ecg_speed.py, not asserted here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from synthetic_ecg import synthetic_ecg

from workstation.ecg.abnormality import (
    NORMAL_REFERENCE,
    TRAINING_REFERENCE,
    abnormality_model,
    explanation_reference,
)
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.explain import score_shapley, waveform_attribution
from workstation.ecg.features import FEATURES
from workstation.ecg.preprocess import model_input
from workstation.ecg.score_calibration import calibrated_probability
from workstation.ecg.segmentation import segmentation_model

pytestmark = pytest.mark.usefixtures("model_available")


def test_shapley_values_sum_to_score_minus_reference() -> None:
    result = analyze_ecg(synthetic_ecg(pr_ms=260.0))
    model = abnormality_model()
    phi = score_shapley(model, result.measurements)
    reference = explanation_reference(model.card)[0][None, :]
    raw = float(np.asarray(model.session.run(None, {"features": reference})[1])[0, 1])
    base = calibrated_probability(raw, model.card)  # the score shown is the calibrated one
    assert base == pytest.approx(result.abnormality["reference_probability"], abs=1e-4)
    total = base + sum(phi.values())
    assert total == pytest.approx(result.abnormality["probability_abnormal"], abs=2e-3)


def test_the_reference_is_a_typical_normal_ecg_and_a_missing_measurement_shows_its_effect() -> None:
    """Against the median of all training ECGs (mostly abnormal) the reference scored 0.98 and
    an abnormal ECG had nothing left to explain. The median normal ECG scores below the
    screening threshold, so a long PR carries the score above it. PR not measured (removed
    here, as in AF) enters at the training median: the reference stays the same and the PR
    line shows what imputing it did."""
    model = abnormality_model()
    normal, name = explanation_reference(model.card)
    assert name == NORMAL_REFERENCE
    assert normal.tolist() == pytest.approx(model.card["normal_feature_medians"])
    raw = float(np.asarray(model.session.run(None, {"features": normal[None, :]})[1])[0, 1])
    assert calibrated_probability(raw, model.card) < model.card["threshold"]
    result = analyze_ecg(synthetic_ecg(pr_ms=260.0))
    assert result.abnormality["reference"] == NORMAL_REFERENCE
    phi = score_shapley(model, result.measurements)
    assert result.abnormality["probability_abnormal"] > model.card["threshold"]
    assert sum(phi.values()) > 0.2 and phi["pr_ms"] > 0.0
    without_pr = replace(result.measurements, pr_ms=None)
    imputed = model.card["feature_medians"][FEATURES.index("pr_ms")]
    normal_pr = model.card["normal_feature_medians"][FEATURES.index("pr_ms")]
    assert imputed != normal_pr
    assert score_shapley(model, without_pr)["pr_ms"] != 0.0
    older = {k: v for k, v in model.card.items() if k != "normal_feature_medians"}
    assert explanation_reference(older)[1] == TRAINING_REFERENCE  # cards before 1.4.2


def test_waveform_attribution_is_highest_on_waves() -> None:
    rec = synthetic_ecg(heart_rate=60.0)
    leads = model_input(rec.signals, rec.fs)
    attribution = waveform_attribution(segmentation_model(), leads)
    assert attribution.shape == leads.shape
    lead_ii = attribution[1]
    assert 0.0 <= lead_ii.min() and lead_ii.max() == pytest.approx(1.0)
