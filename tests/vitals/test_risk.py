"""The shipped vitals-risk model: verified load, calibrated probabilities, determinism, refusal."""

from __future__ import annotations

import numpy as np
import pytest

from workstation.errors import VitalsNotAssessable
from workstation.inference.cards import models_dir, read_card
from workstation.vitals.explain import explain_risk
from workstation.vitals.features import feature_names
from workstation.vitals.observations import parse_vitals, read_vitals
from workstation.vitals.risk import RiskModel, predict_risk


@pytest.fixture(scope="module")
def model() -> RiskModel:
    return RiskModel.load()


def test_the_card_states_data_split_metrics_and_intended_use():
    card = read_card("vitals-risk")
    assert card["features"] == feature_names()
    assert "clinical review, not diagnosis" in card["intended_use"].lower()
    metrics = card["metrics"]
    for key in ("saps_i", "sofa", "news2_worst_48h", "shipped"):
        assert len(metrics[key]["auroc_ci95"]) == 2 and len(metrics[key]["event1_ci95"]) == 2
    assert card["training_data"]["split"]["file"] == "physionet2012a_folds.json"
    assert "SaO2" in card["limitations"]
    assert (models_dir() / "vitals-risk.onnx").is_file()


def test_calibrated_probabilities_are_in_range_and_deterministic(model, stay_files):
    probs = []
    for path in stay_files:
        vitals = read_vitals(path)
        first = predict_risk(vitals, model)
        again = predict_risk(vitals, RiskModel.load())
        assert first.probability == again.probability
        assert 0.0 <= first.probability <= 1.0
        assert first.model["name"] == "vitals-risk" and len(first.model["sha256"]) == 64
        probs.append(first.probability)
    assert len(set(probs)) > 1  # different stays, different risks


def test_calibration_curve_is_monotone(model):
    assert np.all(np.diff(model.calibration_y) >= 0)
    raw = np.linspace(0, 1, 50)
    cal = np.interp(raw, model.calibration_x, model.calibration_y)
    assert np.all(np.diff(cal) >= 0) and cal.min() >= 0 and cal.max() <= 1


def test_too_few_core_vitals_are_refused_in_plain_words(model):
    vitals = parse_vitals("Time,Parameter,Value\n00:10,HR,80\n00:20,Temp,37\n", "short.csv")
    with pytest.raises(VitalsNotAssessable, match="Only 2 values of the core vital signs"):
        predict_risk(vitals, model)


def test_drivers_name_charted_variables_and_every_six_hours(model, stay_file):
    vitals = read_vitals(stay_file)
    risk = predict_risk(vitals, model)
    explanation = explain_risk(vitals, model, risk.at_hours)
    charted = set(vitals.parameters())
    assert explanation.variables and all(d.name in charted for d in explanation.variables)
    assert len(explanation.hours) == int(np.ceil(risk.at_hours / 6))
    changes = [abs(d.change) for d in explanation.variables]
    assert changes == sorted(changes, reverse=True)
