"""What the vault hands back: plain, immutable records with ids, free of SQL and of Qt."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np


class SessionStatus(enum.StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"
    CLOSED = "closed"


class NoteKind(enum.StrEnum):
    NOTE = "note"
    CONFIRMED_STATEMENT = "confirmed_statement"


@dataclass(frozen=True, slots=True)
class Patient:
    id: int
    identifier: str
    name: str
    sex: str
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: int
    patient_id: int
    patient_identifier: str
    patient_name: str
    modality: str
    status: SessionStatus
    created_by: str
    created_at: str
    source_name: str = ""  # the file of the session's first recording ("" before one is added)
    recorded_at: str | None = None  # when that recording started, as the file states it
    signed_by: str = ""  # who signed the session off ("" while not signed off; sign_offs.py)
    signed_at: str | None = None  # when they did


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    id: int
    session_id: int
    source_name: str
    modality: str
    fs: float
    n_channels: int
    n_samples: int
    source_sha256: str


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Which model produced an analysis, precisely enough to reproduce it."""

    name: str
    version: str
    sha256: str


@dataclass(frozen=True, eq=False)
class Analysis:
    """An analysis result as the vault stores it.

    ``results`` must be JSON-serialisable (lists, not tuples, come back); ``arrays`` holds the
    large numeric outputs (segmentation masks, attributions) by name, stored bit-exactly.
    """

    kind: str
    results: Mapping[str, Any]
    models: tuple[ModelInfo, ...] = ()
    arrays: Mapping[str, np.ndarray] = field(default_factory=dict)
    recording_id: int | None = None


@dataclass(frozen=True, slots=True)
class AnalysisInfo:
    id: int
    session_id: int
    recording_id: int | None
    kind: str
    created_by: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    session_id: int
    kind: NoteKind
    text: str
    analysis_id: int | None
    author: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ReportInfo:
    id: int
    session_id: int
    title: str
    sha256: str
    size: int
    created_by: str
    created_at: str
