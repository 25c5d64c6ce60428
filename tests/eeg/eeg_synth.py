"""Synthetic referential EEG recordings for the EEG tests."""

from __future__ import annotations

import numpy as np

from workstation.recording import Modality, Recording

#: The 19 scalp electrodes of the 10-20 system, labelled as many EDF exports do.
TEN_TWENTY = [
    "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz",
    "C4", "T4", "T5", "P3", "Pz", "P4", "T6", "O1", "O2",
]  # fmt: skip


def referential_recording(
    seconds: float = 20.0,
    fs: float = 256.0,
    labels: list[str] | None = None,
    seed: int = 0,
    tones: dict[str, float] | None = None,
) -> Recording:
    """Independent noise per electrode, plus a sine of the given Hz on named electrodes."""
    labels = labels or [f"EEG {n}-REF" for n in TEN_TWENTY]
    rng = np.random.default_rng(seed)
    n = int(seconds * fs)
    t = np.arange(n) / fs
    data = rng.normal(0, 10, (len(labels), n))
    for i, label in enumerate(labels):
        for name, hz in (tones or {}).items():
            if name.casefold() in label.casefold().replace("eeg ", "").split("-")[0:1]:
                data[i] += 50 * np.sin(2 * np.pi * hz * t)
    return Recording(
        signals=data.astype(np.float32),
        fs=fs,
        channel_names=tuple(labels),
        units=("uV",) * len(labels),
        modality=Modality.EEG,
    )
