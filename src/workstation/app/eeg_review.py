"""EEG review: the analysis the viewer shows, and the engine types the EEG screens draw.

``analyse_eeg_recording`` runs the EEG analysis (trends in the review montage and the
seizure-like-activity detector) as a use case: the viewer runs it as a background job when a
recording opens. ``workstation analyze eeg`` runs the same two engine steps (``load_detector``,
``analyze_eeg``) on a file. The paging types are re-exported so the UI reaches the engine only
through this layer.
"""

from __future__ import annotations

from workstation.app.progress import Progress
from workstation.eeg.analysis import EegAnalysis, analyze_eeg
from workstation.eeg.filters import FilterSettings
from workstation.eeg.montages import MONTAGES, Montage, montage_matrix
from workstation.eeg.paging import DEFAULT_PAGE_S, Page, PageSource
from workstation.eeg.seizure import load_detector
from workstation.recording import Recording

__all__ = [  # the engine's types the EEG screens draw
    "DEFAULT_PAGE_S",
    "MONTAGES",
    "EegAnalysis",
    "FilterSettings",
    "Montage",
    "Page",
    "PageSource",
    "montage_matrix",
]


def analyse_eeg_recording(
    recording: Recording, progress: Progress, detector: bool = True, epoch_s: float = 10.0
) -> EegAnalysis:
    """Trends over the whole recording and, with ``detector``, the shipped detector's
    timeline (the model is verified against its card before it runs)."""
    session, model = None, None
    if detector:
        progress.step(5, "Loading the seizure-like-activity detector…")
        session, model = load_detector()
    progress.step(10, "Computing EEG trends and the detector timeline…")
    analysis = analyze_eeg(recording, session, model, epoch_s=epoch_s)
    progress.step(100, "EEG analysis complete.")
    return analysis
