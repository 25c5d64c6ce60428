"""The score's arithmetic as the Explanations tab shows it, from stored analyses old and new."""

from __future__ import annotations

import pytest

from workstation.app.score_explanation import score_arithmetic

STORED = {
    "abnormality": {
        "probability_abnormal": 0.9,
        "threshold": 0.8,
        "model_output": 0.95,
        "reference_probability": 0.7,
        "reference_features": {"qrs_ms": 102.0, "pr_ms": 154.0},
        "calibration": {"method": "platt", "a": 0.5, "b": 0.25},
        "features": {"qrs_ms": 130.0, "pr_ms": None},
        "explanation": {"qrs_ms": 0.2, "pr_ms": 0.0},
    }
}


def test_rows_are_in_clinician_words_largest_first_and_add_up() -> None:
    arithmetic = score_arithmetic(STORED)
    assert arithmetic is not None
    first, second = arithmetic.contributions
    assert (first.label, first.value, first.reference) == ("QRS duration", "130 ms", "102 ms")
    assert second.value == "not measured (median used)"
    assert arithmetic.shown_total == pytest.approx(0.9)
    assert "0.700 (reference ECG) + 0.200 (sum of contributions) = 0.900" in arithmetic.sum_line()


def test_the_calibration_line_recomputes_the_probability_from_the_raw_output() -> None:
    line = score_arithmetic(STORED).calibration_line()
    # logit(0.95) = 2.944; 0.5 * 2.944 + 0.25 = 1.722; 1 / (1 + e^-1.722) = 0.848
    assert "logit(0.950) = 2.944" in line and "= 1.722" in line and line.count("0.848") == 1


def test_an_analysis_stored_without_the_reference_says_so_instead_of_a_sum() -> None:
    old = {"abnormality": {**STORED["abnormality"], "reference_probability": None}}
    arithmetic = score_arithmetic(old)
    assert arithmetic.shown_total is None
    assert "cannot be shown" in arithmetic.sum_line()
    assert score_arithmetic({"abnormality": {"probability_abnormal": 0.5}}) is None


def test_the_reference_is_named_as_it_was_stored() -> None:
    """Analyses stored before the reference was recorded were explained against the
    training-median ECG and are named so; new ones carry the name they were computed with."""
    assert score_arithmetic(STORED).reference_name == "the training-median ECG"
    new = {"abnormality": {**STORED["abnormality"], "reference": "a typical normal ECG"}}
    described = score_arithmetic(new).reference_description
    assert described.startswith("a typical normal ECG (every measurement at the median of the")
