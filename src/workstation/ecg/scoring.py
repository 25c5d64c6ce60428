"""Delineation scoring by the protocol of Moskalenko et al. (2019) on LUDB.

Each reference onset/offset is matched one-to-one to the nearest detected boundary of the
same kind within ±150 ms; unmatched references are false negatives, unmatched detections
inside the lead's annotated span are false positives (outside it nothing was annotated, so
nothing can be called false). Confidence intervals bootstrap over records, the unit that was
sampled, not over beats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from workstation.ecg.reference import lead_references
from workstation.ecg.waves import WAVES
from workstation.recording import Recording

TOLERANCE_S = 0.15
BOUNDARIES = tuple(f"{w}_{edge}" for w in WAVES for edge in ("on", "off"))


@dataclass
class BoundaryCounts:
    """True/false positives, false negatives and signed errors (ms) for one boundary kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors_ms: list[float] = field(default_factory=list)

    def add(self, other: BoundaryCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors_ms.extend(other.errors_ms)


def match_boundaries(
    reference: np.ndarray, detected: np.ndarray, span: tuple[int, int], fs: float
) -> BoundaryCounts:
    """Greedy one-to-one matching by distance, closest pairs first."""
    tol = TOLERANCE_S * fs
    detected = detected[(detected >= span[0] - tol) & (detected <= span[1] + tol)]
    pairs = sorted(
        (abs(float(d) - float(r)), i, j)
        for i, r in enumerate(reference)
        for j, d in enumerate(detected)
        if abs(float(d) - float(r)) <= tol
    )
    used_ref: set[int] = set()
    used_det: set[int] = set()
    errors = []
    for _, i, j in pairs:
        if i in used_ref or j in used_det:
            continue
        used_ref.add(i)
        used_det.add(j)
        errors.append(1000.0 * (float(detected[j]) - float(reference[i])) / fs)
    unmatched = [j for j in range(len(detected)) if j not in used_det]
    fp = sum(span[0] <= detected[j] <= span[1] for j in unmatched)
    return BoundaryCounts(len(used_ref), int(fp), len(reference) - len(used_ref), errors)


def boundaries(waves: dict[str, list[tuple[int, int]]]) -> dict[str, np.ndarray]:
    """Wave spans as separate onset and offset arrays per boundary kind."""
    return {
        f"{wave}_{edge}": np.asarray([s[k] for s in waves.get(wave, [])], dtype=float)
        for wave in WAVES
        for k, edge in enumerate(("on", "off"))
    }


def score_lead(
    reference: dict[str, list[tuple[int, int]]],
    detected: dict[str, np.ndarray],
    span: tuple[int, int],
    fs: float,
) -> dict[str, BoundaryCounts]:
    """Counts for every boundary kind (p_on, p_off, qrs_on, ...) in one lead.

    ``detected`` holds boundary arrays (see ``boundaries``) so that delineators reporting
    onsets and offsets separately, like NeuroKit2, are scored the same way.
    """
    ref = boundaries(reference)
    return {
        b: match_boundaries(ref[b], np.asarray(detected.get(b, []), dtype=float), span, fs)
        for b in BOUNDARIES
    }


def _f1(c: BoundaryCounts) -> tuple[float, float, float]:
    se = c.tp / max(c.tp + c.fn, 1)
    ppv = c.tp / max(c.tp + c.fp, 1)
    return se, ppv, 2 * se * ppv / max(se + ppv, 1e-12)


def summarize(
    per_record: dict[int, dict[str, BoundaryCounts]], n_boot: int = 1000, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Se, PPV, F1 (%) with bootstrap 95% CI over records, and error mean ± SD (ms)."""
    records = sorted(per_record)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(records), size=(n_boot, len(records)))
    table = np.asarray(
        [
            [[per_record[r][b].tp, per_record[r][b].fp, per_record[r][b].fn] for b in BOUNDARIES]
            for r in records
        ],
        dtype=float,
    )
    out = {}
    for k, boundary in enumerate(BOUNDARIES):
        total = BoundaryCounts()
        for r in records:
            total.add(per_record[r][boundary])
        se, ppv, f1 = _f1(total)
        boot = table[draws, k, :].sum(axis=1)
        b_se = boot[:, 0] / np.maximum(boot[:, 0] + boot[:, 2], 1)
        b_ppv = boot[:, 0] / np.maximum(boot[:, 0] + boot[:, 1], 1)
        b_f1 = 2 * b_se * b_ppv / np.maximum(b_se + b_ppv, 1e-12)
        errors = np.asarray(total.errors_ms)
        out[boundary] = {
            "sensitivity_pct": round(100 * se, 2),
            "ppv_pct": round(100 * ppv, 2),
            "f1_pct": round(100 * f1, 2),
            "f1_ci95_pct": [round(100 * float(np.percentile(b_f1, q)), 2) for q in (2.5, 97.5)],
            "error_mean_ms": round(float(errors.mean()), 1) if errors.size else None,
            "error_sd_ms": round(float(errors.std(ddof=1)), 1) if errors.size > 1 else None,
            "tp": total.tp,
            "fp": total.fp,
            "fn": total.fn,
        }
    return out


def merge_leads(per_lead: list[dict[str, BoundaryCounts]]) -> dict[str, BoundaryCounts]:
    """Sum a record's leads into one record-level count table."""
    merged: dict[str, BoundaryCounts] = defaultdict(BoundaryCounts)
    for lead in per_lead:
        for boundary, counts in lead.items():
            merged[boundary].add(counts)
    return dict(merged)


def score_records(
    recordings: Iterable[tuple[int, Recording]],
    detect: Callable[[Recording], dict[str, dict[str, np.ndarray]]],
) -> tuple[dict[int, dict[str, BoundaryCounts]], int]:
    """Score a delineator over annotated recordings; also count leads where it failed.

    ``detect`` returns boundary arrays per lead, or ``{"failed": reason}`` for a lead where
    the delineator raised: such a lead scores as all references missed.
    """
    per_record: dict[int, dict[str, BoundaryCounts]] = {}
    failed = 0
    for rid, recording in recordings:
        detected = detect(recording)
        leads = []
        for lead, ref in lead_references(recording).items():
            det = detected.get(lead, {})
            failed += "failed" in det
            leads.append(score_lead(ref.waves, det, ref.span, recording.fs))
        per_record[rid] = merge_leads(leads)
    return per_record, failed
