"""The composite is transparent: every component listed, points add up, exclusions named."""

from __future__ import annotations

import numpy as np
import pytest

from workstation.wellness.baseline import NO_BASELINE, build_baseline
from workstation.wellness.fusion import COMPONENTS, load_rules, points_for
from workstation.wellness.observation import ModalityResult, Quality
from workstation.wellness.session import compose


def _voice(pitch: float, rate: float) -> ModalityResult:
    features = {"pitch_mean_hz": pitch, "speech_rate_syl_s": rate, "loudness_dbfs": -20.0}
    return ModalityResult(
        "voice", Quality(True, {"snr_db": 30.0}), features, {"pitch_mean_hz": "Hz"}
    )


def _motion(energy: float) -> ModalityResult:
    return ModalityResult(
        "motion", Quality(True, {}), {"activity_energy": energy, "fidgeting_fraction": 0.1}, {}
    )


def _face_failed() -> ModalityResult:
    return ModalityResult(
        "face",
        Quality(False, {"face_found_fraction": 0.1}, "a face was found in only 10 % of frames"),
        {},
        {},
    )


def _history(n: int) -> list[dict[str, float]]:
    rng = np.random.default_rng(0)
    return [
        {
            "voice.pitch_mean_hz": 120 + rng.normal(0, 5),
            "voice.speech_rate_syl_s": 4 + rng.normal(0, 0.3),
            "voice.loudness_dbfs": -20 + rng.normal(0, 1),
            "motion.activity_energy": 1.0 + rng.normal(0, 0.1),
            "motion.fidgeting_fraction": 0.1 + rng.normal(0, 0.02),
        }
        for _ in range(n)
    ]


@pytest.mark.parametrize(
    ("z", "points"), [(0.0, 0), (-0.99, 0), (1.0, 1), (-2.5, 2), (3.0, 3), (7.0, 3)]
)
def test_z_scores_are_banded_by_the_fixed_table(z, points):
    assert points_for(z) == points


def test_points_add_up_to_the_total_and_failed_modalities_are_excluded_by_name():
    baseline = build_baseline(_history(6))
    session = compose(
        {"voice": _voice(150.0, 4.0), "motion": _motion(1.0), "face": _face_failed()}, baseline, {}
    )
    fusion = session.fusion
    assert [c.key for c in fusion.components] == [k for k, _, _ in COMPONENTS]
    scored = [c for c in fusion.components if c.status == "scored"]
    assert fusion.total == sum(c.points * c.weight for c in scored)
    assert fusion.excluded == {"face": "a face was found in only 10 % of frames"}
    face = [c for c in fusion.components if c.key.startswith("face.")]
    assert all(c.status.startswith("excluded: a face was found") and c.points is None for c in face)
    pitch = next(c for c in fusion.components if c.key == "voice.pitch_mean_hz")
    assert pitch.z == pytest.approx((150.0 - pitch.baseline_mean) / pitch.baseline_sd)
    assert pitch.points == points_for(pitch.z) and pitch.points >= 2
    ids = [r.rule_id for r in fusion.recommendations]
    assert "W02" in ids and "W20" in ids and "W01" not in ids
    assert "not diagnosis" in session.to_json()["label"]


def test_without_enough_earlier_sessions_no_score_is_made():
    baseline = build_baseline(_history(2))
    fusion = compose({"voice": _voice(150.0, 4.0)}, baseline, {}).fusion
    assert fusion.total is None
    assert NO_BASELINE in fusion.message
    assert all(c.z is None and c.points is None for c in fusion.components)
    pitch = next(c for c in fusion.components if c.key == "voice.pitch_mean_hz")
    assert pitch.value == 150.0 and pitch.status == "no baseline"
    assert [r.rule_id for r in fusion.recommendations][:2] == ["W00", "W01"]


def test_a_session_at_baseline_scores_zero():
    history = _history(8)
    mean = {k: float(np.mean([h[k] for h in history])) for k in history[0]}
    voice = _voice(mean["voice.pitch_mean_hz"], mean["voice.speech_rate_syl_s"])
    fusion = compose(
        {"voice": voice, "motion": _motion(mean["motion.activity_energy"])},
        build_baseline(history),
        {},
    ).fusion
    assert fusion.total is not None and fusion.total <= 1


def test_every_rule_condition_in_the_table_is_understood():
    from workstation.wellness.fusion import _holds

    keys = {k for k, _, _ in COMPONENTS}
    rules = load_rules()
    assert len(rules) >= 10
    for rule in rules:
        _holds(rule.condition, 1.0, {}, {}, True)
        if rule.condition.startswith("points:"):
            assert rule.condition[len("points:") :].split(">=")[0] in keys
    with pytest.raises(ValueError, match="unknown condition"):
        _holds("mood>=3", 1.0, {}, {}, True)
