"""Features at time t depend only on what was charted up to t (no imputation from the future)."""

from __future__ import annotations

import numpy as np

from workstation.vitals.features import feature_names, features_at, variable_columns
from workstation.vitals.observations import Measurement, Vitals, read_vitals


def _altered_after(vitals: Vitals, hours: float) -> Vitals:
    """The same stay with every value after ``hours`` changed and extra values added."""
    cut = hours * 60
    changed = tuple(
        Measurement(m.minutes, m.parameter, m.value * 1.7 + 3) if m.minutes > cut else m
        for m in vitals.measurements
    )
    extra = (Measurement(cut + 1, "Lactate", 12.0), Measurement(cut + 5, "HR", 180.0))
    return Vitals(vitals.source_name, changed + extra, vitals.descriptors)


def test_features_at_t_are_unchanged_when_data_after_t_is_altered(stay_file):
    vitals = read_vitals(stay_file)
    for t in (6.0, 24.0, 36.5):
        before = features_at(vitals, t)
        after = features_at(_altered_after(vitals, t), t)
        np.testing.assert_array_equal(before, after)
    assert not np.array_equal(
        features_at(vitals, 48.0), features_at(_altered_after(vitals, 24), 48)
    )


def test_a_variable_never_charted_is_missing_not_imputed(stay_file):
    vitals = read_vitals(stay_file)
    row = features_at(vitals, 48.0)
    names = feature_names()
    charted = set(vitals.parameters())
    absent = next(v for v in ("TroponinI", "Cholesterol", "TroponinT") if v not in charted)
    cols = variable_columns()[absent]
    values = dict(zip([names[c] for c in cols], row[cols], strict=True))
    assert values[f"{absent}_count"] == 0
    assert all(np.isnan(v) for k, v in values.items() if not k.endswith("_count"))


def test_last_and_time_since_last_follow_the_chart(stay_file):
    vitals = read_vitals(stay_file)
    hr = vitals.series("HR")
    row = dict(zip(feature_names(), features_at(vitals, 10.0), strict=True))
    known = hr.hours <= 10.0
    assert row["HR_last"] == np.float32(hr.values[known][-1])
    assert row["HR_count"] == known.sum()
    assert np.isclose(row["HR_since_last"], 10.0 - hr.hours[known][-1], atol=1e-4)
