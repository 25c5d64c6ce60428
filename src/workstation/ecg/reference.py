"""Reference wave spans from a recording's annotations (LUDB: 'p', 'N', 't' per lead).

Used to build training targets and to score delineation. LUDB leaves the first and last
1-2 s of each lead unannotated, so each lead also gets its annotated span: only samples in
it are trained on or scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.ecg.waves import CLASSES, LUDB_LABELS
from workstation.recording import Recording


@dataclass(frozen=True)
class LeadReference:
    """Cardiologist wave boundaries of one lead, as sample indices at the recording's rate."""

    lead: str
    waves: dict[str, list[tuple[int, int]]]
    span: tuple[int, int]


def lead_references(recording: Recording) -> dict[str, LeadReference]:
    """Per-lead reference waves and annotated span; leads without annotations are left out."""
    waves: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for ann in recording.annotations:
        wave = LUDB_LABELS.get(ann.label)
        if wave is None or ann.channel is None:
            continue
        onset = int(round(ann.onset * recording.fs))
        offset = int(round(ann.end * recording.fs))
        waves.setdefault(ann.channel, {w: [] for w in LUDB_LABELS.values()})[wave].append(
            (onset, offset)
        )
    refs = {}
    for lead, by_wave in waves.items():
        bounds = [b for spans in by_wave.values() for span in spans for b in span]
        for spans in by_wave.values():
            spans.sort()
        refs[lead] = LeadReference(lead, by_wave, (min(bounds), max(bounds)))
    return refs


def target_mask(ref: LeadReference, n_samples: int) -> np.ndarray:
    """Class index per sample (0 = none), the segmentation network's training target."""
    mask = np.zeros(n_samples, dtype=np.int64)
    for wave, spans in ref.waves.items():
        for onset, offset in spans:
            mask[onset : offset + 1] = CLASSES.index(wave)
    return mask


def span_weight(ref: LeadReference, n_samples: int) -> np.ndarray:
    """1 inside the annotated span, 0 outside: unannotated samples carry no label."""
    weight = np.zeros(n_samples, dtype=np.float32)
    weight[ref.span[0] : ref.span[1] + 1] = 1.0
    return weight
