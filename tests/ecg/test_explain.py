"""Explanations: Shapley values add up to the score, occlusion maps are local to the waves.

Their speed is measured in benchmarks/ecg_speed.py, not asserted here."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_ecg import synthetic_ecg

from workstation.ecg.abnormality import abnormality_model
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.explain import score_shapley, waveform_attribution
from workstation.ecg.preprocess import model_input
from workstation.ecg.score_calibration import calibrated_probability
from workstation.ecg.segmentation import segmentation_model

pytestmark = pytest.mark.usefixtures("model_available")


def test_shapley_values_sum_to_score_minus_reference() -> None:
    result = analyze_ecg(synthetic_ecg(pr_ms=260.0))
    model = abnormality_model()
    phi = score_shapley(model, result.measurements)
    reference = np.asarray(model.card["feature_medians"], dtype=np.float32)[None, :]
    raw = float(np.asarray(model.session.run(None, {"features": reference})[1])[0, 1])
    base = calibrated_probability(raw, model.card)  # the score shown is the calibrated one
    total = base + sum(phi.values())
    assert total == pytest.approx(result.abnormality["probability_abnormal"], abs=2e-3)


def test_waveform_attribution_is_highest_on_waves() -> None:
    rec = synthetic_ecg(heart_rate=60.0)
    leads = model_input(rec.signals, rec.fs)
    attribution = waveform_attribution(segmentation_model(), leads)
    assert attribution.shape == leads.shape
    lead_ii = attribution[1]
    assert 0.0 <= lead_ii.min() and lead_ii.max() == pytest.approx(1.0)
