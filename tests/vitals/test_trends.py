"""Change detection flags a real shift in level and stays quiet on noise."""

from __future__ import annotations

import numpy as np

from workstation.vitals.trends import detect_changes


def test_a_shift_in_heart_rate_is_flagged_near_where_it_happened():
    rng = np.random.default_rng(3)
    hours = np.arange(60.0)
    values = np.r_[rng.normal(75, 3, 30), rng.normal(100, 3, 30)]
    changes = detect_changes("HR", hours, values)
    assert len(changes) == 1
    assert 28 <= changes[0].hours <= 32
    assert changes[0].before < 80 < 95 < changes[0].after
    assert "rose" in changes[0].describe() and "for review" in changes[0].describe()


def test_noise_alone_is_not_flagged():
    rng = np.random.default_rng(4)
    assert detect_changes("HR", np.arange(80.0), rng.normal(80, 5, 80)) == []


def test_too_short_or_flat_series_are_not_searched():
    assert detect_changes("HR", np.arange(5.0), np.array([70, 71, 120, 121, 122.0])) == []
    assert detect_changes("HR", np.arange(20.0), np.full(20, 80.0)) == []
