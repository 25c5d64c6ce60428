"""The one place that names each kind of analysis stored in the vault.

The vault stores an analysis with a kind string; what the results hold depends on the kind.
Every reader and writer of stored analyses takes the kind from here, so one kind cannot be
written in two shapes by two code paths.
"""

from __future__ import annotations

from enum import StrEnum


class AnalysisKind(StrEnum):
    """Kinds of stored analysis and the use case that writes each."""

    ECG = "ecg"  # app.sessions.store_ecg_analysis: explained JSON plus attribution array
    VIDEO = "video"  # app.video_sessions.save_video_session: VideoVitals JSON plus traces
    EEG = "eeg"  # app.eeg_review.store_eeg: EegAnalysis summary, annotations, timeline arrays
    VITALS = "vitals"  # app.vitals.save_vitals_session: assessment JSON plus measurement arrays
    WELLNESS = "wellness"  # app.wellness.save_wellness_session: derived features only (own table)


#: Name of the segmentation attribution array stored with an ECG analysis.
ATTRIBUTION = "attribution"
