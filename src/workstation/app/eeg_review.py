"""EEG review: the analysis the viewer shows, the reviewer's annotations, what is stored.

An opened EEG shows at once; the analysis then runs as a background job and is stored with
the annotations (kind "eeg"), so reopening the session runs nothing. Annotations are a
Qt-free model (``EegMarks``) the viewer follows; saving makes a new version of the stored
review, and ``export_edf`` writes the recording with them as EDF+ (an audited export).

``analyse_eeg_recording`` runs the EEG analysis (trends in the review montage and the
seizure-like-activity detector) as a use case: the viewer runs it as a background job when a
recording opens. ``workstation analyze eeg`` runs the same two engine steps (``load_detector``,
``analyze_eeg``) on a file. The paging types are re-exported so the UI reaches the engine only
through this layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from workstation.app.progress import Progress
from workstation.eeg.analysis import EegAnalysis, analyze_eeg, review_montage
from workstation.eeg.filters import FilterSettings
from workstation.eeg.montages import MONTAGES, Montage, montage_matrix
from workstation.eeg.paging import DEFAULT_PAGE_S, Page, PageSource
from workstation.eeg.seizure import OCCLUSION_SEGMENT_S, load_detector
from workstation.eeg.spectrograms import Spectrogram, compressed_spectral_array
from workstation.recording import Annotation, Recording
from workstation.reports.eeg_content import Event, flagged_windows, group_events, window_seconds
from workstation.vault import Analysis, ModelInfo, Vault
from workstation.vault.kinds import AnalysisKind

__all__ = [  # the engine's types the EEG screens draw
    "DEFAULT_PAGE_S",
    "Event",
    "MONTAGES",
    "EegAnalysis",
    "FilterSettings",
    "OCCLUSION_SEGMENT_S",
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


# The reviewer's annotations -----------------------------------------------------------

RECORDING_AUTHOR = "recording"  # annotations that came with the file


@dataclass(frozen=True)
class EegMark:
    """One annotation on the EEG: from the file (author "recording") or a reviewer's."""

    onset: float
    duration: float
    label: str
    author: str
    channel: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "onset": round(self.onset, 3),
            "duration": round(self.duration, 3),
            "label": self.label,
            "author": self.author,
            "channel": self.channel,
        }

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> EegMark:
        return cls(
            float(stored["onset"]),
            float(stored.get("duration") or 0.0),
            str(stored["label"]),
            str(stored.get("author") or ""),
            stored.get("channel"),
        )

    def annotation(self) -> Annotation:
        return Annotation(self.onset, self.duration, self.label, self.channel)


class EegMarks:
    """The annotations a reviewer sees and edits, as a Qt-free model the viewer follows:
    every change notifies the listeners and marks the review as unsaved."""

    def __init__(self, marks: list[EegMark]) -> None:
        self.marks = list(marks)
        self.edited = False
        self._listeners: list[Callable[[], None]] = []

    @classmethod
    def of_recording(cls, recording: Recording) -> EegMarks:
        return cls(
            [
                EegMark(a.onset, a.duration or 0.0, a.label, RECORDING_AUTHOR, a.channel)
                for a in recording.annotations
            ]
        )

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        self.edited = True
        for listener in list(self._listeners):
            listener()

    def add(self, onset: float, duration: float, label: str, author: str) -> None:
        self.marks.append(EegMark(max(0.0, onset), max(0.0, duration), label, author))
        self._changed()

    def move(self, index: int, onset: float, duration: float) -> None:
        self.marks[index] = replace(
            self.marks[index], onset=max(0.0, onset), duration=max(0.0, duration)
        )
        self._changed()

    def relabel(self, index: int, label: str) -> None:
        label = label.strip()
        if label and label != self.marks[index].label:
            self.marks[index] = replace(self.marks[index], label=label)
            self._changed()

    def remove(self, index: int) -> None:
        del self.marks[index]
        self._changed()

    def saved(self) -> None:
        """The marks as they are now are stored: nothing left unsaved."""
        self.edited = False


# Stored EEG analyses --------------------------------------------------------------------

TIMELINE_ARRAYS = (
    "trend_times",
    "rhythmicity",
    "detector_times",
    "detector_probability",
    "cdsa_times",
    "cdsa_freqs",
    "cdsa_log_power",
)
CDSA_EPOCH_S = 4.0


@dataclass(frozen=True)
class StoredEeg:
    """An EEG session's stored review: the analysis summary (``EegAnalysis.to_dict``; empty
    when only annotations were saved before the analysis finished), the annotations, and the
    timeline's arrays, so a reopened session shows all of it without running anything."""

    summary: dict[str, Any]
    marks: tuple[EegMark, ...]
    arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def analysed(self) -> bool:
        return "trend_times" in self.arrays

    @classmethod
    def of(
        cls, analysis: EegAnalysis, marks: list[EegMark], cdsa: Spectrogram | None = None
    ) -> StoredEeg:
        trends, timeline = analysis.trends, analysis.timeline
        arrays = {
            "trend_times": np.asarray(trends.times + trends.epoch_s / 2, dtype=np.float64),
            "rhythmicity": np.asarray(trends.rhythmicity.max(axis=0), dtype=np.float64),
        }
        if timeline is not None:
            arrays["detector_times"] = np.asarray(
                timeline.times + timeline.window_s / 2, dtype=np.float64
            )
            arrays["detector_probability"] = np.asarray(timeline.probability, dtype=np.float64)
        if cdsa is not None:
            arrays["cdsa_times"] = np.asarray(cdsa.times, dtype=np.float64)
            arrays["cdsa_freqs"] = np.asarray(cdsa.freqs, dtype=np.float64)
            arrays["cdsa_log_power"] = np.asarray(cdsa.log_power, dtype=np.float32)
        return cls(analysis.to_dict(), tuple(marks), arrays)

    def events(self) -> list[Event]:
        """The detector's flagged windows joined into events (the report's grouping)."""
        if "detector" not in self.summary:
            return []
        return group_events(flagged_windows(self.summary), window_seconds(self.summary))

    @classmethod
    def from_analysis(cls, results: dict[str, Any], arrays: dict[str, np.ndarray]) -> StoredEeg:
        summary = {k: v for k, v in results.items() if k != "annotations"}
        marks = tuple(EegMark.from_json(m) for m in results.get("annotations") or [])
        return cls(summary, marks, {k: arrays[k] for k in TIMELINE_ARRAYS if k in arrays})

    def results(self) -> dict[str, Any]:
        return {**self.summary, "annotations": [m.to_json() for m in self.marks]}


