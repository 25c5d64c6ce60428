"""The HMS six-class pipeline, app side: model inputs, the KL metric, and what ships.

Kaggle HMS ("Harmful Brain Activity Classification") scores 50 s of EEG by how closely a
predicted distribution over seizure, LPD, GPD, LRDA, GRDA and other matches the experts'
vote distribution, measured by Kullback-Leibler divergence. The model family here follows
the strong solutions: a 1-D CNN/GRU on the 16 bipolar chain derivations and a 2-D CNN on the
four regional spectrograms, fused. No six-class model ships: none has been trained on the
real HMS data, and one trained on synthetic data would mislead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.eeg.filters import band_pass
from workstation.eeg.montages import REGION_CHAINS, Montage, apply_montage
from workstation.eeg.spectrograms import regional_spectrograms
from workstation.io.hms import HMS_CLASSES, HMS_FS_HZ, HMS_WINDOW_S
from workstation.recording import Recording

MODEL_NAME = "eeg-hms"
HMS_BAND_HZ = (0.5, 20.0)
#: Amplitude scale of the raw branch: typical EEG is tens of µV, so inputs are near unit size.
RAW_SCALE_UV = 50.0
RAW_CLIP = 20.0
SPECTROGRAM_EPOCH_S = 2.0
REGIONS = tuple(REGION_CHAINS)
#: The 16 chain derivations in region order LL, LP, RP, RR.
CHAIN_MONTAGE = Montage("HMS chains", tuple(d for chain in REGION_CHAINS.values() for d in chain))
NO_MODEL_MESSAGE = (
    "No six-class (seizure, LPD, GPD, LRDA, GRDA, other) model ships with the workstation: "
    "none has been trained on the real Kaggle HMS data, which is not distributed with it. "
    "An administrator can train one with 'workstation train eeg-hms --data DIR', where DIR "
    "holds train.csv and train_eegs/ from the HMS competition, and install the resulting "
    "eeg-hms.onnx and its card in the models folder."
)


@dataclass(frozen=True)
class HmsInputs:
    """Model inputs for one 50 s window: raw chains (16 × samples) and spectrograms."""

    raw: np.ndarray
    spectrograms: np.ndarray


def hms_inputs(window: Recording) -> HmsInputs:
    """Chains band-passed 0.5–20 Hz and scaled, plus log spectrograms of LL, LP, RP, RR.

    Takes a referential 50 s window at 200 Hz (as ``io.hms.hms_window`` returns); gaps are
    zeros, because the competition data has them and the model must not see NaN.
    """
    chains = apply_montage(window, CHAIN_MONTAGE)
    raw = band_pass(np.nan_to_num(chains.signals), chains.fs, *HMS_BAND_HZ) / RAW_SCALE_UV
    raw = np.clip(raw, -RAW_CLIP, RAW_CLIP).astype(np.float32)
    regions = regional_spectrograms(window, epoch_s=SPECTROGRAM_EPOCH_S)
    spectrograms = np.stack([regions[r].log_power for r in REGIONS])
    spectrograms = (spectrograms - spectrograms.mean()) / (spectrograms.std() + 1e-6)
    return HmsInputs(raw=raw, spectrograms=spectrograms.astype(np.float32))


def expected_shapes() -> tuple[tuple[int, int], tuple[int, int, int]]:
    """Shapes of one window's inputs, for exporting and checking a model."""
    n = int(HMS_WINDOW_S * HMS_FS_HZ)
    probe = Recording(
        signals=np.zeros((19, n), np.float32) + np.arange(19, dtype=np.float32)[:, None],
        fs=HMS_FS_HZ,
        channel_names=("Fp1 F3 C3 P3 F7 T3 T5 O1 Fz Cz Pz Fp2 F4 C4 P4 F8 T4 T6 O2".split()),
        units=("uV",) * 19,
    )
    inputs = hms_inputs(probe)
    return inputs.raw.shape, inputs.spectrograms.shape


def kl_divergence(targets: np.ndarray, predictions: np.ndarray, eps: float = 1e-15) -> float:
    """Mean KL(target ‖ prediction) over windows, as Kaggle HMS scored it.

    Predictions are clipped to [eps, 1] so a confident wrong answer costs a large but finite
    amount; classes no expert voted for contribute nothing (0 · log 0 = 0).
    """
    p = np.asarray(targets, dtype=np.float64)
    q = np.clip(np.asarray(predictions, dtype=np.float64), eps, 1.0)
    terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0) / q), 0.0)
    return float(terms.sum(axis=-1).mean())


def classify_window(session, window: Recording) -> dict[str, float]:
    """Probability per HMS class for one 50 s window, with an installed eeg-hms model."""
    inputs = hms_inputs(window)
    names = [i.name for i in session.get_inputs()]
    feeds = dict(zip(names, (inputs.raw[None], inputs.spectrograms[None]), strict=True))
    probabilities = session.run(None, feeds)[0][0]
    return {c: float(p) for c, p in zip(HMS_CLASSES, probabilities, strict=True)}
