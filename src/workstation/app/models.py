"""The shipped models, loaded (and verified against their cards) ahead of the first analysis.

The main window runs this at sign-in so the first import does not wait for the models, and
shows on which device inference runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.app.progress import Progress
from workstation.ecg.abnormality import abnormality_model
from workstation.ecg.segmentation import segmentation_model


@dataclass(frozen=True)
class LoadedModels:
    """The device inference runs on and the name and version of each loaded model."""

    device: str  # "CPU", "CUDA"
    models: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        """'Inference: CPU · ecg-segmentation 1.0.0, ecg-abnormality 1.0.0'."""
        names = ", ".join(f"{name} {version}" for name, version in self.models)
        return f"Inference: {self.device} · {names}"


def load_ecg_models(progress: Progress) -> LoadedModels:
    """Load and verify the ECG models (segmentation, abnormality score)."""
    progress.step(10, "Loading the ECG models…")
    seg, score = segmentation_model(), abnormality_model()
    device = seg.provider.removesuffix("ExecutionProvider")
    return LoadedModels(device, ((seg.name, seg.version), (score.name, score.version)))
