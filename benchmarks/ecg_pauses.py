"""Pauses stated where the heart did not pause, and pauses the heart made that go unstated.

A pause is the finding a clinician acts on fastest (a pacemaker referral), and the ways to
state a false one are mostly a lead going wrong while the heart beats on: an electrode that
loosens (the lead shrinks to a few percent, often inverting or turning biphasic), or a
lead replaced for seconds by noise, mains hum, motion or a flat line. The ways to hide a
real one are what else a lead shows while the ventricles are still: electrode pops, and the
P waves that go on in an AV-block pause. The shared data hold none of these, so this
benchmark makes them from real recordings; every sample outside the altered stretch is
real, and so is every beat.

Method
- Sources: two-lead 30 s pieces of the CPSC 2021 sample at their own 200 Hz, outside
  annotated AF, whose annotated intervals are all within 20 % of their median (a regular
  rhythm: no pause in the heart), at most PIECES_PER_RECORD per record spread over it, by
  the committed patient split (development 21, 84, 92; held-out 8, 35, 101). Each piece's
  baseline is removed (0.5 Hz high-pass, forward-backward) and its annotated beats moved to
  the largest deflection within 80 ms of lead 1 (``ecg_irregular_rhythms.snapped``). LUDB
  (12 leads, 500 Hz, 10 s): the records of the committed split's development and test parts
  labelled sinus rhythm with intervals within 15 % of their median and 0.65-1.1 s, at most
  LUDB_RECORDS per part, their lead II annotations as beats.
- False-pause cases (the heart did not pause; a stated pause over 2 s is false), one lead at
  a time, from 10.3 s into a CPSC piece (3 s into a LUDB record) for 4 or 8 s (3 s in LUDB):
  ``dip_plain`` the lead scaled to 3 % or 8 %, ``dip_inverted`` the same turned over,
  ``dip_biphasic`` its derivative at that size (each with and without noise at 1 % of the
  lead's R amplitude); ``lost_flat``, ``lost_noise`` (0.005 and 0.02 mV white noise),
  ``lost_hum50``, ``lost_hum16`` (0.3 mV at 50 Hz, 0.05 mV at 16.7 Hz), ``lost_motion``
  (0.3 mV at 2 Hz) the lead replaced (LUDB: leads II, V2, V5 in turn); ``untouched``
  the piece itself (control). The same from AF_CASES on two-lead pieces wholly inside
  annotated AF (``af_`` before the case; ``af_untouched`` counts the pieces' own pauses),
  where the beats that go on through a lost lead are as irregular as those around it.
- Real-pause cases (``ecg.stress.retime_beats`` on every lead with the same cuts, the beats
  from about 10 s (LUDB: the middle) left out with their P waves until one interval of
  3, 5 or 8 s is made (LUDB 3.4 s)): ``pause_clean``; ``pause_pops`` one or two electrode
  pops (40 ms Hann, 0.5 or 1 times the lead's R amplitude, random sign) inside the pause
  in one lead (CPSC: each lead in turn; LUDB: V1, aVL, V5 in turn); ``pause_p_waves`` the
  left-out beats' P waves kept in every lead (paroxysmal AV block: the atria go on);
  ``pause_pops_at_rate`` and ``pause_spikes_at_rate`` pops (R height) or non-capturing
  pacemaker spikes (2 ms at twice R height with a recharge tail) at the usual interval
  through the pause, in one lead (CPSC: each in turn) or in V1 and V2 together (LUDB);
  ``pause_p_dominant`` one lead's QRS-T halved and a 100 ms P wave of 0.6 R at PR 0.16 s
  before every beat, conducted or blocked (CPSC: each lead in turn; LUDB: II), the AV
  block of a lead whose P wave outgrew its QRS; ``pause_then_lead_lost`` (two leads) lead
  1 replaced by 0.02 mV noise for 3 s from 0.3 s after the pause while lead 2 holds two
  R-height pops inside it. The made LUDB records run from the first to the last annotated
  beat (6-8 s).
- Counted per split and case: pieces, refusals (poor signal quality), and for false-pause
  cases the stated false pauses (any pause statement; the untouched pieces' own are
  counted under ``untouched``), for real-pause cases the pauses stated over the made one
  at 80 % or more of its length (``stated``), other pauses stated beside it
  (``other_false_pauses``), and of those not stated, how many say that part of the
  record was not interpreted (``unstated_partly_not_interpreted``: the clinician is told
  to look) and how many read the record as interpreted throughout (``unstated_silent``).
  Of the stated pauses, how many name another lead as beating on through them
  (``false_pauses_flagged``, ``stated_flagged``: ``ecg.pause_leads``; a flagged pause is
  still stated, with "compare the leads"). A stretch with no QRS in any lead that no pause
  measured (``ecg.quiet_stretches``) is counted as well: over a made pause not stated
  (``no_qrs_seen_not_stated``), and where the heart did not pause (``false_no_qrs_seen``).
Prints JSON.
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import wfdb
from bench_common import emit, machine
from ecg_irregular_rhythms import DATA, HIGHPASS_HZ, regular, snapped
from ecg_rhythm import DEV_PATIENTS, HELD_OUT_PATIENTS, SHORT_S, codes, overlap, pct, reference_af

from workstation.dsp.filters import highpass
from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.stress import retime_beats
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.recording import Modality, Recording
from workstation.training.split import load_split

PIECES_PER_RECORD = 4
LUDB_RECORDS = 20
LUDB_REGULAR_WITHIN = 0.15
CPSC_AT_S, LUDB_AT_S = 10.3, 3.0
CPSC_SPANS_S, LUDB_SPANS_S = (4.0, 8.0), (3.0,)
CPSC_PAUSES_S, LUDB_PAUSES_S = (3.0, 5.0, 8.0), (3.4,)
LUDB_ALTERED_LEADS = ("ii", "v2", "v5")
LUDB_POP_LEADS = ("v1", "avl", "v5")
LUDB_RATE_LEADS = ("v1", "v2")  # artefact at the heart rate in two leads at once
LUDB_P_DOMINANT_LEAD = "ii"
STATED_SHARE = 0.8  # a stated pause this share of the made one or longer is the made one
P_WAVE_S = (0.26, 0.07)  # before the R peak: where a P wave lies (start, end)
POP_S = 0.04
TAIL_S = 0.1  # a pacemaker spike's recharge tail
P_WIDTH_S, PR_S = 0.1, 0.16  # the outgrown P wave of ``pause_p_dominant``
P_DOMINANT, QRS_KEPT = 0.6, 0.5  # its height (of the R amplitude) and what is left of the QRS-T
LOST_AFTER_S = 3.0  # ``pause_then_lead_lost``: lead 1 replaced by noise this long after the pause
#: The false-pause cases made in AF too: a lead lost while the ventricles beat irregularly.
AF_CASES = ("dip_plain", "lost_noise", "lost_hum16", "lost_motion")


@dataclass(frozen=True)
class Source:
    """One regular stretch: every lead with its baseline removed, its beats, its split."""

    name: str
    split: str
    signals: np.ndarray
    beats: np.ndarray
    fs: float
    leads: tuple[str, ...]


def _r_amplitude(y: np.ndarray) -> float:
    return float(np.percentile(np.abs(y - np.median(y)), 99.5))


#: A stretch of one lead altered: (stretch, generator, level, fs) -> the stretch made.
Alteration = Callable[[np.ndarray, np.random.Generator, float, float], np.ndarray]


def _dip(shape: str) -> Alteration:
    def altered(seg: np.ndarray, rng: np.random.Generator, scale: float, fs: float) -> np.ndarray:
        level = np.median(seg)
        y = seg - level
        if shape == "inverted":
            y = -y
        elif shape == "biphasic":
            d = np.gradient(y)
            y = d * np.percentile(np.abs(y), 99.5) / max(np.percentile(np.abs(d), 99.5), 1e-9)
        return level + scale * y

    return altered


def _lost(kind: str) -> Alteration:
    def altered(seg: np.ndarray, rng: np.random.Generator, level: float, fs: float) -> np.ndarray:
        t = np.arange(seg.size) / fs
        base = float(np.median(seg))
        if kind == "flat":
            return np.full(seg.size, base)
        if kind == "noise":
            return base + level * rng.standard_normal(seg.size)
        amp, hz = {"hum50": (0.3, 50.0), "hum16": (0.05, 16.7), "motion": (0.3, 2.0)}[kind]
        return base + amp * np.sin(2 * np.pi * hz * t) + 0.005 * rng.standard_normal(seg.size)

    return altered


#: (case, alteration, the levels it is made at)
FALSE_PAUSE_CASES: tuple[tuple[str, Alteration, tuple[float, ...]], ...] = (
    ("dip_plain", _dip("plain"), (0.03, 0.08)),
    ("dip_inverted", _dip("inverted"), (0.03, 0.08)),
    ("dip_biphasic", _dip("biphasic"), (0.03, 0.08)),
    ("lost_flat", _lost("flat"), (0.0,)),
    ("lost_noise", _lost("noise"), (0.005, 0.02)),
    ("lost_hum50", _lost("hum50"), (0.0,)),
    ("lost_hum16", _lost("hum16"), (0.0,)),
    ("lost_motion", _lost("motion"), (0.0,)),
)


def _recording(signals: np.ndarray, fs: float, leads: tuple[str, ...]) -> Recording:
    return Recording(
        signals=signals,
        fs=fs,
        channel_names=leads,
        units=("mV",) * len(leads),
        modality=Modality.ECG,
    )


def _analysed(
    signals: np.ndarray, fs: float, leads: tuple[str, ...], made: tuple[int, int] | None = None
) -> dict[str, Any]:
    """What a clinician reads: refused, the longest stated pause (overlapping ``made``, the
    made pause's samples, when given), whether another pause was stated beside it, partly
    not interpreted."""
    try:
        result = analyze_ecg(_recording(signals, fs, leads))
    except NotMeasurable:
        return {
            "refused": True,
            "pause_s": 0.0,
            "other_pause": False,
            "partly": False,
            "flagged": False,
            "no_qrs_s": 0.0,
        }
    found = codes(result)
    pauses = result.rhythm.pauses if result.rhythm is not None and "pauses" in found else []
    on = [p for p in pauses if made is None or (p.start < made[1] and p.end > made[0])]
    quiet = result.rhythm.quiet_stretches if result.rhythm is not None else []
    quiet_on = [q for q in quiet if made is None or (q.start < made[1] and q.end > made[0])]
    return {
        "no_qrs_s": max((q.duration_s for q in quiet_on), default=0.0),
        "refused": "poor_signal_quality" in found,
        "pause_s": max((p.duration_s for p in on), default=0.0),
        "other_pause": len(on) < len(pauses),
        "partly": "partly_poor_quality" in found,
        "flagged": bool(on) and bool(max(on, key=lambda p: p.duration_s).not_seen_in),
    }


def cpsc_sources(af: bool = False) -> list[Source]:
    """Regular two-lead 30 s pieces outside AF (with ``af``: pieces wholly inside annotated
    AF), at most PIECES_PER_RECORD per record."""
    out = []
    for header in sorted((DATA / "cpsc2021-sample").glob("*.hea")):
        patient = header.stem.split("_")[1]
        split = "dev" if patient in DEV_PATIENTS else "held_out"
        assert patient in DEV_PATIENTS + HELD_OUT_PATIENTS
        rec = read_recording(header)
        fs, n = rec.fs, int(SHORT_S * rec.fs)
        ref = reference_af(header.with_suffix(""), fs, rec.n_samples)
        peaks = wfdb.rdann(str(header.with_suffix("")), "atr").sample
        signals = np.asarray(rec.signals, dtype=np.float64)
        pieces = []
        for start in range(0, rec.n_samples - n + 1, n):
            in_af = overlap([(start / fs, (start + n) / fs)], ref)
            if (in_af < SHORT_S) if af else (in_af > 0):
                continue
            ys = np.array([highpass(s[start : start + n], fs, HIGHPASS_HZ) for s in signals])
            inside = snapped(ys[0], peaks[(peaks >= start) & (peaks < start + n)] - start, fs)
            if af or regular(inside):
                pieces.append(Source(f"{header.stem}@{start // n}", split, ys, inside, fs,
                                     tuple(rec.channel_names)))  # fmt: skip
        pick = np.unique(np.linspace(0, len(pieces) - 1, PIECES_PER_RECORD).round().astype(int))
        out += [pieces[i] for i in pick] if pieces else []
    return out


def ludb_sources() -> list[Source]:
    """Regular sinus LUDB records, at most LUDB_RECORDS per part of the committed split."""
    folder = DATA / "ludb" / "data"
    test = set(load_split()["test"])
    out: list[Source] = []
    taken = {"dev": 0, "held_out": 0}
    for rid in range(1, 201):
        split = "held_out" if rid in test else "dev"
        if taken[split] >= LUDB_RECORDS:
            continue
        rec = wfdb.rdrecord(str(folder / str(rid)))
        ann = wfdb.rdann(str(folder / str(rid)), "ii")
        beats = np.asarray([s for s, sym in zip(ann.sample, ann.symbol, strict=True) if sym == "N"])
        if beats.size < 9:
            continue
        rr = np.diff(beats) / rec.fs
        if np.any(np.abs(rr / np.median(rr) - 1) > LUDB_REGULAR_WITHIN):
            continue
        if not 0.65 < np.median(rr) < 1.1:
            continue
        ys = np.array([highpass(s, rec.fs, HIGHPASS_HZ) for s in rec.p_signal.T])
        taken[split] += 1
        names = tuple(n.lower() for n in rec.sig_name)
        out.append(Source(f"ludb{rid}", split, ys, beats, float(rec.fs), names))
    return out


def false_pause_rows(
    src: Source,
    at_s: float,
    spans: tuple[float, ...],
    leads: tuple[int, ...],
    cases: tuple[str, ...] | None = None,
) -> Iterator[dict]:
    """The untouched source, then each of ``leads`` altered in turn by every false-pause
    case (or those named in ``cases``)."""
    yield {"case": "untouched", **_analysed(src.signals, src.fs, src.leads)}
    a = int(at_s * src.fs)
    for case, alter, levels in FALSE_PAUSE_CASES:
        if cases is not None and case not in cases:
            continue
        noises = (0.0, 0.01) if case.startswith("dip") else (0.0,)
        for lead, span, level, noise in product(leads, spans, levels, noises):
            key = repr((src.name, case, lead, span, level, noise)).encode()
            rng = np.random.default_rng(zlib.crc32(key))
            x = src.signals.copy()
            b = a + int(span * src.fs)
            r = _r_amplitude(x[lead])
            x[lead, a:b] = alter(x[lead, a:b], rng, level, src.fs)
            x[lead, a:b] += noise * r * rng.standard_normal(b - a)
            yield {"case": case, **_analysed(x, src.fs, src.leads)}


@dataclass(frozen=True)
class MadePause:
    """Every lead with beats left out: the signals, where the laid-down beats' R peaks lie,
    where the left-out ones would have been, and the pause's first and last sample."""

    signals: np.ndarray
    conducted: np.ndarray
    gone: np.ndarray
    span: tuple[int, int]


def made_pause(src: Source, pause_s: float, first: int) -> MadePause:
    """Every lead with the beats from ``first`` left out until one interval of about
    ``pause_s`` is made."""
    rr = np.diff(src.beats) / src.fs
    gone = max(int(round(pause_s / np.median(rr))) - 1, 1)
    kinds = ["n"] * src.beats.size
    kinds[first : first + gone] = ["x"] * gone
    made, placed = [], np.zeros(0)
    for y in src.signals:
        m, placed = retime_beats(y, src.beats, src.fs, rr, kinds)
        made.append(m)
    n = min(int(SHORT_S * src.fs), min(len(m) for m in made), src.signals.shape[1])
    shift = placed[first - 1] - src.beats[first - 1]
    return MadePause(
        np.array([m[:n] for m in made]),
        placed[(placed >= 0) & (placed < n)],
        src.beats[first : first + gone] + shift,
        (int(placed[first - 1]), int(placed[first + gone])),
    )


def _at_the_rate(span: tuple[int, int], every: float) -> np.ndarray:
    """Samples inside ``span`` every ``every`` samples from half of one after its start."""
    return np.arange(span[0] + every / 2, span[1] - every / 4, every).astype(int)


def _laid(y: np.ndarray, at: np.ndarray, shape: np.ndarray, centre: int) -> np.ndarray:
    """``y`` with ``shape`` added with its ``centre`` sample at each of ``at``."""
    out = y.copy()
    for t in at:
        a = t - centre
        lo, hi = max(a, 0), min(a + shape.size, out.size)
        if hi > lo:
            out[lo:hi] += shape[lo - a : hi - a]
    return out


def real_pause_rows(
    src: Source,
    pauses: tuple[float, ...],
    first: int,
    pop_leads: tuple[int, ...],
    rate_leads: tuple[tuple[int, ...], ...],
    p_leads: tuple[int, ...],
) -> Iterator[dict]:
    """Each made pause clean, with pops in one lead at a time (``pop_leads``), with its P
    waves kept, with pops or non-capturing pacemaker spikes at the heart rate in each group
    of ``rate_leads``, with the P wave of one of ``p_leads`` at a time outgrowing its QRS
    (an AV block seen where P waves are tall), and, on two leads, followed by lead 1 lost
    while lead 2 holds two pops in the pause."""
    fs = src.fs
    usual = float(np.median(np.diff(src.beats)))
    for pause_s in pauses:
        made = made_pause(src, pause_s, first)
        x, (a0, a1) = made.signals, made.span

        def row(case: str, y: np.ndarray, span: tuple[int, int] = made.span) -> dict:
            made_s = (span[1] - span[0]) / fs
            return {"case": case, "made_s": made_s, **_analysed(y, fs, src.leads, span)}

        yield row("pause_clean", x)
        for lead in pop_leads:
            r = _r_amplitude(x[lead])
            for count, amp in ((1, 0.5), (2, 1.0)):
                rng = np.random.default_rng(zlib.crc32(repr((src.name, lead, count)).encode()))
                y = x.copy()
                w = np.hanning(int(POP_S * fs))
                for t in np.linspace(a0, a1, count + 2)[1:-1]:
                    j = int(t + rng.uniform(-0.2, 0.2) * fs)
                    y[lead, j : j + w.size] += amp * r * w * rng.choice((-1.0, 1.0))
                yield row("pause_pops", y)
        y = x.copy()
        p0, p1 = int(P_WAVE_S[0] * fs), int(P_WAVE_S[1] * fs)
        w = np.hanning(p0 - p1)
        for old, new in zip(src.beats[first : first + made.gone.size], made.gone, strict=True):
            for k in range(len(src.leads)):
                seg = src.signals[k, old - p0 : old - p1]
                seg = seg - np.linspace(seg[0], seg[-1], seg.size)
                if 0 <= new - p0 and new - p1 <= y.shape[1]:
                    y[k, new - p0 : new - p1] += w * seg
        yield row("pause_p_waves", y)
        at = _at_the_rate(made.span, usual)
        pop = np.hanning(int(POP_S * fs))
        tail = int(TAIL_S * fs)
        spike = np.concatenate(
            [np.ones(max(int(0.002 * fs), 1)), -0.15 * np.exp(-np.arange(tail) / (0.3 * tail))]
        )
        for leads in rate_leads:
            for case, shape, centre, gain in (
                ("pause_pops_at_rate", pop, pop.size // 2, 1.0),
                ("pause_spikes_at_rate", spike, 0, 2.0),
            ):
                y = x.copy()
                for k in leads:
                    y[k] = _laid(x[k], at, gain * _r_amplitude(x[k]) * shape, centre)
                yield row(case, y)
        p_wave = np.hanning(int(P_WIDTH_S * fs))
        every = np.sort(np.concatenate([made.conducted, made.gone])) - int(PR_S * fs)
        for lead in p_leads:
            y = x.copy()
            r = _r_amplitude(x[lead])
            y[lead] = _laid(QRS_KEPT * x[lead], every, P_DOMINANT * r * p_wave, p_wave.size // 2)
            yield row("pause_p_dominant", y)
        if len(src.leads) == 2:
            y = x.copy()
            rng = np.random.default_rng(zlib.crc32(repr((src.name, pause_s, "lost")).encode()))
            b0 = a1 + int(0.3 * fs)
            b1 = min(b0 + int(LOST_AFTER_S * fs), y.shape[1])
            y[0, b0:b1] = np.median(y[0, b0:b1]) + 0.02 * rng.standard_normal(b1 - b0)
            r = _r_amplitude(x[1])
            for t in np.linspace(a0, a1, 4)[1:-1]:
                y[1] = _laid(y[1], np.array([int(t)]), r * pop, pop.size // 2)
            yield row("pause_then_lead_lost", y)


def summarise(rows: list[dict]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for case in dict.fromkeys(r["case"] for r in rows):
        part = [r for r in rows if r["case"] == case]
        n = len(part)
        entry: dict[str, Any] = {"n": n, "refused_pct": pct(sum(r["refused"] for r in part), n)}
        if "made_s" in part[0]:
            stated = [r["pause_s"] >= STATED_SHARE * r["made_s"] for r in part]
            missed = [r for r, s in zip(part, stated, strict=True) if not s and not r["refused"]]
            entry |= {
                "stated_pct": pct(sum(stated), n),
                "stated_flagged": sum(
                    s and r["flagged"] for r, s in zip(part, stated, strict=True)
                ),
                "other_false_pauses": sum(r["other_pause"] for r in part),
                # Not stated as a pause, but a stretch with no QRS in any lead said over it
                # (``ecg.quiet_stretches``; its length is the pause's less a QRS).
                "no_qrs_seen_not_stated": sum(
                    not s and r["no_qrs_s"] >= STATED_SHARE * r["made_s"] - 0.2
                    for r, s in zip(part, stated, strict=True)
                ),
                "unstated_partly_not_interpreted": sum(r["partly"] for r in missed),
                "unstated_silent": sum(not r["partly"] for r in missed),
            }
        else:
            entry |= {
                "false_pauses": sum(r["pause_s"] > 0 for r in part),
                "false_pause_pct": pct(sum(r["pause_s"] > 0 for r in part), n),
                "false_pauses_flagged": sum(r["pause_s"] > 0 and r["flagged"] for r in part),
                "longest_false_pause_s": max((r["pause_s"] for r in part), default=0.0),
                "false_no_qrs_seen": sum(r["no_qrs_s"] > 0 for r in part),
            }
        out[case] = entry
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--splits", nargs="*", default=["dev", "held_out"])
    args = parser.parse_args()
    out: dict[str, Any] = {
        "benchmark": "ecg_pauses",
        "machine": machine(),
        "split": {"dev_patients": DEV_PATIENTS, "held_out_patients": HELD_OUT_PATIENTS},
    }
    cpsc, cpsc_af, ludb = cpsc_sources(), cpsc_sources(af=True), ludb_sources()
    for split in args.splits:
        rows: list[dict] = []
        for src in (s for s in cpsc if s.split == split):
            every = tuple(range(len(src.leads)))
            rows += false_pause_rows(src, CPSC_AT_S, CPSC_SPANS_S, every)
            first = int(np.searchsorted(src.beats, CPSC_AT_S * src.fs))
            alone = tuple((k,) for k in every)
            rows += real_pause_rows(src, CPSC_PAUSES_S, first, every, alone, every)
        for src in (s for s in cpsc_af if s.split == split):
            every = tuple(range(len(src.leads)))
            made = false_pause_rows(src, CPSC_AT_S, CPSC_SPANS_S, every, AF_CASES)
            rows += [row | {"case": f"af_{row['case']}"} for row in made]
        out[f"cpsc2021_{split}"] = {
            "pieces": sum(s.split == split for s in cpsc),
            "af_pieces": sum(s.split == split for s in cpsc_af),
            **summarise(rows),
        }
        rows = []
        for src in (s for s in ludb if s.split == split):
            altered = tuple(src.leads.index(lead) for lead in LUDB_ALTERED_LEADS)
            rows += false_pause_rows(src, LUDB_AT_S, LUDB_SPANS_S, altered)
            pops = tuple(src.leads.index(lead) for lead in LUDB_POP_LEADS)
            pair = (tuple(src.leads.index(lead) for lead in LUDB_RATE_LEADS),)
            tall = (src.leads.index(LUDB_P_DOMINANT_LEAD),)
            middle = src.beats.size // 2 - 1
            rows += real_pause_rows(src, LUDB_PAUSES_S, middle, pops, pair, tall)
        out[f"ludb_{split}"] = {"records": sum(s.split == split for s in ludb), **summarise(rows)}
    emit(out, args.out)


if __name__ == "__main__":
    main()
