"""Irregular rhythms that are not AF, made from real sinus recordings: does the engine say AF?

The "other rhythm" class of handheld single-lead ECGs (sinus arrhythmia, frequent premature
beats, blocked beats) is where AF detectors that read RR irregularity make their false AF
statements, and the shared data hold little of it: the CPSC 2021 sample's non-AF stretches
are mostly regular sinus rhythm. This benchmark makes such rhythms from those stretches by
re-timing their annotated beats, so that every P wave, QRS, T wave and noise sample is a real
one, and only the intervals (and, for ectopic beats, the P wave or QRS shape) change.

Method
- Sources: every lead of every CPSC 2021 record, cut into the 30 s pieces of
  ``ecg_rhythm.py`` section 6 that are at most 10 % annotated AF, with the committed split by
  patient (development 21, 84, 92; held-out 8, 35, 101). Each piece is taken with 3 s of
  context either side and its baseline removed (0.5 Hz high-pass, forward-backward). The
  annotated beats are moved to the largest deflection within 80 ms (the annotations sit
  anywhere from the R peak to the S wave). A piece whose intervals are all within 20 % of
  their median is a *regular* source; the others hold ectopy, noise that an annotation
  followed, or a missed or extra annotation, and are reported apart (figures "regular" and
  "all"). The beats are cut at 62 % of each RR interval (after the T wave, before the next
  P wave).
- The beats are laid down again at new R times (``ecg.stress.retime_beats``). A shorter
  interval overlaps the next beat's P wave with the T wave before it (summed, as a
  premature P wave rides on the T wave); a longer one is filled with a straight line
  between the beats' levels plus the ripple of the piece's own T-P baseline.
- Rhythms (a seeded generator per piece):
  - ``resynthesised``: the same intervals (the control: the cutting and joining alone);
  - ``sinus_arrhythmia``: intervals modulated by +-20 % at a 4 s breathing period;
  - ``pac_random``: a quarter of the beats premature at 60-80 % of the interval, their P
    wave inverted at half height (a low atrial focus), the next interval 5-15 % longer
    (non-compensatory);
  - ``atrial_bigeminy``: every second beat premature at 70 %;
  - ``pvc_random``: a fifth of the beats replaced by a wide complex (the QRS stretched to
    about 150 ms, inverted, 1.3 times as tall; no P wave; the T wave inverted) at 60-75 %
    of the interval, with a full compensatory pause;
  - ``dropped_beats``: 15 % of the beats left out with their P wave (sino-atrial block),
    doubling that interval;
  - ``sinus_pauses``: two beats left out every 8 to 11 beats (sinus arrest of about 2.4-3 s,
    over the 2 s at which a pause is stated);
  - ``mixed``: sinus arrhythmia at +-15 %, 15 % premature atrial and 10 % premature
    ventricular beats;
  - ``sinus_arrest``: the beats left out from about 8-12 s into the piece until one interval
    of 7-11 s is made (a sinus arrest long enough to need pacing, where the ripple of the
    baseline is all the detectors see for several seconds).
- Each made piece is cut to 30 s, resampled to 300 Hz after removing its median (as in
  section 6) and analysed alone. Counted per split and rhythm: AF statements (all false:
  no piece is AF), refusals as poor signal quality, sinus statements, grouped-beating and
  pause statements, pauses of 6.5 s or more stated (only ``sinus_arrest`` makes one), the
  false AF by patient; and the premature atrial and ventricular
  complexes made and counted more than 1 s from the piece's ends, with Se and PPV (a counted
  complex of the same kind within 100 ms of a made one; a refused piece counts none).
Prints JSON.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import wfdb
from bench_common import emit, machine
from ecg_rhythm import (
    DEV_PATIENTS,
    HELD_OUT_PATIENTS,
    SHORT_AF_SHARE,
    SHORT_FS,
    SHORT_S,
    SINUS,
    codes,
    one_lead,
    overlap,
    pct,
    reference_af,
)

from workstation.dsp.filters import highpass
from workstation.dsp.resample import resample
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.qrs import SETTLE_S
from workstation.ecg.rhythm import PAC, PVC
from workstation.ecg.stress import retime_beats
from workstation.errors import NotMeasurable
from workstation.io import read_recording

DATA = Path(
    os.environ.get("WORKSTATION_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
CONTEXT_S = 3.0
SNAP_S = 0.08
REGULAR_WITHIN = 0.2
MATCH_S = 0.1
LONG_PAUSE_S = 6.5  # a stated pause this long is the made arrest (the others make 3 s at most)
HIGHPASS_HZ = 0.5

#: New RR intervals (s) from the old ones and the beats' kinds (``ecg.stress.retime_beats``).
Retiming = Callable[[np.ndarray, np.random.Generator], tuple[np.ndarray, list[str]]]


def _resynthesised(rr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    return rr.copy(), ["n"] * (len(rr) + 1)


def _sinus_arrhythmia(
    rr: np.ndarray, rng: np.random.Generator, depth: float = 0.2
) -> tuple[np.ndarray, list[str]]:
    t = np.concatenate([[0.0], np.cumsum(rr)])[:-1]
    phase = rng.uniform(0, 2 * np.pi)
    return rr * (1 + depth * np.sin(2 * np.pi * t / 4.0 + phase)), ["n"] * (len(rr) + 1)


def _premature(
    rr: np.ndarray,
    rng: np.random.Generator,
    kind: str,
    chance: float,
    coupling: tuple[float, float],
    every: int = 0,
) -> tuple[np.ndarray, list[str]]:
    """Make beats premature: beat i+1 comes at ``coupling`` of interval i; the interval after
    is lengthened (atrial: 5-15 %; ventricular: the full compensatory pause)."""
    new, kinds = rr.copy(), ["n"] * (len(rr) + 1)
    for i in range(1, len(rr) - 1):
        chosen = (i % every == 1) if every else rng.random() < chance
        if not chosen or kinds[i] != "n":
            continue
        c = rng.uniform(*coupling)
        new[i] = c * rr[i]
        if kind == "v":  # full compensatory pause: the two intervals sum to two of the rhythm's
            new[i + 1] = rr[i] + rr[i + 1] - new[i]
        else:
            new[i + 1] = rng.uniform(1.05, 1.15) * rr[i + 1]
        kinds[i + 1] = kind
    return new, kinds


def _dropped(rr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    kinds = ["n"] * (len(rr) + 1)
    for i in range(2, len(rr) - 1):
        if kinds[i - 1] == "n" and rng.random() < 0.15:
            kinds[i] = "x"
    return rr.copy(), kinds


def _pauses(rr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Two beats left out every 8 to 11 beats: pauses of three intervals (about 2.4-3 s)."""
    kinds = ["n"] * (len(rr) + 1)
    i = 4
    while i < len(rr) - 2:
        kinds[i] = kinds[i + 1] = "x"
        i += int(rng.integers(8, 12))
    return rr.copy(), kinds


