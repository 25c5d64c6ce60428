"""NEWS2 against the RCP 2017 chart: every threshold edge, SpO2 scale 1, bands, red score."""

from __future__ import annotations

import pytest

from workstation.vitals.news2 import (
    Band,
    News2Inputs,
    news2,
    pulse_score,
    respiration_score,
    spo2_scale1_score,
    systolic_score,
    temperature_score,
)

NORMAL = dict(
    respiration_rate=16, spo2=97, on_oxygen=False, systolic_bp=120, pulse=70, alert=True,
    temperature=37.0,
)  # fmt: skip


@pytest.mark.parametrize(
    ("rate", "score"), [(8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3)]
)
def test_respiration_rate_chart_rows(rate, score):
    assert respiration_score(rate) == score


@pytest.mark.parametrize(
    ("spo2", "score"), [(91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)]
)
def test_spo2_scale_1_chart_rows(spo2, score):
    assert spo2_scale1_score(spo2) == score


@pytest.mark.parametrize(
    ("sbp", "score"),
    [(90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)],
)
def test_systolic_pressure_chart_rows(sbp, score):
    assert systolic_score(sbp) == score


@pytest.mark.parametrize(
    ("pulse", "score"),
    [(40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2),
     (131, 3)],
)  # fmt: skip
def test_pulse_chart_rows(pulse, score):
    assert pulse_score(pulse) == score


@pytest.mark.parametrize(
    ("temp", "score"),
    [(35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2)],
)
def test_temperature_chart_rows(temp, score):
    assert temperature_score(temp) == score


def test_values_between_chart_rows_are_charted_to_the_nearest_whole_number():
    assert respiration_score(20.4) == 0
    assert respiration_score(20.5) == 2
    assert spo2_scale1_score(95.6) == 0


def test_a_normal_set_scores_zero_and_low():
    score = news2(News2Inputs(**NORMAL))
    assert (score.total, score.band, score.complete) == (0, Band.LOW, True)


def test_oxygen_and_new_confusion_score_two_and_three():
    score = news2(News2Inputs(**{**NORMAL, "on_oxygen": True, "alert": False}))
    assert score.subscores["air_or_oxygen"] == 2
    assert score.subscores["consciousness"] == 3
    assert score.total == 5 and score.band == Band.MEDIUM


def test_a_single_red_score_makes_a_low_total_low_medium():
    score = news2(News2Inputs(**{**NORMAL, "pulse": 135}))
    assert score.total == 3 and score.band == Band.LOW_MEDIUM


def test_four_without_a_red_score_stays_low():
    score = news2(News2Inputs(**{**NORMAL, "respiration_rate": 22, "pulse": 115}))
    assert score.total == 4 and score.band == Band.LOW


@pytest.mark.parametrize(
    ("extra", "band"),
    [({"temperature": 39.5}, Band.MEDIUM), ({"temperature": 39.5, "systolic_bp": 95}, Band.HIGH)],
)
def test_medium_from_five_and_high_from_seven(extra, band):
    base = {**NORMAL, "respiration_rate": 22, "pulse": 115}  # 4
    assert news2(News2Inputs(**{**base, **extra})).band == band


def test_a_missing_parameter_makes_an_incomplete_lower_bound():
    score = news2(News2Inputs(**{**NORMAL, "respiration_rate": None, "pulse": 135}))
    assert not score.complete and score.missing == ("respiration",)
    assert score.total == 3
    assert "at least 3" in score.describe() and "incomplete" in score.describe()
