"""Helpers shared by the tests: where the real recordings are, and generated files."""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path

import edfio
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("WORKSTATION_DATA", ROOT.parent / "shared" / "data"))
ARTIFACTS = ROOT / "test-artifacts"


def shared(*parts: str) -> Path:
    """A path in ../shared/data, skipping the test with a reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real recordings not available: {path} is absent (see ../shared/data/README.md)"
        )
    return path


EEG_LABELS = ["Fp1", "Fp2", "C3", "C4"]


def write_edf(
    path: Path,
    n_seconds: int = 10,
    fs: float = 256.0,
    labels: list[str] | None = None,
    annotations: list[tuple[float, float | None, str]] | None = None,
    bdf: bool = False,
    extra_slow_channel: bool = False,
    seed: int = 0,
) -> np.ndarray:
    """Write an EDF+ (or BDF+) file of random EEG-like data; returns the physical data written."""
    labels = labels or EEG_LABELS
    rng = np.random.default_rng(seed)
    n = int(n_seconds * fs)
    t = np.arange(n) / fs
    data = np.stack(
        [40 * np.sin(2 * np.pi * (8 + i) * t) + rng.normal(0, 5, n) for i in range(len(labels))]
    )
    signal_cls = edfio.BdfSignal if bdf else edfio.EdfSignal
    file_cls = edfio.Bdf if bdf else edfio.Edf
    digital = (-8388608, 8388607) if bdf else (-32768, 32767)
    signals = [
        signal_cls(
            row,
            fs,
            label=label,
            physical_dimension="uV",
            physical_range=(-500, 500),
            digital_range=digital,
        )
        for row, label in zip(data, labels, strict=True)
    ]
    if extra_slow_channel:
        signals.append(
            signal_cls(
                np.full(n_seconds, 97.0),
                1,
                label="SpO2",
                physical_dimension="%",
                physical_range=(0, 100),
                digital_range=digital,
            )
        )
    edf = file_cls(
        signals,
        recording=edfio.Recording(startdate=date(2025, 3, 14)),
        starttime=time(9, 26, 53),
        annotations=[edfio.EdfAnnotation(o, d, text) for o, d, text in annotations or []],
    )
    edf.write(path)
    return data


START = datetime(2025, 3, 14, 9, 26, 53)