def _arrest(rr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Beats left out after one about 8-12 s in until the interval spans 7-11 s."""
    kinds = ["n"] * (len(rr) + 1)
    t = np.concatenate([[0.0], np.cumsum(rr)])
    first = int(np.searchsorted(t, rng.uniform(8.0, 12.0)))
    target = rng.uniform(7.0, 11.0)
    last = first + 1
    while last < len(rr) - 1 and t[last] - t[first] < target:
        kinds[last] = "x"
        last += 1
    return rr.copy(), kinds


def _mixed(rr: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    new, _ = _sinus_arrhythmia(rr, rng, depth=0.15)
    new, kinds = _premature(new, rng, "a", 0.15, (0.6, 0.8))
    later, more = _premature(new, rng, "v", 0.12, (0.6, 0.75))
    for i, k in enumerate(more):
        if k == "v" and kinds[i - 1] == kinds[i] == kinds[i + 1] == "n":
            kinds[i], new[i - 1], new[i] = "v", later[i - 1], later[i]
    return new, kinds


RHYTHMS: dict[str, Retiming] = {
    "resynthesised": _resynthesised,
    "sinus_arrhythmia": _sinus_arrhythmia,
    "pac_random": lambda rr, g: _premature(rr, g, "a", 0.25, (0.6, 0.8)),
    "atrial_bigeminy": lambda rr, g: _premature(rr, g, "a", 0.0, (0.7, 0.7), every=2),
    "pvc_random": lambda rr, g: _premature(rr, g, "v", 0.2, (0.6, 0.75)),
    "dropped_beats": _dropped,
    "sinus_pauses": _pauses,
    "mixed": _mixed,
    "sinus_arrest": _arrest,
}


def retimed(
    y: np.ndarray, peaks: np.ndarray, fs: float, rhythm: Retiming, seed: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The piece re-timed by ``rhythm`` (``ecg.stress.retime_beats``), and where its made
    premature atrial ('a') and ventricular ('v') complexes lie (samples)."""
    new_rr, kinds = rhythm(np.diff(peaks) / fs, np.random.default_rng(seed))
    made, placed = retime_beats(y, peaks, fs, new_rr, kinds)
    marks = np.asarray(kinds)
    return made, {k: placed[(marks == k) & (placed >= 0)] for k in ("a", "v")}


def snapped(y: np.ndarray, peaks: np.ndarray, fs: float) -> np.ndarray:
    """Each annotated beat moved to the largest deflection within SNAP_S of it; two that land
    closer than SNAP_S * 3 become one. Wider than ``qrs.refine``'s 60 ms, which moves a
    detector's own marks: these annotations sit anywhere from the R peak to the S wave."""
    half = int(SNAP_S * fs)
    out: list[int] = []
    for p in peaks:
        lo, hi = max(p - half, 0), min(p + half + 1, len(y))
        at = lo + int(np.argmax(np.abs(y[lo:hi])))
        if not out or at - out[-1] >= 3 * half:
            out.append(at)
    return np.asarray(out)


def regular(peaks: np.ndarray) -> bool:
    rr = np.diff(peaks)
    return len(rr) > 2 and bool(np.all(np.abs(rr / np.median(rr) - 1) <= REGULAR_WITHIN))


def source_pieces() -> list[tuple[str, str, np.ndarray, np.ndarray, float, bool]]:
    """(record, lead, samples with context, R peaks in them, fs, regular) for every non-AF
    30 s piece."""
    pieces = []
    for header in sorted((DATA / "cpsc2021-sample").glob("*.hea")):
        rec = read_recording(header)
        fs, n = rec.fs, int(SHORT_S * rec.fs)
        ref = reference_af(header.with_suffix(""), fs, rec.n_samples)
        peaks = wfdb.rdann(str(header.with_suffix("")), "atr").sample
        signals = np.asarray(rec.signals, dtype=np.float64)
        pad = int(CONTEXT_S * fs)
        for lead, name in enumerate(rec.channel_names):
            for start in range(0, rec.n_samples - n + 1, n):
                share = overlap([(start / fs, (start + n) / fs)], ref) / SHORT_S
                if share > SHORT_AF_SHARE[0]:
                    continue
                lo, hi = max(start - pad, 0), min(start + n + pad, rec.n_samples)
                inside = peaks[(peaks >= lo) & (peaks < hi)] - lo
                y = highpass(signals[lead, lo:hi], fs, HIGHPASS_HZ)
                inside = snapped(y, inside, fs)
                pieces.append((header.stem, name, y, inside, fs, regular(inside)))
    return pieces


def scored(truth: np.ndarray, found: np.ndarray, fs: float) -> tuple[int, int, int]:
    """(made, counted, matched within MATCH_S) for the complexes of one kind more than
    SETTLE_S from the piece's ends (where the detectors settle); a counted complex is taken
    up to MATCH_S beyond those limits, so that a pair astride one is a match."""
    lo, hi = SETTLE_S * fs, (SHORT_S - SETTLE_S) * fs
    truth = truth[(truth >= lo) & (truth < hi)]
    near = found[(found >= lo - MATCH_S * fs) & (found < hi + MATCH_S * fs)]
    hits = [bool(near.size) and float(np.min(np.abs(near - t))) <= MATCH_S * fs for t in truth]
    counted = int(np.count_nonzero((found >= lo) & (found < hi)))
    return truth.size, counted, sum(hits)


def piece_row(
    record: str,
    lead: str,
    made: np.ndarray,
    fs: float,
    steady: bool,
    ectopic: dict[str, np.ndarray],
) -> dict[str, Any]:
    n = int(SHORT_S * fs)
    piece = made[:n]
    piece = resample(piece - np.median(piece), fs, SHORT_FS)
    found: set[str] = {"poor_signal_quality"}
    longest = 0.0
    quiet = False
    counts = {k: scored(v, np.zeros(0), fs) for k, v in ectopic.items()}
    try:
        result = analyze_ecg(one_lead(piece, SHORT_FS, lead))
    except NotMeasurable:
        result = None
    if result is not None:
        found = codes(result)
        if result.rhythm is not None:
            beats = result.rhythm.beats * fs / result.rhythm.fs
            longest = max((p.duration_s for p in result.rhythm.pauses), default=0.0)
            quiet = bool(result.rhythm.quiet_stretches)
            kinds = result.rhythm.beat_kinds
            counts = {
                k: scored(ectopic[k], beats[kinds == code], fs)
                for k, code in (("a", PAC), ("v", PVC))
            }
    return {
        "record": record,
        "patient": record.split("_")[1],
        "regular": steady,
        "af": "af_suspected" in found,
        "refused": "poor_signal_quality" in found,
        "sinus": bool(found & SINUS),
        "grouped": "grouped_beating" in found,
        "pauses": "pauses" in found,
        "long_pause": "pauses" in found and longest >= LONG_PAUSE_S,
        "no_qrs_seen": quiet,
        "pause_or_no_qrs": "pauses" in found or quiet,
        "ectopics": counts,
    }


def summarise(
    rows: list[dict[str, Any]], patients: tuple[str, ...], only_regular: bool
) -> dict[str, Any]:
    part = [r for r in rows if r["patient"] in patients and (r["regular"] or not only_regular)]
    n = len(part)
    return {
        "pieces": n,
        "false_af": sum(r["af"] for r in part),
        "false_af_pct": pct(sum(r["af"] for r in part), n),
        "refused_pct": pct(sum(r["refused"] for r in part), n),
        "sinus_statement_pct": pct(sum(r["sinus"] for r in part), n),
        "grouped_beating_statements": sum(r["grouped"] for r in part),
        "pause_statement_pct": pct(sum(r["pauses"] for r in part), n),
        "long_pause_statement_pct": pct(sum(r["long_pause"] for r in part), n),
        "no_qrs_seen_pct": pct(sum(r["no_qrs_seen"] for r in part), n),
        "pause_or_no_qrs_pct": pct(sum(r["pause_or_no_qrs"] for r in part), n),
        "premature_atrial": ectopy_scores([r["ectopics"]["a"] for r in part]),
        "premature_ventricular": ectopy_scores([r["ectopics"]["v"] for r in part]),
        "false_af_by_patient": {
            p: sum(r["af"] for r in part if r["patient"] == p) for p in patients
        },
    }


def ectopy_scores(rows: list[tuple[int, int, int]]) -> dict[str, Any]:
    """Made, counted, Se and PPV of one kind of premature complex over the pieces."""
    made, found, hits = (sum(r[i] for r in rows) for i in range(3))
    return {"made": made, "counted": found, "se_pct": pct(hits, made), "ppv_pct": pct(hits, found)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--rhythms", nargs="*", default=list(RHYTHMS))
    args = parser.parse_args()
    sources = source_pieces()
    out: dict[str, Any] = {
        "benchmark": "ecg_irregular_rhythms",
        "machine": machine(),
        "split": {"dev_patients": DEV_PATIENTS, "held_out_patients": HELD_OUT_PATIENTS},
    }
    for name in args.rhythms:
        rows = []
        for seed, (record, lead, y, peaks, fs, steady) in enumerate(sources):
            made, ectopic = retimed(y, peaks, fs, RHYTHMS[name], seed)
            if len(made) < int(SHORT_S * fs):
                continue
            rows.append(piece_row(record, lead, made, fs, steady, ectopic))
        out[name] = {
            f"{split}_{kind}": summarise(rows, patients, kind == "regular")
            for split, patients in (("dev", DEV_PATIENTS), ("held_out", HELD_OUT_PATIENTS))
            for kind in ("regular", "all")
        }
    emit(out, args.out)


if __name__ == "__main__":
    main()
