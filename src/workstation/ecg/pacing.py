"""Pacemaker spikes before the QRS complexes: where a pacemaker sets the beats, their timing
and the P window say nothing about the heart's own rhythm.

A pacing stimulus is a pulse of under 2 ms. The detection band's 40 Hz low-pass removes it,
so it is looked for in the recorded signal, where it is the sharpest thing in a paced beat:
the second difference summed over the leads at the spike is at least SPIKE_RATIO times the
largest one anywhere else in the beat (more than SPIKE_HALF_S from it), which an R apex, a
few samples wide, does not reach. It is a pulse: within RETURN_S the leads come back at
least halfway to where they were before it (LUDB's paced records: within 2-6 ms), which a
step in the signal (a constructed ST shift, an amplifier's offset jump) does not do. And
the stimulus starts the QRS it causes at the pacemaker's fixed latency, so the spikes of a
paced rhythm sit at one place in every beat; noise spikes fall anywhere.

On LUDB's development split (500 Hz, 10 s): five of its seven paced records have spikes
before 50-100 % of their beats and are labelled paced; the two with bipolar ventricular
pacing (90, 111), whose spikes are no sharper than the QRS, are not found. Of the 143
records without a pacemaker none reaches the limit: the highest share is 0.1 (one beat in
ten). Without the pulse test LUDB 109 reached 0.31 (sharp notches within its QRS).

Why it matters: a wide paced QRS starts long before its fiducial, and its spike and onset lie
in the P window (``rhythm_features.P_WINDOW_S``), where they repeat in every beat like a P
wave. LUDB 95 (atrial fibrillation with intermittent ventricular pacing) was stated "sinus
rhythm". A paced window gets no sinus or AF label.

Spikes are looked for only at MIN_FS_HZ and above, where SPIKE_HALF_S holds two samples
(less RATE_TOLERANCE: a 500 Hz CSV export's rate, computed from its time stamps, reads
499.99... Hz). Below it a narrow QRS's apex is itself a sample or two wide and reads as a
spike (on CPSC 2021's development records at 200 Hz, windows without a pacemaker reached
0.53). At lower rates, and where a recorder's front end has smoothed the spikes away, the
rhythm is judged as unpaced. Only the window's own beats count: with the context beats of
sinus neighbours, a paced window inside a long record fell below half.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SEARCH_S = (-0.30, 0.10)  # the beat: from where a P wave can start to the end of the QRS
SPIKE_HALF_S = 0.004  # a pacing spike is this narrow; an R apex is wider
MIN_FS_HZ = 2 / SPIKE_HALF_S
RATE_TOLERANCE = 0.01
SPIKE_RATIO = 3.0  # a spike is this many times sharper than anything else in its beat
RETURN_S = 0.01  # a spike's pulse comes back halfway within this
#: Spikes of one pacemaker lie this close to their median place in the beat; the fiducial of
#: a wide or alternately paced and conducted QRS moves by up to 20 ms (LUDB 95).
LINE_UP_S = 0.025
PACED_SHARE = 0.5  # a window is paced when spikes precede at least half its beats
MIN_BEATS = 4


def paced_share(leads: Sequence[np.ndarray], beats: np.ndarray, fs: float) -> float | None:
    """Share of the beats (aligned QRS fiducials, sample indices into each of ``leads``, the
    usable leads as recorded) that a pacemaker spike precedes; None below MIN_FS_HZ or with
    under MIN_BEATS beats whose search window lies inside the signal."""
    if fs < MIN_FS_HZ * (1.0 - RATE_TOLERANCE) or len(leads) == 0:
        return None
    n = min(x.size for x in leads)
    lo, hi = (int(round(s * fs)) for s in SEARCH_S)
    inside = beats[(beats + lo >= 1) & (beats + hi < n)]
    if inside.size < MIN_BEATS:
        return None
    at = inside[:, None] + np.arange(lo, hi)[None, :]
    beat = sum(np.abs(x[at + 1] - 2.0 * x[at] + x[at - 1]) for x in leads)
    place = np.argmax(beat, axis=1)
    half = int(round(SPIKE_HALF_S * fs))
    around = np.abs(np.arange(hi - lo)[None, :] - place[:, None]) <= half
    rest = np.where(around, 0.0, beat).max(axis=1)
    spiked = beat[np.arange(inside.size), place] >= SPIKE_RATIO * np.maximum(rest, 1e-12)
    spiked &= _returns(leads, inside + lo + place, n, fs)
    if not spiked.any():
        return 0.0
    lined_up = np.abs(place - np.median(place[spiked])) <= LINE_UP_S * fs
    return round(float(np.count_nonzero(spiked & lined_up)) / inside.size, 3)


def _returns(leads: Sequence[np.ndarray], at: np.ndarray, n: int, fs: float) -> np.ndarray:
    """Whether the leads (each ``n`` samples or more) at each sharpest point ``at`` make a
    pulse: the summed distance from the level two samples before falls, within RETURN_S, to
    half its largest value at the point (one sample either side)."""
    after = max(3, int(round(RETURN_S * fs)))
    inside = (at >= 2) & (at + after < n)
    out = np.zeros(at.size, dtype=bool)
    t = at[inside]
    span = t[:, None] + np.arange(-1, after + 1)[None, :]
    distance = sum(np.abs(x[span] - x[t - 2][:, None]) for x in leads)
    out[inside] = distance[:, 3:].min(axis=1) <= 0.5 * distance[:, :3].max(axis=1)
    return out
