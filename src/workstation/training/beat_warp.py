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


def segment_scales(label: np.ndarray, pr: float, tp: float) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints (input samples) between runs of one label, and each run's scale: ``pr``
    on background between a P wave and the QRS after it, ``tp`` on background between a T
    wave and the next P or QRS, 1 elsewhere."""
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(label)) + 1, [label.size]])
    kind = label[bounds[:-1]]
    before = np.concatenate([[-1], kind[:-1]])
    after = np.concatenate([kind[1:], [-1]])
    gap = kind == NONE
    scales = np.ones(kind.size)
    scales[gap & (before == P) & (after == QRS)] = pr
    scales[gap & (before == T) & ((after == P) | (after == QRS))] = tp
    return bounds.astype(np.float64), scales


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
