"""The Bonn EEG data set as single-channel windows at the app's EEG rate, with segment groups.

Sets A (healthy volunteers, scalp, eyes open) and D (interictal, intracranial) are the
non-seizure class, E (ictal, intracranial) the seizure class. Every window remembers the
23.6 s segment it came from, because windows of one segment are nearly copies of each
other: cross-validation must keep a segment wholly in train or wholly in test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import loadmat

from workstation.eeg.filters import band_pass
from workstation.eeg.resample import EEG_RATE_HZ, resample_signals
from workstation.eeg.windows import DETECTOR_BAND_HZ, sliding_windows

BONN_FS_HZ = 173.61
#: File per set in the shared copy; the label is 1 for the seizure set.
BONN_FILES = {"A": ("Bonn_eeg_AZ_100.mat", 0), "D": ("Bonn_eeg_DF_100.mat", 0),
              "E": ("Bonn_eeg_E_100.mat", 1)}  # fmt: skip
BONN_SOURCE = {
    "name": "Bonn University EEG database, sets A, D and E",
    "license": "CC BY 4.0",
    "citation": "Andrzejak RG, Lehnertz K, Mormann F, Rieke C, David P, Elger CE. Indications "
    "of nonlinear deterministic and finite-dimensional structures in time series of brain "
    "electrical activity. Phys Rev E 2001;64:061907",
}


@dataclass(frozen=True)
class BonnWindows:
    """Windows (n × samples, µV, 256 Hz), label per window, and the segment it came from."""

    windows: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    sets: np.ndarray

    def subset(self, index: np.ndarray) -> BonnWindows:
        return BonnWindows(
            self.windows[index], self.labels[index], self.groups[index], self.sets[index]
        )


def load_segments(data_dir: Path, per_set: int | None = None) -> dict[str, np.ndarray]:
    """Segments per set (segments × samples, µV, at Bonn's 173.61 Hz)."""
    out = {}
    for name, (filename, _) in BONN_FILES.items():
        path = Path(data_dir) / filename
        if not path.is_file():
            raise FileNotFoundError(f"Bonn EEG file {path} is missing (see shared/data/README)")
        segments = np.asarray(loadmat(path)["eeg_data"], dtype=np.float64).T
        out[name] = segments[:per_set] if per_set else segments
    return out


def load_bonn_windows(data_dir: Path, per_set: int | None = None) -> BonnWindows:
    """All sets resampled to 256 Hz, band-passed like the app does, cut into 4 s windows."""
    windows, labels, groups, sets = [], [], [], []
    for set_index, (name, segments) in enumerate(load_segments(data_dir, per_set).items()):
        label = BONN_FILES[name][1]
        at_rate = resample_signals(segments, BONN_FS_HZ, EEG_RATE_HZ)
        filtered = band_pass(at_rate, EEG_RATE_HZ, *DETECTOR_BAND_HZ)
        cut = sliding_windows(filtered, EEG_RATE_HZ)
        for seg in range(cut.shape[0]):
            windows.append(cut[seg])
            labels += [label] * cut.shape[1]
            groups += [set_index * 1000 + seg] * cut.shape[1]
            sets += [name] * cut.shape[1]
    return BonnWindows(
        windows=np.concatenate(windows).astype(np.float32),
        labels=np.asarray(labels, dtype=np.int64),
        groups=np.asarray(groups, dtype=np.int64),
        sets=np.asarray(sets),
    )
