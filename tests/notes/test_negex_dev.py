"""Negation on the held-out negex-dev reports (31-60), the split the benchmark reports.

The floor is the measured held-out accuracy (0.976, 95% CI 0.951-0.991, benchmarks/RESULTS.md)
less a margin, so the test fails when a change to the triggers or the window makes negation
clearly worse, not when a figure moves within its noise.
"""

from __future__ import annotations

import sys

import pytest
from helpers import ROOT, shared

from workstation.notes.lexicon import Category
from workstation.notes.pipeline import context_of_span

sys.path.insert(0, str(ROOT / "benchmarks"))
from notes_negation import HELD_OUT_REPORTS, read_negex_dev  # noqa: E402

ACCURACY_FLOOR = 0.95


@pytest.mark.shared_data
def test_held_out_negation_accuracy_stays_above_its_floor():
    rows = read_negex_dev(shared("negex-dev", "annotations-reports-1-60.tsv"))
    held_out = [r for r in rows if r.report in HELD_OUT_REPORTS and r.span is not None]
    assert len(held_out) > 500
    right = sum(
        (Category.NEGATED in context_of_span(r.sentence, *r.span)) == r.negated for r in held_out
    )
    assert right / len(held_out) >= ACCURACY_FLOOR
