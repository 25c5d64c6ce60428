"""The committed LUDB split is disjoint, large enough and reproducible from its seed."""

from __future__ import annotations

from workstation.training.split import load_split, make_split


def test_split_is_fixed_disjoint_and_seeded() -> None:
    split = load_split()
    train, val, test = (set(split[k]) for k in ("train", "validation", "test"))
    assert len(test) >= 40
    assert not (train & test) and not (val & test) and not (train & val)
    assert train | val | test == set(range(1, 201))
    assert make_split(seed=split["seed"]) == split
