"""Wellness sessions in the vault: analyse against the patient's own baseline, store only
derived features, and enforce the vault's retention at start.

No Qt: the GUI's workers and the tests run these. Frames and audio are analysed in memory
by the engines and dropped; what is stored is the session's JSON (features, quality, the
fusion) plus the flat feature map the next baseline is built from. Raw media is stored only
when a session asks for it explicitly (``keep_raw_media``), and is deleted with its
observation by the retention run. A live session (camera and microphone) is analysed by a
``LiveWellness`` fed from the capture threads and ends in the same fusion as files.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workstation.app.progress import Progress
from workstation.vault import Vault
from workstation.vault import wellness_store as store
from workstation.vault.kinds import AnalysisKind
from workstation.wellness.baseline import MIN_SESSIONS, Baseline, build_baseline
from workstation.wellness.face import UNITS as FACE_UNITS
from workstation.wellness.fusion import BANDS, COMPONENTS, WellnessFusion
from workstation.wellness.live import (
    FACE_SPAN_S,
    MAX_SESSION_S,
    VOICE_SPAN_S,
    Indicator,
    LiveIndicators,
    LiveWellness,
    decode_pcm,
)
from workstation.wellness.observation import DISCLAIMER, ModalityResult, not_measurable
from workstation.wellness.session import WellnessSession, analyse_inputs, compose
from workstation.wellness.voice import UNITS as VOICE_UNITS

__all__ = [
    "BANDS",
    "COMPONENTS",
    "DISCLAIMER",
    "FACE_SPAN_S",
    "MAX_SESSION_S",
    "MIN_SESSIONS",
    "Indicator",
    "LiveIndicators",
    "LiveWellness",
    "ModalityResult",
    "RetentionRun",
    "SavedWellness",
    "VOICE_SPAN_S",
    "WellnessFusion",
    "WellnessSession",
    "analyse_live",
    "analyse_wellness",
    "apply_retention",
    "decode_pcm",
    "patient_baseline",
    "retention_days",
    "save_wellness_session",
    "set_retention_days",
    "wellness_history",
]


@dataclass(frozen=True)
class SavedWellness:
    """A stored observation as the screens show it; nothing is recomputed."""

    observation_id: int
    created_at: str
    results: dict[str, Any]
    features: dict[str, float]
    raw_media_kept: bool


@dataclass(frozen=True)
class RetentionRun:
    days: int
    deleted: tuple[int, ...]


def wellness_history(vault: Vault, patient_id: int) -> list[SavedWellness]:
    return [
        SavedWellness(
            o.id,
            o.created_at,
            json.loads(o.results_json),
            {k: float("nan") if v is None else v for k, v in json.loads(o.features_json).items()},
            o.raw_media_kept,
        )
        for o in store.list_observations(vault, patient_id)
        if o.kind == AnalysisKind.WELLNESS
    ]


def patient_baseline(vault: Vault, patient_id: int) -> Baseline:
    """Mean and SD per feature over the patient's stored sessions."""
    return build_baseline(s.features for s in wellness_history(vault, patient_id))


def analyse_wellness(
    vault: Vault,
    patient_id: int,
    progress: Progress,
    video: str | Path | None = None,
    audio: str | Path | None = None,
    motion: str | Path | None = None,
) -> WellnessSession:
    """Analyse the files against this patient's baseline; nothing is written."""
    progress.step(5, "Building the patient's baseline…")
    baseline = patient_baseline(vault, patient_id)
    progress.step(15, "Analysing face, voice and motion…")
    session = analyse_inputs(baseline, video, audio, motion)
    progress.step(95, "Fusing the indicators…")
    return session


def analyse_live(
    vault: Vault,
    patient_id: int,
    live: LiveWellness,
    progress: Progress,
    camera: str,
    microphone_problem: str | None = None,
) -> WellnessSession:
    """A stopped live session against this patient's baseline; nothing is written.

    ``microphone_problem`` says why a microphone that was asked for gave no sound, so the
    voice is shown as not measurable with that reason instead of silently missing."""
    progress.step(5, "Building the patient's baseline…")
    baseline = patient_baseline(vault, patient_id)
    progress.step(15, "Analysing the face and the voice of the whole session…")
    results = live.results()
    sources = {"video": camera}
    if "voice" in results:
        sources["audio"] = "microphone"
    elif microphone_problem:
        results["voice"] = not_measurable("voice", microphone_problem, {}, VOICE_UNITS)
    if "face" not in results:
        results["face"] = not_measurable("face", "the camera delivered no frame", {}, FACE_UNITS)
    progress.step(95, "Fusing the indicators…")
    return compose(results, baseline, sources)


def save_wellness_session(
    vault: Vault,
    patient_id: int,
    session: WellnessSession,
    progress: Progress,
    keep_raw_media: dict[str, Path | bytes] | None = None,
) -> SavedWellness:
    """Store the derived features (the one writer of kind "wellness"). Raw media only when
    ``keep_raw_media`` names the files (or, for a live session, holds the recorded sound),
    an explicit per-session choice."""
    progress.step(50, "Saving the wellness observation…")
    results = session.to_json()
    features = {k: (v if math.isfinite(v) else None) for k, v in session.features().items()}
    raw = {
        name: media if isinstance(media, bytes) else Path(media).read_bytes()
        for name, media in (keep_raw_media or {}).items()
    }
    observation_id = store.save_observation(
        vault,
        patient_id,
        AnalysisKind.WELLNESS,
        json.dumps(results),
        json.dumps(features),
        raw or None,
    )
    saved = [s for s in wellness_history(vault, patient_id) if s.observation_id == observation_id]
    return saved[0]


def retention_days(vault: Vault) -> int:
    return store.retention_days(vault)


def set_retention_days(vault: Vault, days: int) -> None:
    store.set_retention_days(vault, max(int(days), 1))


def apply_retention(vault: Vault, now: datetime | None = None) -> RetentionRun:
    """Delete wellness observations older than the vault's retention; audited. Called at
    sign-in, so the rule holds whenever the app is in use."""
    deleted = store.enforce_retention(vault, (now or datetime.now(UTC)).astimezone(UTC))
    return RetentionRun(store.retention_days(vault), tuple(deleted))
