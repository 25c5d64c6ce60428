"""The segmentation model as a delineator: recording in, wave boundaries per lead out."""

from __future__ import annotations

import numpy as np

from workstation.ecg.delineation import lead_waves
from workstation.ecg.preprocess import MODEL_FS, model_input
from workstation.ecg.scoring import boundaries
from workstation.ecg.segmentation import segment_labels, segment_leads_alone
from workstation.inference.registry import LoadedModel
from workstation.recording import Recording


def _per_lead(labels: np.ndarray, recording: Recording) -> dict[str, dict[str, np.ndarray]]:
    factor = recording.fs / MODEL_FS
    return {
        lead: {b: v * factor for b, v in boundaries(lead_waves(labels[i], MODEL_FS)).items()}
        for i, lead in enumerate(recording.channel_names)
    }


def model_boundaries(model: LoadedModel, recording: Recording) -> dict[str, dict[str, np.ndarray]]:
    """Boundary arrays per lead, in samples at the recording's own rate."""
    return _per_lead(segment_labels(model, model_input(recording.signals, recording.fs)), recording)


def lead_alone_boundaries(
    model: LoadedModel, recording: Recording
) -> dict[str, dict[str, np.ndarray]]:
    """As ``model_boundaries`` but each lead read on its own, by the model and without the
    cross-lead P agreement: what one lead alone gives, for the card and the benchmark."""
    probabilities = segment_leads_alone(model, model_input(recording.signals, recording.fs))
    return _per_lead(probabilities.argmax(axis=1), recording)
