"""Training batches for the lead-set U-Net: several leads of one record, cut at one moment."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from workstation.training.ludb import LeadArrays  # noqa: E402
from workstation.training.segmentation import (  # noqa: E402
    CROP,
    LEAD_COUNTS,
    augment_batch,
    record_rows,
)

N = 5000


def records(n_records: int = 3, n_leads: int = 12) -> LeadArrays:
    """Leads whose target is the sample index modulo 4 shifted by the record: a crop's
    position and record can be read back from its targets."""
    rows = n_records * n_leads
    position = np.arange(N)
    targets = np.stack([(position + r // n_leads) % 4 for r in range(rows)]).astype(np.int64)
    inputs = np.stack([position.astype(np.float32) + 10_000 * (r // n_leads) for r in range(rows)])
    weights = np.ones((rows, N), dtype=np.float32)
    ids = np.repeat(np.arange(n_records) + 100, n_leads)
    return LeadArrays(inputs, targets, weights, ids)


def test_rows_are_grouped_by_record() -> None:
    groups = record_rows(records())
    assert [g.tolist() for g in groups] == [list(range(k * 12, k * 12 + 12)) for k in range(3)]


def test_every_lead_of_a_record_is_cut_at_the_same_moment() -> None:
    data = records()
    rng = np.random.default_rng(1)
    seen_counts = set()
    for _ in range(40):
        x, target, weight = augment_batch(data, record_rows(data), rng)
        n_records, n_leads, n = target.shape
        assert n_records == 3 and n == CROP and n_leads in LEAD_COUNTS
        seen_counts.add(n_leads)
        target = target.numpy()
        for r in range(n_records):
            assert np.all(target[r] == target[r, 0]), "leads of one record cut at different times"
        assert x.shape == target.shape == weight.shape
    assert seen_counts == set(LEAD_COUNTS.tolist())


def test_lead_count_is_capped_by_the_leads_a_record_has() -> None:
    data = records(n_leads=2)
    rng = np.random.default_rng(2)
    counts = {augment_batch(data, record_rows(data), rng)[1].shape[1] for _ in range(30)}
    assert counts == {1, 2}


def test_noise_and_drift_differ_between_leads() -> None:
    data = records(n_records=1)
    rng = np.random.default_rng(4)
    x, _, _ = next(
        b
        for b in (augment_batch(data, record_rows(data), rng) for _ in range(50))
        if b[0].shape[1] >= 2
    )
    x = x.numpy()[0]
    assert not np.allclose(x[0], x[1])
