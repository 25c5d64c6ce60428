"""The abnormality score: calibrated from its card, worded so that it cannot be misread."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from workstation.app.ecg_result import Score
from workstation.ecg.score_calibration import (
    ABOVE,
    BELOW,
    calibrated_probability,
    score_label,
    score_sentence,
)
from workstation.reports.ecg_content import card_summary, score_summary, st_rows
from workstation.reports.settings import StUnits
from workstation.training.abnormality_calibration import (
    TARGET_SENSITIVITY,
    apply_platt,
    fit_platt,
    reliability_curve,
    screening_threshold,
)

CARD = Path(__file__).resolve().parents[2] / "models" / "ecg-abnormality.json"
NORMAL_WORD = re.compile(r"\bnormal\b", re.IGNORECASE)


def test_sentence_never_says_normal_and_states_the_threshold():
    above = score_sentence(0.95, 0.4)
    assert above.startswith("Abnormality score 0.95: above the screening threshold (0.40)")
    assert "review" in above
    below = score_sentence(0.2, 0.4)
    assert "below the screening threshold (0.40)" in below
    assert "does not exclude disease" in below
    assert not NORMAL_WORD.search(above) and not NORMAL_WORD.search(below)
    assert score_label(0.4, 0.4) == ABOVE and score_label(0.39, 0.4) == BELOW


def test_stored_scores_of_older_versions_are_worded_the_same_way():
    old = Score(0.95, 0.97, "normal")  # as stored before calibration: label ignored
    assert "below the screening threshold (0.97)" in old.sentence
    assert not NORMAL_WORD.search(old.sentence)
    analysis = {"abnormality": {"probability_abnormal": 0.95, "threshold": 0.4, "label": "x"}}
    assert score_summary(analysis) == score_sentence(0.95, 0.4)


def test_platt_calibration_from_the_card():
    card = {"calibration": {"method": "platt", "a": 1.0, "b": 0.0}}
    assert calibrated_probability(0.7, card) == pytest.approx(0.7)
    card = {"calibration": {"method": "platt", "a": 0.5, "b": -1.0}}
    low, high = calibrated_probability(0.6, card), calibrated_probability(0.95, card)
    assert 0.0 < low < high < 1.0
    assert calibrated_probability(0.95, {}) == 0.95  # no calibration: raw output


def test_platt_fit_recovers_a_known_miscalibration():
    rng = np.random.default_rng(0)
    true = rng.uniform(0.02, 0.98, 4000)
    y = (rng.uniform(size=true.size) < true).astype(int)
    overconfident = 1 / (1 + np.exp(-3.0 * np.log(true / (1 - true))))  # a = 1/3 recovers
    a, b = fit_platt(overconfident, y)
    assert a == pytest.approx(1 / 3, abs=0.05) and b == pytest.approx(0.0, abs=0.1)
    calibrated = apply_platt(overconfident, a, b)
    for point in reliability_curve(calibrated, y, 5):
        assert point["observed"] == pytest.approx(point["predicted"], abs=0.05)


def test_screening_threshold_meets_its_sensitivity():
    rng = np.random.default_rng(1)
    y = np.r_[np.ones(90, int), np.zeros(20, int)]
    prob = np.r_[rng.uniform(0.3, 1, 90), rng.uniform(0, 0.7, 20)]
    t = screening_threshold(prob, y, TARGET_SENSITIVITY)
    assert (prob[y == 1] >= t).mean() >= TARGET_SENSITIVITY
    assert (prob[y == 1] >= np.nextafter(t, 1)).mean() < TARGET_SENSITIVITY


def test_shipped_card_holds_calibration_reliability_and_brier():
    card = json.loads(CARD.read_text())
    calibration = card["calibration"]
    assert calibration["method"] == "platt"
    assert len(calibration["reliability_curve"]) >= 3
    assert 0.0 <= calibration["brier"] <= 0.25
    assert calibration["brier_ci95"][0] <= calibration["brier"] <= calibration["brier_ci95"][1]
    assert f"{TARGET_SENSITIVITY:.2f}" in card["threshold_rule"]
    nested = card["metrics"]["nested_calibrated"]
    assert nested["sensitivity_at_threshold_ci95"][1] >= TARGET_SENSITIVITY - 0.1
    rows = dict(card_summary(card))
    assert "Brier score" in rows and "Reliability" in rows and "Intended use" in rows


def test_st_rows_for_measured_and_normalised_files():
    measured = {
        "st_segment": {
            "gain_mm_per_mv": 10.0,
            "leads": {
                "v2": {
                    "j_uv": 210.0,
                    "st60_uv": 180.0,
                    "st80_uv": None,
                    "j_mm": 2.1,
                    "st60_mm": 1.8,
                    "st80_mm": None,
                    "baseline": "PR segment",
                }
            },
        }
    }
    rows = dict(st_rows(measured))
    assert rows["ST V2"] == "+2.1 / +1.8 / — mm"  # the default unit (reports.settings)
    assert dict(st_rows(measured, StUnits.UV))["ST V2"] == "+210 / +180 / — µV"
    normalised = {"st_segment": {"gain_mm_per_mv": 10.0, "leads": {}, "not_measured": "why"}}
    assert st_rows(normalised) == [("ST segment", "not measured: why")]
    assert st_rows({}) == []
