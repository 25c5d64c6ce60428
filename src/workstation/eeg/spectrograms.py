"""Regional spectrograms (LL, LP, RP, RR) and the compressed spectral array.

The regional spectrogram follows Kaggle HMS: each region is one chain of the double banana
(e.g. LL = Fp1-F7, F7-T7, T7-P7, P7-O1) and its spectrogram is the mean of the spectrograms
of the chain's four derivations, so focal activity shows in the region it arises from. The
compressed spectral array (CSA) stacks the spectra of every derivation averaged, over the
whole recording, so hours of EEG fit in one image where seizures stand out as bursts of
power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.eeg.montages import DOUBLE_BANANA, REGION_CHAINS, apply_montage
from workstation.eeg.spectral import epoch_spectra
from workstation.recording import Recording

#: Kaggle HMS spectrograms span 0.5–20 Hz; 25 Hz keeps beta visible to the reviewer.
MAX_DISPLAY_HZ = 25.0


@dataclass(frozen=True)
class Spectrogram:
    """log10 power (µV²/Hz) per frequency and time: freqs × times."""

    freqs: np.ndarray
    times: np.ndarray
    log_power: np.ndarray

    def peak_frequency(self) -> float:
        """The frequency with most power over the whole span, for checks and summaries."""
        mean = np.mean(10.0**self.log_power, axis=1)
        return float(self.freqs[int(np.argmax(mean))])


def _to_spectrogram(freqs: np.ndarray, times: np.ndarray, power: np.ndarray) -> Spectrogram:
    keep = freqs <= MAX_DISPLAY_HZ
    log_power = np.log10(np.maximum(power[:, keep].T, 1e-6)).astype(np.float32)
    return Spectrogram(freqs=freqs[keep], times=times, log_power=log_power)


def regional_spectrograms(recording: Recording, epoch_s: float = 2.0) -> dict[str, Spectrogram]:
    """One spectrogram per region of the double banana (keys LL, LP, RP, RR).

    Takes a referential recording; raises MontageNotApplicable naming any missing electrode.
    """
    bipolar = apply_montage(recording, DOUBLE_BANANA)
    spectra = epoch_spectra(bipolar.signals, bipolar.fs, epoch_s=epoch_s, segment_s=epoch_s)
    position = {name: i for i, name in enumerate(bipolar.channel_names)}
    regions = {}
    for region, chain in REGION_CHAINS.items():
        rows = [position[d.name] for d in chain]
        regions[region] = _to_spectrogram(
            spectra.freqs, spectra.times, spectra.power[rows].mean(axis=0)
        )
    return regions


def compressed_spectral_array(recording: Recording, epoch_s: float = 4.0) -> Spectrogram:
    """The CSA of every channel of the given recording (any montage), averaged."""
    spectra = epoch_spectra(recording.signals, recording.fs, epoch_s=epoch_s, segment_s=2.0)
    return _to_spectrogram(spectra.freqs, spectra.times, spectra.power.mean(axis=0))
