"""Beat-by-beat time warping of a training record: longer PR segments, shorter TP segments.

LUDB's P waves mostly sit 120-200 ms before the QRS and well clear of the previous T wave.
On the ward a P wave also sits 250-400 ms before its QRS (first-degree AV block) or right
after the previous T wave (sinus tachycardia), and a model that never saw either misses
the P wave there (issue #16: a PR of 280 ms went unlabelled; the test split's P misses
cluster at fast rates). The record is therefore re-timed, as issue #16 suggests: every
PR segment (end of P to start of QRS) is stretched and every TP segment (end of T to the
next P, or QRS) squeezed by factors drawn per record. The waves themselves keep their
shape and length; labels move with the samples, so they stay exact.

One time map serves all the record's leads (they share one heart), so a lead-set crop cut
from the warped record still shows every lead at the same moment. Where to stretch is read
from the leads' majority label, sample by sample.
"""

from __future__ import annotations

import numpy as np

from workstation.ecg.waves import CLASSES

P, QRS, T = (CLASSES.index(w) for w in ("p", "qrs", "t"))
NONE = CLASSES.index("none")
PR_STRETCH = (1.0, 3.0)  # a 60-100 ms PR segment becomes up to 180-300 ms: PR up to ~400 ms
TP_SQUEEZE = (0.2, 1.0)  # down to a fifth of the TP segment: P right after the T wave
WARP_SHARE = 0.5  # half the crops keep LUDB's own timing


def majority_label(targets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The class most of the annotated leads give each sample; -1 where none is annotated."""
    votes = np.stack([np.sum((targets == c) & (weights > 0), axis=0) for c in range(len(CLASSES))])
    label = np.argmax(votes, axis=0)
    return np.where(votes.sum(axis=0) > 0, label, -1)


def runs(label: np.ndarray) -> list[tuple[int, int, int]]:
    """(class, start, stop) of each run of one label."""
    change = np.flatnonzero(np.diff(label)) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [label.size]])
    return [(int(label[a]), int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def segment_scales(label: np.ndarray, pr: float, tp: float) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints (input samples) and each stretch's scale: ``pr`` on background between a
    P wave and the QRS after it, ``tp`` on background between a T wave and the next P or
    QRS, 1 elsewhere."""
    pieces = runs(label)
    bounds, scales = [0], []
    for i, (cls, _start, stop) in enumerate(pieces):
        scale = 1.0
        if cls == NONE and 0 < i < len(pieces) - 1:
            before, after = pieces[i - 1][0], pieces[i + 1][0]
            if before == P and after == QRS:
                scale = pr
            elif before == T and after in (P, QRS):
                scale = tp
        bounds.append(stop)
        scales.append(scale)
    return np.asarray(bounds, dtype=np.float64), np.asarray(scales)


def time_map(bounds: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """For every output sample, the input position it shows (piecewise linear)."""
    out_bounds = np.concatenate([[0.0], np.cumsum(np.diff(bounds) * scales)])
    n_out = int(np.floor(out_bounds[-1]))
    return np.interp(np.arange(n_out), out_bounds, bounds).clip(0, bounds[-1] - 1)


def warp_record(
    x: np.ndarray, targets: np.ndarray, weights: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The leads (leads, samples) re-timed by one map: signal interpolated linearly, labels
    and loss weights taken from the nearest input sample."""
    pr, tp = rng.uniform(*PR_STRETCH), rng.uniform(*TP_SQUEEZE)
    bounds, scales = segment_scales(majority_label(targets, weights), pr, tp)
    position = time_map(bounds, scales)
    grid = np.arange(x.shape[1])
    warped = np.stack([np.interp(position, grid, lead) for lead in x]).astype(x.dtype)
    nearest = np.rint(position).astype(np.int64)
    return warped, targets[:, nearest], weights[:, nearest]
