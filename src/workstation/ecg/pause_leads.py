"""Which other leads beat on through a pause the rhythm lead shows.

A lead that comes off while the heart beats on (an electrode loosening until the lead is a
few percent of itself, or a lead replaced for seconds by noise, hum or motion) can be the
lead a window's rhythm is read from, and its silence then reads as a pause
(``benchmarks/ecg_pauses.py``: on development pieces 249 of 1,440 such two-lead cases and
157 of 1,080 twelve-lead ones had a pause stated). Every rule tried that chose between
"pause" and "no pause" when leads disagree hid real pauses, because what goes on in one
lead through a real one (electrode pops, a failing pacemaker's spikes, the P waves of an
AV block) can look like beats (benchmarks/RESULTS.md, "ECG pauses"). So a pause is always
stated, and the leads whose own beats go on through it are named beside it: the
clinician compares the leads on the strip before acting on it.

A lead beats on through a pause when
- outside the pause it shows the same beats as the rhythm: at least LOCK_SHARE of its beats
  within USUAL_SPAN_BEATS either side lie within LOCK_S of the rhythm's beats (in AV block a
  lead whose P wave outgrew its QRS has its detectors on the P waves, a PR interval early,
  and its blocked P waves would otherwise pass as beats going on);
- beats found by both of its detectors lie inside the pause, and at least SHAPE_SHARE_MIN
  of them repeat the lead's median QRS of its five-minute chunk (correlation SHAPE_MIN,
  ``rhythm_features.morphology_correlation``), or SHAPE_SHARE_SLACK less than its beats
  around the pause do where that is lower (in ventricular bigeminy half its beats are
  PVCs: 41 of 41 false pauses in a review's bigeminy cases went unnamed before);
- the intervals between them (and its beats at the pause's ends) are within BEAT_ON_WITHIN
  of the 10th-90th percentile range of the measured intervals around the pause, and neither
  end of the pause is left unfilled for longer than that range's top.
Electrode pops at about the heart rate through a real pause can pass all three (a 40 ms pop
is QRS-like in the detection band): a named pause is still a pause until the strip shows
otherwise, which is why the advice is to compare the leads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from workstation.channels import lead_label
from workstation.ecg.quality import MATCH_S

#: An interval inside the pause continues the rhythm when within this share of the usual one.
BEAT_ON_WITHIN = 0.25
#: A beat inside the pause repeats the lead's QRS at this correlation or more, and so do
#: at least this share of them (an ectopic beat in AF goes on through a lost lead too).
SHAPE_MIN = 0.9
SHAPE_SHARE_MIN = 0.75
SHAPE_SHARE_SLACK = 0.25
#: The usual intervals: those measured this many beats either side, between these
#: percentiles (one missed beat nearby does not widen the range).
USUAL_SPAN_BEATS = 8
USUAL_PERCENTILES = (10, 90)
#: A lead shows the rhythm's beats outside the pause when this share of its beats there lie
#: within LOCK_S of the rhythm's.
LOCK_S = 0.06
LOCK_SHARE = 0.75
#: What a clinician does with a pause some lead beats on through (statement, app, report).
COMPARE_LEADS = "compare the leads on the strip before acting"


@dataclass(frozen=True)
class LeadBeats:
    """One lead's beats found by both its detectors (samples) and each one's QRS correlation
    with the lead's median QRS around it."""

    samples: np.ndarray
    shape: np.ndarray


def usual_intervals(rr: np.ndarray, valid: np.ndarray, at: int) -> tuple[float, float] | None:
    """The range (USUAL_PERCENTILES) of the measured intervals (samples) within
    USUAL_SPAN_BEATS beats of beat ``at`` (the beat that ends the pause), the pause's own
    interval left out; None with none. A range, not one interval: in atrial fibrillation
    the beats that go on through a lost lead's "pause" are as irregular as those around it."""
    lo, hi = max(at - USUAL_SPAN_BEATS, 1), min(at + USUAL_SPAN_BEATS + 1, rr.size)
    near = [rr[i] for i in range(lo, hi) if i != at and valid[i]]
    if not near:
        return None
    low, high = np.percentile(near, USUAL_PERCENTILES)
    return float(low), float(high)


