"""Quantitative EEG trends over a whole recording, in epochs.

What ICU EEG reviewers scroll through before they read the traces: band powers
(delta/theta/alpha/beta), the alpha/delta ratio (falls with cerebral ischaemia), the
hemispheric asymmetry of power (a focal lesion or a lateralised seizure) and rhythmicity
(rhythmic or periodic discharges concentrate their power at one frequency).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workstation.channels import canonical_electrode, is_left, is_right
from workstation.eeg.spectral import epoch_spectra
from workstation.recording import Recording

BANDS: dict[str, tuple[float, float]] = {
    "delta": (0.5, 4.0),
    "theta": (4.0, 8.0),
    "alpha": (8.0, 13.0),
    "beta": (13.0, 30.0),
}
#: The band whose spectral peak defines rhythmicity, as in the Kaggle HMS spectrograms.
RHYTHM_BAND_HZ = (0.5, 20.0)
#: Half-width of the peak that counts as "rhythmic" power.
RHYTHM_HALF_WIDTH_HZ = 0.5
_EPS = 1e-12


@dataclass(frozen=True)
class QuantitativeTrends:
    """Per-epoch trends; arrays are channels × epochs unless their name says otherwise."""

    times: np.ndarray
    epoch_s: float
    channel_names: tuple[str, ...]
    band_power: dict[str, np.ndarray]
    alpha_delta_ratio: np.ndarray
    asymmetry: np.ndarray
    rhythmicity: np.ndarray

    def summary(self) -> dict[str, float]:
        """Medians over the recording (robust to artefact epochs), for reports and the CLI."""
        out = {
            f"{band}_power_uv2": float(np.median(power.mean(axis=0)))
            for band, power in self.band_power.items()
        }
        out["alpha_delta_ratio"] = float(np.median(self.alpha_delta_ratio))
        out["asymmetry"] = float(np.median(self.asymmetry))
        out["rhythmicity_max"] = float(self.rhythmicity.max(axis=0).max())
        out["rhythmicity_median"] = float(np.median(self.rhythmicity.max(axis=0)))
        return out


def channel_side(name: str) -> str | None:
    """'left', 'right' or None (midline or crossing) for a referential or bipolar channel."""
    electrode = canonical_electrode(name)
    parts = [electrode] if electrode else [canonical_electrode(p) for p in name.split("-")]
    electrodes = [p for p in parts if p is not None]
    if electrodes and all(is_left(e) for e in electrodes):
        return "left"
    if electrodes and all(is_right(e) for e in electrodes):
        return "right"
    return None


def hemispheric_asymmetry(total_power: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """(left − right) / (left + right) of mean power per epoch; 0 when a side is absent.

    Positive means more power on the left. Normalised so it reads the same at any gain.
    """
    sides = [channel_side(n) for n in names]
    left = [i for i, s in enumerate(sides) if s == "left"]
    right = [i for i, s in enumerate(sides) if s == "right"]
    if not left or not right:
        return np.zeros(total_power.shape[1], dtype=np.float32)
    lp = total_power[left].mean(axis=0)
    rp = total_power[right].mean(axis=0)
    return ((lp - rp) / (lp + rp + _EPS)).astype(np.float32)


def rhythmicity(freqs: np.ndarray, power: np.ndarray) -> np.ndarray:
    """Fraction of 0.5–20 Hz power within ±0.5 Hz of its peak: channels × epochs.

    Near 0.05 for a broadband background, towards 1 for a single rhythmic frequency.
    """
    band = (freqs >= RHYTHM_BAND_HZ[0]) & (freqs <= RHYTHM_BAND_HZ[1])
    f = freqs[band]
    p = power[..., band]
    peak = f[np.argmax(p, axis=-1)]
    near = np.abs(f[None, None, :] - peak[..., None]) <= RHYTHM_HALF_WIDTH_HZ
    return ((p * near).sum(axis=-1) / (p.sum(axis=-1) + _EPS)).astype(np.float32)


def compute_trends(recording: Recording, epoch_s: float = 10.0) -> QuantitativeTrends:
    """Trends of every channel of a montaged recording (bipolar or referential)."""
    spectra = epoch_spectra(recording.signals, recording.fs, epoch_s=epoch_s, segment_s=2.0)
    band_power = {band: spectra.band(lo, hi) for band, (lo, hi) in BANDS.items()}
    adr = band_power["alpha"].mean(axis=0) / (band_power["delta"].mean(axis=0) + _EPS)
    total = sum(band_power.values())
    return QuantitativeTrends(
        times=spectra.times,
        epoch_s=epoch_s,
        channel_names=recording.channel_names,
        band_power=band_power,
        alpha_delta_ratio=adr.astype(np.float32),
        asymmetry=hemispheric_asymmetry(total, recording.channel_names),
        rhythmicity=rhythmicity(spectra.freqs, spectra.power),
    )