def review_cdsa(recording: Recording) -> Spectrogram:
    """The compressed spectral array of the review montage (double banana when every
    electrode is there), averaged over its derivations: what the report draws too."""
    montaged, _ = review_montage(recording)
    return compressed_spectral_array(montaged, epoch_s=CDSA_EPOCH_S)


def store_eeg(vault: Vault, session_id: int, recording_id: int, stored: StoredEeg) -> StoredEeg:
    """A new version of the session's EEG analysis (the analysis' models named with it)."""
    model = stored.summary.get("model") or {}
    models = (
        (ModelInfo(model["name"], model.get("version", ""), model.get("sha256", "")),)
        if model.get("name")
        else ()
    )
    vault.save_analysis(
        session_id,
        Analysis(AnalysisKind.EEG, stored.results(), models, stored.arrays, recording_id),
    )
    return stored


def load_stored_eeg(vault: Vault, session_id: int) -> StoredEeg | None:
    """The session's latest stored EEG review, or None when nothing was stored yet."""
    ids = [a.id for a in vault.list_analyses(session_id) if a.kind == AnalysisKind.EEG]
    return stored_eeg(vault, ids[-1]) if ids else None


def stored_eeg(vault: Vault, analysis_id: int) -> StoredEeg:
    """One stored EEG review, by its analysis id."""
    analysis = vault.load_analysis(analysis_id)
    return StoredEeg.from_analysis(dict(analysis.results), dict(analysis.arrays))


def analyse_eeg_review(recording: Recording, marks: list[EegMark], progress: Progress) -> StoredEeg:
    """Everything the viewer shows of the analysis (detector, trends, CDSA), not stored."""
    analysis = analyse_eeg_recording(recording, progress)
    progress.step(85, "Computing the compressed spectral array…")
    return StoredEeg.of(analysis, marks, review_cdsa(recording))


def analyse_and_store_eeg(
    vault: Vault,
    session_id: int,
    recording_id: int,
    recording: Recording,
    marks: list[EegMark],
    progress: Progress,
) -> StoredEeg:
    """Run the analysis on a stored recording and store it with the current annotations,
    so reopening the session shows it without running again."""
    reviewed = analyse_eeg_review(recording, marks, progress)
    progress.step(95, "Saving the EEG analysis…")
    stored = store_eeg(vault, session_id, recording_id, reviewed)
    progress.step(100, "EEG analysis complete and saved with the session.")
    return stored


def ensure_eeg_analysis(vault: Vault, session_id: int, progress: Progress) -> StoredEeg:
    """The session's stored EEG review, analysing (and storing) it first when it holds no
    analysis yet, with whatever annotations were saved."""
    stored = load_stored_eeg(vault, session_id)
    if stored is not None and stored.analysed:
        return stored
    progress.step(5, "Loading the recording…")
    recording_id = vault.list_recordings(session_id)[-1].id
    recording = vault.load_recording(recording_id)
    marks = list(stored.marks) if stored is not None else EegMarks.of_recording(recording).marks
    return analyse_and_store_eeg(vault, session_id, recording_id, recording, marks, progress)


def save_eeg_annotations(
    vault: Vault,
    session_id: int,
    recording_id: int,
    stored: StoredEeg | None,
    marks: list[EegMark],
    progress: Progress,
) -> StoredEeg:
    """Store the reviewer's annotations as a new version of the session's EEG review."""
    progress.step(20, "Saving the annotations…")
    base = stored if stored is not None else StoredEeg({}, ())
    return store_eeg(vault, session_id, recording_id, replace(base, marks=tuple(marks)))


def export_edf(vault: Vault, session_id: int, path: Path, progress: Progress) -> Path:
    """The session's recording as EDF+ with the stored annotations (audited export)."""
    from workstation.io.edf_export import write_edf_plus  # a rare action: loaded when used

    progress.step(10, "Reading the annotations…")
    stored = load_stored_eeg(vault, session_id)
    recording_id = vault.list_recordings(session_id)[-1].id
    marks = stored.marks if stored is not None else None

    def write(recording: Recording, target: Path) -> Path:
        if marks is None:  # nothing reviewed yet: the file's own annotations
            return write_edf_plus(recording, target)
        from_file = tuple(m.annotation() for m in marks if m.author == RECORDING_AUTHOR)
        reviewers = [m.to_json() for m in marks if m.author != RECORDING_AUTHOR]
        return write_edf_plus(replace(recording, annotations=from_file), target, reviewers)

    progress.step(40, "Writing the EDF+ file…")
    return vault.export_recording(recording_id, path, write)