def beats_on_through(
    lead: LeadBeats, start: int, end: int, rhythm: np.ndarray, usual: tuple[float, float], fs: float
) -> bool:
    """Whether ``lead`` beats on through the pause from ``start`` to ``end`` (samples) of
    the ``rhythm``'s beats, whose usual intervals (samples) are ``usual``."""
    around = _outside(lead, start, end, fs)
    return _locked(lead, around, rhythm, fs) and _fills(lead, start, end, around, usual, fs)


def _outside(lead: LeadBeats, start: int, end: int, fs: float) -> np.ndarray:
    """Where the lead's USUAL_SPAN_BEATS beats either side of the pause lie in
    ``lead.samples`` (the pause's bounding beats, within MATCH_S of it, left out)."""
    guard = MATCH_S * fs
    before = np.flatnonzero(lead.samples < start - guard)[-USUAL_SPAN_BEATS:]
    after = np.flatnonzero(lead.samples > end + guard)[:USUAL_SPAN_BEATS]
    return np.concatenate([before, after])


def _locked(lead: LeadBeats, around: np.ndarray, rhythm: np.ndarray, fs: float) -> bool:
    """At least LOCK_SHARE of the lead's beats ``around`` the pause (``_outside``) lie
    within LOCK_S of a ``rhythm`` beat."""
    mine = lead.samples[around]
    if mine.size == 0 or rhythm.size < 2:
        return False
    at = np.clip(np.searchsorted(rhythm, mine), 1, rhythm.size - 1)
    off = np.minimum(np.abs(rhythm[at] - mine), np.abs(rhythm[at - 1] - mine))
    return bool(np.mean(off <= LOCK_S * fs) >= LOCK_SHARE)


def _fills(
    lead: LeadBeats,
    start: int,
    end: int,
    around: np.ndarray,
    usual: tuple[float, float],
    fs: float,
) -> bool:
    """The lead's beats from the one at ``start`` to the one at ``end`` (within MATCH_S)
    repeat its QRS as often as its beats ``around`` the pause allow
    (``_shape_share_needed``) and their intervals lie in the ``usual`` range give or take
    BEAT_ON_WITHIN, and neither end of the pause is left unfilled for longer than the
    range's top (the rhythm lead's beat that ends a lost lead's "pause" can be noise)."""
    guard = MATCH_S * fs
    near = (lead.samples > start - guard) & (lead.samples < end + guard)
    inside = (lead.samples > start + guard) & (lead.samples < end - guard)
    if not inside.any() or _shape_share(lead, inside) < _shape_share_needed(lead, around):
        return False
    shortest, longest = usual[0] * (1 - BEAT_ON_WITHIN), usual[1] * (1 + BEAT_ON_WITHIN)
    steps = np.diff(lead.samples[near])
    ends = np.array([lead.samples[inside][0] - start, end - lead.samples[inside][-1]])
    return bool(np.all((steps >= shortest) & (steps <= longest)) and np.all(ends <= longest))


def _shape_share(lead: LeadBeats, where: np.ndarray) -> float:
    """The share of the lead's beats at ``where`` (a mask or indices) repeating its QRS."""
    return float(np.mean(lead.shape[where] >= SHAPE_MIN))


def _shape_share_needed(lead: LeadBeats, around: np.ndarray) -> float:
    """SHAPE_SHARE_MIN, or less where the lead's own beats ``around`` the pause repeat its
    QRS less often (ventricular bigeminy: half its beats are PVCs), by SHAPE_SHARE_SLACK."""
    usual = _shape_share(lead, around) if around.size else 1.0
    return min(SHAPE_SHARE_MIN, usual - SHAPE_SHARE_SLACK)


def leads_text(leads: Iterable[str]) -> str:
    """'lead II' or 'leads II, V5' for leads named as analysed, in the order given, as
    printed everywhere."""
    names = [lead_label(name) for name in dict.fromkeys(leads)]
    return ("lead " if len(names) == 1 else "leads ") + ", ".join(names)


def not_seen_text(leads: Iterable[str]) -> str:
    """'not seen in lead II, where beats go on': the leads that beat on through a pause."""
    return f"not seen in {leads_text(leads)}, where beats go on"
