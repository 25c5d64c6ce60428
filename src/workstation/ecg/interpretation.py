"""Interpretation statements: every threshold of the ECG engine, with its reference.

Each statement carries the measurements that triggered it, so a clinician can check the
reasoning on the trace. These are statements for clinical review, not diagnoses.

References
- [AHA] Rautaharju PM, Surawicz B, Gettes LS, et al. AHA/ACCF/HRS Recommendations for the
  Standardization and Interpretation of the ECG, parts I-VI. Circulation 2009;119:e235-e481
  (Surawicz et al. part III: intraventricular conduction; part IV: ST/T, QT; part V: LVH).
- [Sokolow] Sokolow M, Lyon TP. Am Heart J 1949;37:161-186.
- [Cornell] Casale PN, Devereux RB, et al. J Am Coll Cardiol 1985;6:572-580.
- [Gollob] Gollob MH, et al. The short QT syndrome: proposed diagnostic criteria.
  J Am Coll Cardiol 2011;57:802-812.
- [Bogossian] Bogossian H, Frommeyer G, Ninios I, et al. New formula for evaluation of the QT
  interval in patients with left bundle branch block. Heart Rhythm 2014;11:2273-2277; and
  Bogossian H, Linz D, Heijman J, et al. QTc evaluation in patients with bundle branch
  block. IJC Heart Vasc 2020;30:100636: with a wide QRS (bundle branch block, right
  ventricular pacing) the JT interval is unchanged and the QT lengthens by about half the
  QRS; the modified QT, QT - 50 % of QRS, is rate-corrected and judged as usual.
- [AF] Hindricks G, et al. 2020 ESC Guidelines for atrial fibrillation: irregularly
  irregular RR intervals without distinct repeating P waves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

import numpy as np

from workstation.channels import LIMB_LEADS
from workstation.ecg.delineation import runs
from workstation.ecg.measurements import WIDE_QRS_MS, Measurements
from workstation.ecg.pause_leads import COMPARE_LEADS, leads_text, not_seen_text
from workstation.ecg.qrs import PAUSE_S
from workstation.ecg.quality import QualityMap
from workstation.ecg.quiet_stretches import NO_QRS, NO_QRS_CAUSE, QuietStretch
from workstation.ecg.rhythm import COSEN_AF, P_COHERENCE_MIN, Pause, RhythmAnalysis, WindowRhythm
from workstation.ecg.rhythm_features import NRMSSD_AF, WindowEvidence

BRADYCARDIA_BPM = 60  # [AHA] part I
TACHYCARDIA_BPM = 100  # [AHA] part I
PERSISTENT_AF_BURDEN_PCT = 90.0  # AF through (almost) all of the analysed signal
MAX_SPANS_LISTED = 3  # stretches named in a sinus statement's caveat, then 'and N more'
FIRST_DEGREE_AVB_PR_MS = 200  # [AHA] part I
INCOMPLETE_QRS_MS = 110  # [AHA] part III
LONG_QTC_MS = {"M": 450, "F": 460, None: 460}  # [AHA] part IV, Bazett
SHORT_QTC_MS = 340  # [Gollob]
LEFT_AXIS_DEG = -30  # [AHA] part I
RIGHT_AXIS_DEG = 90  # [AHA] part I (adults)
LOW_VOLTAGE_LIMB_MV = 0.5  # [AHA] part I: all limb leads QRS peak-to-peak < 0.5 mV
SOKOLOW_LYON_MV = 3.5  # [Sokolow] S(V1) + max R(V5, V6)
CORNELL_MV = {"M": 2.8, "F": 2.0, None: 2.8}  # [Cornell] R(aVL) + S(V3)


@dataclass(frozen=True)
class Statement:
    """One finding: a code for software, text for the clinician, evidence for both."""

    code: str
    text: str
    evidence: dict[str, float | str | None] = field(default_factory=dict)
    abnormal: bool = True


def clock(seconds: float) -> str:
    """'01:02:03' from seconds since the start of the recording."""
    whole = int(round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _spans_text(spans: list[tuple[float, float]], shown: int = 10) -> str:
    """'00:01:00-00:01:10, …' for the first ``shown`` spans, then how many more."""
    text = ", ".join(f"{clock(a)}-{clock(b)}" for a, b in spans[:shown])
    return text + (f" and {len(spans) - shown} more" if len(spans) > shown else "")


def _median(values: list[float]) -> float | None:
    return round(float(np.median(values)), 3) if values else None


def poor_quality_statement(quality: QualityMap) -> Statement:
    """Said instead of any rhythm or measurement when too little of the trace is usable."""
    reasons = quality.lead_reasons()
    named = "; ".join(f"{lead}: {why}" for lead, why in reasons.items())
    return Statement(
        "poor_signal_quality",
        "Not interpretable: poor signal quality"
        + (f" ({named})" if named else f" (only {quality.usable_s:.0f} s usable)"),
        {
            "usable_s": round(quality.usable_s, 1),
            "duration_s": round(quality.duration_s, 1),
            "excluded": _spans_text(quality.excluded_spans_s()),
        },
    )


def af_criteria(windows: list[WindowEvidence]) -> tuple[dict[str, float | str | None], str]:
    """The evidence AF was stated on, as figures and as the words that show them (medians
    over the AF windows): how irregular the RR intervals stay without ectopic beats and how
    little of the P window repeats, each against its limit, and, where the multi-lead
    delineator ran, the share of QRS complexes it found a P wave before, so that a reader
    sees when the two P-wave measures disagree; then the other measures."""
    irregularity = _median(
        [e.nrmssd_ectopy_free for e in windows if e.nrmssd_ectopy_free is not None]
    )
    coherence = _median([e.p_coherence for e in windows if e.p_coherence is not None])
    p_per_qrs = _median([e.p_per_qrs for e in windows if e.p_per_qrs is not None])
    evidence: dict[str, float | str | None] = {
        "rr_irregularity_nrmssd_median": irregularity,
        "rr_irregularity_nrmssd_af_from": NRMSSD_AF,
        "p_coherence_median": coherence,
        "p_coherence_p_waves_from": P_COHERENCE_MIN,
        "delineated_p_per_qrs_median": p_per_qrs,
        "cosen_median": _median([e.cosen for e in windows if e.cosen is not None]),
        "atrial_activity_median": _median(
            [e.atrial_activity for e in windows if e.atrial_activity is not None]
        ),
    }
    words: list[str] = []
    if irregularity is not None:
        words.append(f"RR irregularity {irregularity:.2f}, AF from {NRMSSD_AF:.2f}")
    if coherence is not None:
        words.append(f"P-wave coherence {coherence:.2f}, P waves from {P_COHERENCE_MIN:.2f}")
    if p_per_qrs is not None:
        words.append(f"P wave delineated before {100 * p_per_qrs:.0f} % of QRS complexes")
    return evidence, "; ".join(words)


def _unrecognised(window: WindowRhythm) -> bool:
    """Not sinus only because the delineator did not recognise, as a P wave, the wave that
    repeats before the QRS: the scan's coherence called it sinus (``_classify`` gives
    'not_sinus' only below the coherence limit), ``rhythm.with_delineated_p`` took it away."""
    e = window.evidence
    return (
        window.label == "not_sinus"
        and e is not None
        and e.p_coherence is not None
        and e.p_coherence >= P_COHERENCE_MIN
    )


def _delineated(window: WindowRhythm) -> bool:
    return window.evidence is not None and window.evidence.p_per_qrs is not None


def non_sinus_statement(
    windows: list[WindowRhythm], evidence: dict[str, float | str | None]
) -> Statement:
    """Rhythm not confirmed as sinus, saying when its windows' rate is fast or slow.

    When most of the windows are not sinus only because the multi-lead delineator did not
    recognise the wave that repeats before the QRS as a P wave (``_unrecognised``), the
    statement says so and what to look for on the trace: flutter waves locked to the QRS, a
    paced rhythm whose spikes were not found, or P waves the delineator missed (LUDB test
    record 116, sinus with right bundle branch block: none delineated in any lead)."""
    rate = _median([w.evidence.heart_rate_bpm for w in windows if w.evidence is not None])
    evidence = evidence | {"heart_rate_bpm": rate}
    text = "Rhythm not confirmed as sinus"
    # In words, as the sinus statements give theirs (bradycardia, tachycardia): a 2:1
    # flutter at 150 bpm once read "Sinus tachycardia", and should still say it is fast.
    if rate is not None and rate > TACHYCARDIA_BPM:
        text += f" (rate above {TACHYCARDIA_BPM} bpm)"
    elif rate is not None and rate < BRADYCARDIA_BPM:
        text += f" (rate below {BRADYCARDIA_BPM} bpm)"
    unrecognised = [w.evidence for w in windows if _unrecognised(w) and w.evidence is not None]
    # Sinus windows never delineated (a long record's) neither support nor contradict it.
    considered = [w for w in windows if w.label != "sinus" or _delineated(w)]
    if len(unrecognised) > 0.5 * len(considered):
        share = _median([e.p_per_qrs for e in unrecognised if e.p_per_qrs is not None])
        evidence = evidence | {"delineated_p_per_qrs_median": share}
        found = "none of them" if share == 0 else f"only {100 * (share or 0.0):.0f} % of them"
        where = " in the stretches it delineated" if len(considered) < len(windows) else ""
        text += (
            ": a wave repeats before the QRS complexes, but the automatic delineator found a P "
            f"wave before {found}{where}; look for P waves, flutter waves or pacing"
        )
    return Statement("non_sinus_rhythm", text, evidence)


def _expected_sinus(judged: dict[int, WindowRhythm], sample: frozenset[int]) -> Fraction:
    """How many of the ``judged`` windows (outside AF, by index) are sinus: those the
    delineator looked at as it found them, and those it did not (the scan's sinus windows
    of a record longer than its sample, ``RhythmAnalysis.p_sample``, or with too few usable
    leads or beats) in the share of the sample it confirmed. The windows delineated beyond
    the sample, for their premature beats, count as found but do not stand for the others,
    which they would bias towards the windows with early beats."""
    sampled = [
        w for k, w in judged.items() if k in sample and (w.label == "sinus" or _unrecognised(w))
    ]
    # Exact: a record at exactly half stays sinus, as it did when windows were counted.
    confirmed = Fraction(sum(w.label == "sinus" for w in sampled), len(sampled)) if sampled else 1
    found = sum(w.label == "sinus" and _delineated(w) for w in judged.values())
    unchecked = sum(w.label == "sinus" and not _delineated(w) for w in judged.values())
    return found + confirmed * unchecked


def sinus_caveats(r: RhythmAnalysis, in_af: np.ndarray) -> str:
    """What the delineator said against a sinus statement: the stretches whose sinus label
    it took away (fewer than half the judged windows, counting those it did not look at in
    the share of its sample it confirmed: ``_expected_sinus``), how long the scan's sinus
    went undelineated beside them (a record longer than
    ``analysis``'s DELINEATE_ALL_MAX_WINDOWS windows, or windows with too few leads or
    beats), and P waves it found only with the leads inverted."""
    edges, words = r.quality.edges, []
    flagged = np.asarray([_unrecognised(w) for w in r.windows], dtype=bool) & ~in_af
    if flagged.any():
        spans = [(edges[a] / r.fs, edges[b + 1] / r.fs) for a, b in runs(flagged)]
        words.append(
            f"at {_spans_text(spans, MAX_SPANS_LISTED)} the automatic delineator found a P wave "
            "before fewer than half the QRS complexes: look for P waves, flutter waves or "
            "pacing there"
        )
        unchecked = np.asarray(
            [
                w.label == "sinus" and w.evidence is not None and not _delineated(w)
                for w in r.windows
            ],
            dtype=bool,
        )
        seconds = float(np.sum(np.diff(edges)[unchecked & ~in_af])) / r.fs
        if seconds:
            words[-1] += f" (a further {clock(seconds)} called sinus by P-wave coherence alone)"
    if any(w.label == "sinus" and w.evidence and w.evidence.p_inverted for w in r.windows):
        words.append(
            "P waves recognised only with the leads inverted: check the leads' polarity "
            "(inverted P waves are also seen in ectopic atrial and junctional rhythms)"
        )
    return "; ".join(words)


def paced_statement(paced: list[WindowEvidence], analysed: int) -> Statement:
    """Paced rhythm, with the share of beats pacemaker spikes precede. Its windows give no
    sinus or AF statement: the pacemaker sets their RR intervals and its spikes lie in the P
    window (``ecg.pacing``)."""
    share = round(float(np.median([e.paced_share for e in paced])), 3)
    if len(paced) == analysed:
        text = (
            f"Paced rhythm: pacemaker spikes before {100 * share:.0f} % of QRS complexes; "
            "atrial rhythm not assessed"
        )
    else:
        text = (
            f"Paced rhythm in {len(paced)} of {analysed} analysed windows: pacemaker spikes "
            f"before {100 * share:.0f} % of their QRS complexes; atrial rhythm not assessed there"
        )
    return Statement(
        "paced_rhythm",
        text,
        {"paced_share_median": share, "paced_windows": float(len(paced))},
    )


def _grouped(e: WindowEvidence) -> bool:
    """Irregular beat to beat even without premature beats, yet repeating every few beats."""
    return e.patterned and (e.nrmssd_ectopy_free or 0.0) >= NRMSSD_AF


def grouped_beating_statement(grouped: list[WindowEvidence]) -> Statement:
    """Irregular beat to beat, yet each RR interval repeats the one a few beats before: grouped
    beating (regularly irregular), which AF, irregularly irregular, is not
    (``rhythm_features.pattern_irregularity``). Stated for windows without a coherent P wave
    (not sinus) only: the slow periodic change of respiratory sinus arrhythmia also repeats,
    and sinus rhythm is already named (LUDB 91, sinus, was called grouped beating when
    sinus windows counted)."""
    lags = [e.pattern_lag for e in grouped if e.pattern_lag is not None]
    lag = max(set(lags), key=lags.count)
    return Statement(
        "grouped_beating",
        f"Grouped beating suggested: the RR intervals repeat every {lag} beats (regularly "
        "irregular, unlike the irregularly irregular rhythm of atrial fibrillation)",
        {
            "pattern_beats": float(lag),
            "pattern_irregularity_median": _median(
                [e.nrmssd_pattern for e in grouped if e.nrmssd_pattern is not None]
            ),
            "rr_irregularity_nrmssd_median": _median(
                [e.nrmssd_ectopy_free for e in grouped if e.nrmssd_ectopy_free is not None]
            ),
        },
    )


def rhythm_statements(r: RhythmAnalysis) -> list[Statement]:
    """AF (with episodes), sinus rhythm and its rate, ectopy and pauses, from usable windows.

    AF needs irregular RR, no coherent P wave and atrial activity in the same windows
    (``ecg.rhythm``), and says so in its text (``af_criteria``); sinus needs a coherent P
    wave before the QRS and, with three leads or more, the delineator's P waves before at
    least half the QRS complexes (``rhythm.with_delineated_p``), in at least half the
    judged windows; those not delineated (a long record, or too few usable leads) count in
    the share of the delineator's sample it confirmed (``_expected_sinus``). [AF], [AHA]
    part I.
    """
    out: list[Statement] = []
    s = r.summary
    if s.excluded_s > 0:
        out.append(
            Statement(
                "partly_poor_quality",
                f"{s.excluded_s:.0f} s of {r.quality.duration_s:.0f} s not interpreted "
                f"(poor signal quality): {_spans_text(r.quality.excluded_spans_s())}",
                {"excluded_s": s.excluded_s, "analysed_s": s.analysed_s},
                abnormal=False,
            )
        )
    af_windows = [w.evidence for w in r.windows if w.label == "af" and w.evidence]
    if r.episodes:
        evidence, criteria = af_criteria(af_windows)
        evidence |= {
            "af_burden_pct": s.af_burden_pct,
            "episodes": ", ".join(f"{clock(e.start_s)}-{clock(e.end_s)}" for e in r.episodes),
        }
        judged = [w.label for w in r.windows if w.evidence is not None]
        # A short strip in AF throughout reads below the burden limit (its episode starts at
        # the first beat, 1 s or so in): every judged window AF says the same as the limit.
        throughout = bool(judged) and all(label == "af" for label in judged)
        if s.af_burden_pct >= PERSISTENT_AF_BURDEN_PCT or throughout:
            text = "Irregular rhythm without consistent P waves, suggestive of atrial fibrillation"
        else:
            text = (
                f"Atrial fibrillation episodes ({len(r.episodes)}, burden {s.af_burden_pct:.0f} %"
                f", longest {max(e.duration_s for e in r.episodes):.0f} s)"
            )
        text += f" ({criteria})" if criteria else ""
        out.append(Statement("af_suspected", text, evidence))
    paced = [w.evidence for w in r.windows if w.label == "paced" and w.evidence]
    if paced:
        out.append(paced_statement(paced, sum(w.evidence is not None for w in r.windows)))
    edges = r.quality.edges
    covered = np.zeros(len(r.windows))
    for e in r.episodes:
        covered += np.clip(np.minimum(edges[1:], e.end) - np.maximum(edges[:-1], e.start), 0, None)
    # An episode's edge lies at the beat where the rhythm changed (``rhythm.af_episodes``),
    # which may be inside a window judged sinus: that window is still sinus evidence.
    in_af = covered > 0.5 * np.diff(edges)
    judged = {
        k: w
        for k, (w, af) in enumerate(zip(r.windows, in_af, strict=True))
        if not af and w.label in ("sinus", "not_sinus") and w.evidence
    }
    judged_here = list(judged.values())
    other = [w.evidence for w in judged_here if w.evidence is not None]
    sinus = [w.evidence for w in judged_here if w.label == "sinus" and w.evidence is not None]
    if other and not (r.episodes and s.af_burden_pct >= PERSISTENT_AF_BURDEN_PCT):
        rate = _median([e.heart_rate_bpm for e in sinus if e.heart_rate_bpm is not None])
        coherence = _median([e.p_coherence for e in other if e.p_coherence is not None])
        evidence = {"heart_rate_bpm": rate, "p_coherence_median": coherence}
        if rate is not None and 2 * _expected_sinus(judged, r.p_sample) >= len(other):
            caveats = sinus_caveats(r, in_af)
            if rate < BRADYCARDIA_BPM:
                code, name = "sinus_bradycardia", "Sinus bradycardia"
            elif rate > TACHYCARDIA_BPM:
                code, name = "sinus_tachycardia", "Sinus tachycardia"
            else:
                code, name = "sinus_rhythm", "Sinus rhythm"
            text = f"{name}; {caveats}" if caveats else name
            normal = code == "sinus_rhythm" and not caveats
            out.append(Statement(code, text, evidence, abnormal=not normal))
        else:
            out.append(non_sinus_statement(judged_here, evidence))
        grouped = [
            w.evidence
            for w in judged_here
            if w.label == "not_sinus"
            and not _unrecognised(w)
            and w.evidence is not None
            and _grouped(w.evidence)
        ]
        irregular = [e for e in other if e.cosen is not None and e.cosen > COSEN_AF]
        if len(grouped) > 0.5 * len(other):
            out.append(grouped_beating_statement(grouped))
        elif len(irregular) > 0.5 * len(other):
            out.append(
                Statement(
                    "irregular_rhythm",
                    "Irregular rhythm",
                    {"cosen_median": _median([e.cosen for e in irregular if e.cosen is not None])},
                )
            )
    for code, count, name in (
        ("premature_atrial_complexes", s.pac_count, "Premature atrial complexes"),
        ("premature_ventricular_complexes", s.pvc_count, "Premature ventricular complexes"),
    ):
        if count:
            out.append(Statement(code, f"{name}: {count}", {"count": float(count)}))
    if r.pauses:
        out.append(pause_statement(r.pauses, r.fs))
    if r.quiet_stretches:
        out.append(quiet_statement(r.quiet_stretches, r.fs))
    return out


SpanT = TypeVar("SpanT", Pause, QuietStretch)


def _listed(spans: Sequence[SpanT], keep: SpanT | None, describe: Callable[[SpanT], str]) -> str:
    """Up to MAX_SPANS_LISTED of ``spans`` (each with a ``start`` sample) in time order,
    ``keep`` (the longest, named before the list) always among them, then "and N more"."""
    first = [keep] if keep is not None else []
    shown = first + [s for s in spans if s is not keep][: MAX_SPANS_LISTED - len(first)]
    listed = [describe(s) for s in sorted(shown, key=lambda s: s.start)]
    more = len(spans) - len(shown)
    return ", ".join(listed + ([f"and {more} more"] if more > 0 else []))


def quiet_statement(stretches: list[QuietStretch], fs: float) -> Statement:
    """Stretches with no QRS complex in any lead that no pause covers
    (``ecg.quiet_stretches``): an arrest the detectors did not measure, or a lost signal.
    Said as what was seen, with where to look; the longest is always among those listed."""
    longest = max(stretches, key=lambda q: q.duration_s)
    if len(stretches) == 1:
        text = (
            f"{NO_QRS} for {longest.duration_s:.1f} s from "
            f"{clock(longest.start / fs)}, not measured as a pause: {NO_QRS_CAUSE}"
        )
    else:
        listed = _listed(
            stretches, longest, lambda q: f"{clock(q.start / fs)} ({q.duration_s:.1f} s)"
        )
        text = (
            f"{NO_QRS}, not measured as a pause: {len(stretches)} stretches, "
            f"longest {longest.duration_s:.1f} s from {clock(longest.start / fs)} "
            f"({listed}): {NO_QRS_CAUSE}"
        )
    values = {"count": float(len(stretches)), "longest_s": longest.duration_s}
    return Statement("no_qrs_seen", text, values)


def pause_statement(pauses: list[Pause], fs: float) -> Statement:
    """How many pauses, the longest and when; those other leads beat on through
    (``ecg.pause_leads``) are stated too, each with its time and leads, and beside them the
    longest pause seen in every lead, so a real pause is not read as one of them."""
    longest = max(pauses, key=lambda p: p.duration_s)
    text = (
        f"Pauses over {PAUSE_S:.1f} s: {len(pauses)}, longest {longest.duration_s:.1f} s "
        f"at {clock(longest.start / fs)}"
    )
    disputed = [p for p in pauses if p.not_seen_in]
    if len(pauses) == 1 and disputed:
        text += f"; {not_seen_text(longest.not_seen_in)}: {COMPARE_LEADS}"
    elif disputed:
        # The longest pause is always among those listed when it is one of them: it was
        # stated "longest ... at" and then fell into "and N more" without its leads.
        listed = _listed(
            disputed,
            longest if longest.not_seen_in else None,
            lambda p: (
                f"{clock(p.start / fs)} ({p.duration_s:.1f} s; beats go on in "
                f"{leads_text(p.not_seen_in)})"
            ),
        )
        text += f"; not seen in every lead: {listed}: {COMPARE_LEADS}"
        if longest.not_seen_in:
            seen = [p for p in pauses if not p.not_seen_in]
            best = max(seen, key=lambda p: p.duration_s, default=None)
            text += (
                f"; longest seen in every lead {best.duration_s:.1f} s at {clock(best.start / fs)}"
                if best
                else "; none seen in every lead"
            )
    values = {"count": float(len(pauses)), "longest_s": longest.duration_s}
    return Statement("pauses", text, values | {"not_in_every_lead": float(len(disputed))})


def conduction_statements(m: Measurements, paced: bool = False) -> list[Statement]:
    """First-degree AV block and wide QRS with its bundle-branch pattern. Paced beats are
    wide by the pacemaker's doing and their V1 pattern names no bundle branch: with
    ``paced`` the QRS is only called wide."""
    out = []
    if m.pr_ms is not None and m.pr_ms > FIRST_DEGREE_AVB_PR_MS:
        out.append(Statement("first_degree_av_block", "First-degree AV block", {"pr_ms": m.pr_ms}))
    if m.qrs_ms is not None and m.qrs_ms >= WIDE_QRS_MS:
        v1 = m.amplitudes.get("v1")
        evidence: dict[str, float | str | None] = {"qrs_ms": m.qrs_ms}
        if paced:
            out.append(Statement("wide_qrs", "Wide QRS complex (paced beats)", evidence))
        elif v1 is None:
            out.append(
                Statement(
                    "wide_qrs",
                    "Wide QRS complex; V1 was not measured, so no bundle branch block is named",
                    evidence,
                )
            )
        elif v1.qrs_net_mv > 0:
            evidence["v1_net_qrs_mv"] = v1.qrs_net_mv
            out.append(
                Statement("rbbb_pattern", "Wide QRS, right bundle branch block pattern", evidence)
            )
        else:
            evidence["v1_net_qrs_mv"] = v1.qrs_net_mv
            out.append(
                Statement("lbbb_pattern", "Wide QRS, left bundle branch block pattern", evidence)
            )
    elif m.qrs_ms is not None and m.qrs_ms >= INCOMPLETE_QRS_MS:
        out.append(
            Statement(
                "incomplete_ivcd", "Borderline QRS widening (110-119 ms)", {"qrs_ms": m.qrs_ms}
            )
        )
    return out


def wide_qrs_qtc_note(
    qtc: float, modified: float, evidence: dict[str, float | str | None]
) -> Statement:
    """Why a QTc over the limit on the screen is not called prolonged: with a wide QRS the
    modified QT is what is judged [Bogossian]. Informational, so that the number in the
    measurements is not read on its own."""
    return Statement(
        "qtc_wide_qrs_within_limits",
        f"QTc {qtc:.0f} ms (Bazett) includes the wide QRS; modified QTc {modified:.0f} ms is "
        f"within the {evidence['limit_ms']:.0f} ms limit (QT - 50 % of QRS, Bogossian)",
        evidence,
        abnormal=False,
    )


def qt_statements(m: Measurements, sex: str | None) -> list[Statement]:
    """Long or short QTc (Bazett), with sex-specific upper limits.

    With a wide QRS (bundle branch block, paced beats) the QT holds the prolonged
    depolarisation and the usual limits call a normal repolarisation long: the modified QT
    [Bogossian] is judged against the upper limit instead. A Bazett QTc under the short limit
    is stated whatever the QRS: a wide QRS in it only makes repolarisation shorter still."""
    qtc = m.qtc_bazett_ms
    if qtc is None:
        return []
    evidence = {"qtc_bazett_ms": qtc, "qtc_fridericia_ms": m.qtc_fridericia_ms, "sex": sex}
    if qtc < SHORT_QTC_MS:
        return [Statement("short_qtc", "Short QTc", {**evidence, "limit_ms": SHORT_QTC_MS})]
    evidence["limit_ms"] = LONG_QTC_MS[sex]
    modified = m.qtc_modified_ms
    if modified is None:
        return [Statement("long_qtc", "Prolonged QTc", evidence)] if qtc > LONG_QTC_MS[sex] else []
    evidence["qtc_modified_bazett_ms"] = modified
    if modified <= LONG_QTC_MS[sex]:
        return [] if qtc <= LONG_QTC_MS[sex] else [wide_qrs_qtc_note(qtc, modified, evidence)]
    return [
        Statement(
            "long_qtc",
            f"Prolonged QTc with a wide QRS: {modified:.0f} ms after taking half the QRS "
            "duration out of the QT (modified QT, Bogossian)",
            evidence,
        )
    ]


def axis_statements(m: Measurements) -> list[Statement]:
    """Left or right deviation of the frontal QRS axis."""
    axis = m.axis_deg.get("qrs")
    if axis is None:
        return []
    if LEFT_AXIS_DEG > axis >= -90:
        return [Statement("left_axis_deviation", "Left axis deviation", {"qrs_axis_deg": axis})]
    if axis > RIGHT_AXIS_DEG:
        return [Statement("right_axis_deviation", "Right axis deviation", {"qrs_axis_deg": axis})]
    if axis < -90:
        return [Statement("extreme_axis", "Extreme axis deviation", {"qrs_axis_deg": axis})]
    return []


def _peak_to_peak(m: Measurements, lead: str) -> float | None:
    a = m.amplitudes.get(lead)
    return None if a is None else a.r_mv - a.s_mv


def voltage_statements(m: Measurements, sex: str | None) -> list[Statement]:
    """Low QRS voltage, and LVH by Sokolow-Lyon and Cornell voltage criteria."""
    out = []
    limb = [p for lead in LIMB_LEADS if (p := _peak_to_peak(m, lead))]
    if len(limb) == 6 and max(limb) < LOW_VOLTAGE_LIMB_MV:
        out.append(
            Statement(
                "low_voltage",
                "Low QRS voltage in limb leads",
                {"max_limb_qrs_mv": round(max(limb), 2)},
            )
        )
    amp = m.amplitudes
    if {"v1", "v5", "v6"} <= amp.keys():
        sokolow = -amp["v1"].s_mv + max(amp["v5"].r_mv, amp["v6"].r_mv)
        if sokolow >= SOKOLOW_LYON_MV:
            out.append(
                Statement(
                    "lvh_sokolow_lyon",
                    "LVH by voltage (Sokolow-Lyon)",
                    {"sokolow_lyon_mv": round(sokolow, 2), "limit_mv": SOKOLOW_LYON_MV},
                )
            )
    if {"avl", "v3"} <= amp.keys():
        cornell = amp["avl"].r_mv - amp["v3"].s_mv
        if cornell > CORNELL_MV[sex]:
            out.append(
                Statement(
                    "lvh_cornell",
                    "LVH by voltage (Cornell)",
                    {"cornell_mv": round(cornell, 2), "limit_mv": CORNELL_MV[sex], "sex": sex},
                )
            )
    return out


def technical_statements(m: Measurements) -> list[Statement]:
    """Negative P and QRS in lead I: the classic sign of swapped arm electrodes."""
    lead_i = m.amplitudes.get("i")
    if lead_i is None or lead_i.p_mv is None:
        return []
    if lead_i.p_mv < 0 and lead_i.qrs_net_mv < 0:
        return [
            Statement(
                "arm_lead_reversal_suspected",
                "Negative P and QRS in lead I: check for reversed arm electrodes",
                {"lead_i_p_mv": lead_i.p_mv, "lead_i_net_qrs_mv": lead_i.qrs_net_mv},
            )
        ]
    return []


def uncalibrated_statement() -> Statement:
    """Said instead of the voltage criteria when the file's amplitudes are not in true mV."""
    return Statement(
        "voltage_not_measurable",
        "Lead amplitudes appear normalised in this file (every lead spans the same range), so "
        "voltage criteria (LVH, low voltage) were not applied",
        abnormal=False,
    )


def interpret(
    m: Measurements,
    rhythm: RhythmAnalysis,
    sex: str | None = None,
    voltage_calibrated: bool = True,
    paced: bool = False,
) -> list[Statement]:
    """All statements for one recording, rhythm first; ``paced``: the measured beats are
    paced (``conduction_statements``)."""
    sex = sex if sex in ("M", "F") else None
    voltage = voltage_statements(m, sex) if voltage_calibrated else [uncalibrated_statement()]
    return [
        *technical_statements(m),
        *rhythm_statements(rhythm),
        *conduction_statements(m, paced),
        *qt_statements(m, sex),
        *axis_statements(m),
        *voltage,
    ]
