"""The model card of the seizure-like-activity detector: what it may and may not be used for."""

from __future__ import annotations

from datetime import date
from typing import Any

from workstation.eeg.resample import EEG_RATE_HZ
from workstation.eeg.windows import DETECTOR_BAND_HZ, HOP_S, WINDOW_S
from workstation.training.eeg_bonn import BONN_SOURCE
from workstation.training.eeg_cv import N_BOOTSTRAP, N_FOLDS

MODEL_NAME = "eeg-seizure"
LIMITATIONS = (
    "Trained on 300 single-channel Bonn segments (one centre, intracranial seizures, scalp "
    "controls): it has never seen scalp seizures, artefacts, sleep, neonatal or ICU EEG. It "
    "answers for any input, so the analysis withholds windows it cannot judge (gaps, flat "
    "signal, a pure tone, an exactly repeating signal: eeg/window_validity.py); a periodic "
    "but non-sinusoidal test signal (e.g. a square wave) can still pass that check."
)


def seizure_card(metrics: dict[str, dict], training: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": MODEL_NAME,
        "version": "1.0.0",
        "created": date.today().isoformat(),
        "task": "seizure-like activity in a single EEG channel (probability per 4 s window)",
        "intended_use": "Seizure-like activity in a single channel; for clinical review, not "
        "diagnosis. It flags windows for a clinician to read; it does not detect, classify or "
        "exclude seizures, and a low probability does not mean no seizure.",
        "limitations": LIMITATIONS,
        "architecture": "1-D CNN (4 conv blocks, 8-32 channels, global mean), standardises "
        "each window inside the graph so amplitude cannot drive the output",
        "inputs": {
            "eeg": f"float32 (batch, 1, {int(WINDOW_S * EEG_RATE_HZ)}): one channel, "
            f"{WINDOW_S:g} s at {EEG_RATE_HZ:g} Hz, µV, band-passed "
            f"{DETECTOR_BAND_HZ[0]}-{DETECTOR_BAND_HZ[1]} Hz (zero-phase), common average "
            "reference as in the training data"
        },
        "outputs": {"probability": "float32 (batch,): probability of seizure-like activity"},
        "classes": ["non-seizure", "seizure-like"],
        "window": {"seconds": WINDOW_S, "hop_seconds": HOP_S, "sampling_rate_hz": EEG_RATE_HZ},
        "training_data": {
            **BONN_SOURCE,
            "sets": {
                "A": "healthy volunteers, eyes open, SCALP EEG (label 0)",
                "D": "interictal, INTRACRANIAL, epileptogenic zone (label 0)",
                "E": "ictal = seizure, INTRACRANIAL (label 1)",
            },
            "caveat": "Sets D and E are intracranial and set A is scalp EEG, recorded with a "
            "common average reference and band-passed 0.53-40 Hz; raw amplitude alone "
            "separates much of A from E. The shipped model is trained on and standardises "
            "every window to unit variance, so it cannot use amplitude, but it has never seen "
            "scalp seizures, artefacts, sleep or neonatal EEG.",
            "preprocessing": f"173.61 Hz resampled (FFT) to {EEG_RATE_HZ:g} Hz, band-pass "
            f"{DETECTOR_BAND_HZ[0]}-{DETECTOR_BAND_HZ[1]} Hz, {WINDOW_S:g} s windows every "
            f"{HOP_S:g} s",
            "split": f"{training.get('folds', N_FOLDS)}-fold cross-validation stratified by "
            "class and GROUPED BY SEGMENT (no 23.6 s segment in both train and test); the "
            "exported model is then "
            f"trained on all {training.get('segments', 300)} segments",
        },
        "metrics": {
            "protocol": f"out-of-fold window AUC, 95% CI from {N_BOOTSTRAP} bootstrap "
            "resamples of segments",
            **metrics,
        },
        "shipped_variant": "cnn_standardised",
        "training": training,
    }
