"""Ischaemia statements from the ST measurement and the median beats, with their criteria.

Every statement names the leads, the territory, the measured values and the published limit
they crossed, so a clinician can check it on the trace. The engine cannot know whether an ST
change is *new*, which the definitions require: the statements say "compare with a previous
ECG" instead of claiming an infarction.

References
- [UDMI] Thygesen K, Alpert JS, Jaffe AS, et al. Fourth Universal Definition of Myocardial
  Infarction (2018). Circulation 2018;138:e618-e651, table "ECG manifestations of acute
  myocardial ischaemia" and "ECG changes associated with prior myocardial infarction".
- [AHA-VI] Wagner GS, et al. AHA/ACCF/HRS recommendations for the standardization and
  interpretation of the ECG, part VI: acute ischemia/infarction. Circulation 2009;119:e262.

Low voltage, LVH (Sokolow-Lyon, Cornell), bundle-branch blocks and QTc by sex are stated by
``ecg.interpretation``; this module adds ST elevation, ST depression, T-wave inversion and
pathological Q waves, and says which of them could not be applied to a file whose lead
amplitudes were normalised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from workstation.channels import ECG_LEAD_LABELS, lead_label
from workstation.ecg.delineation import Beat
from workstation.ecg.interpretation import Statement
from workstation.ecg.measurements import MEDIAN_BEAT_WINDOW_S, Measurements, typical_beat
from workstation.ecg.st_segment import GAIN_MM_PER_MV, LeadST

#: Territories as named in the issue (after [UDMI]/[AHA-VI]).
TERRITORIES: dict[str, tuple[str, ...]] = {
    "anterior": ("v1", "v2", "v3", "v4"),
    "septal": ("v1", "v2"),
    "lateral": ("i", "avl", "v5", "v6"),
    "inferior": ("ii", "iii", "avf"),
}
PRECORDIAL = ("v1", "v2", "v3", "v4", "v5", "v6")
#: Contiguous leads [UDMI]: neighbouring chest leads, and leads of one limb-lead group.
CONTIGUOUS: frozenset[frozenset[str]] = frozenset(
    [frozenset(p) for p in zip(PRECORDIAL, PRECORDIAL[1:], strict=False)]
    + [frozenset(p) for p in (("i", "avl"), ("ii", "iii"), ("ii", "avf"), ("iii", "avf"))]
)
ELEVATION_MM = 1.0  # [UDMI] all leads other than V2-V3
ELEVATION_V2_V3_MM = {"M40+": 2.0, "M<40": 2.5, "F": 1.5}  # [UDMI]
DEPRESSION_MM = 0.5  # [UDMI] horizontal or downsloping, two contiguous leads
#: Horizontal or downsloping: the ST rises by less than this from J to J+80 ms.
DEPRESSION_MAX_RISE_MM = 0.5
T_INVERSION_MM = 1.0  # [UDMI] with prominent R wave or R/S > 1
#: [UDMI] prior MI: any Q > 20 ms or QS in V2-V3; Q >= 30 ms and >= 0.1 mV deep or QS in
#: I, II, aVL, aVF, V4-V6 (two contiguous leads).
Q_V2_V3_MS = 20.0
Q_OTHER_MS = 30.0
Q_OTHER_MV = 0.1
Q_LEADS = ("i", "ii", "avl", "avf", "v2", "v3", "v4", "v5", "v6")
#: Deflections smaller than this are not waves (noise on the median beat).
DEFLECTION_MV = 0.05
QS_MAX_R_MV = 0.05
#: Bundle-branch blocks change ST and T secondarily [AHA-VI]: with a LBBB pattern no ST/T
#: criterion applies; with a RBBB pattern ST depression and T inversion in V1-V3 are expected.
LBBB_CODE = "lbbb_pattern"
RBBB_CODE = "rbbb_pattern"
RBBB_SECONDARY_LEADS = frozenset({"v1", "v2", "v3"})
#: A wide QRS without a named block (V1, which names it, was not measured): it may be a
#: left one, so it is treated as one.
UNNAMED_BLOCK_CODE = "wide_qrs"


def age_from_metadata(metadata: Mapping[str, str]) -> float | None:
    """Age in years from header comments such as LUDB's '<age>: 50' or PTB's 'age: 81'."""
    text = " ".join(metadata.values()).lower()
    found = re.search(r"<?age>?:\s*(\d{1,3})", text)
    return float(found.group(1)) if found else None


def elevation_limit_mm(lead: str, sex: str | None, age: float | None) -> tuple[float, str]:
    """[UDMI] J-point elevation limit of one lead, and which limit it is."""
    if lead not in ("v2", "v3"):
        return ELEVATION_MM, "1 mm (all leads other than V2-V3)"
    if sex == "F":
        return ELEVATION_V2_V3_MM["F"], "1.5 mm in V2-V3 (women)"
    if sex == "M" and age is not None:
        key = "M40+" if age >= 40 else "M<40"
        return ELEVATION_V2_V3_MM[
            key
        ], f"{ELEVATION_V2_V3_MM[key]:g} mm in V2-V3 (men, age {age:g})"
    return ELEVATION_V2_V3_MM["F"], "1.5 mm in V2-V3 (sex or age not stated: lowest limit used)"


def contiguous_leads(leads: set[str]) -> list[str]:
    """The leads that have a contiguous partner in ``leads``, in the standard order."""
    paired = {lead for pair in CONTIGUOUS if pair <= leads for lead in pair}
    return [lead for lead in ECG_LEAD_LABELS if lead in paired]


def territories(leads: list[str]) -> list[str]:
    """Territories holding at least two of ``leads``; else every territory holding one (V4
    with V5 lies across the anterior and lateral walls)."""
    found = [name for name, group in TERRITORIES.items() if len(set(group) & set(leads)) >= 2]
    return found or [name for name, group in TERRITORIES.items() if set(group) & set(leads)]


def _named(leads: list[str]) -> str:
    found = territories(leads)
    where = ", ".join(lead_label(lead) for lead in leads)
    return f"{where} ({', '.join(found)})" if found else where


#: What makes ST change secondary, by the code suffix of the statement that says so, and
#: how far the STEMI criteria are set aside.
CONFOUNDERS = {
    "lbbb": (
        "a left bundle branch block pattern",
        "STEMI criteria do not apply to secondary ST change",
    ),
    "paced": ("a paced rhythm", "STEMI criteria do not apply to secondary ST change"),
    "wide_qrs": (
        "a wide QRS whose bundle branch block is not named (V1 not measured)",
        "the change may be secondary if the block is a left one; if it is not, STEMI "
        "criteria are met and acute coronary occlusion is to be excluded",
    ),
}


def _margins(st: Mapping[str, LeadST], leads: list[str]) -> dict[str, float | str | None]:
    """The margin each uncertain lead among ``leads`` had to clear its limit by."""
    return {
        f"margin {lead_label(lead)} mm (noise)": st[lead].margin_mm
        for lead in leads
        if st[lead].margin_mm is not None
    }


def _elevated(
    st: Mapping[str, LeadST], limits: Mapping[str, tuple[float, str]], margin: bool
) -> set[str]:
    """Leads whose J point reaches their limit (by their margin too when ``margin``)."""
    return {
        lead
        for lead, s in st.items()
        if s.j_mm is not None
        and s.j_mm - ((s.margin_mm or 0.0) if margin else 0.0) >= limits[lead][0] - 1e-9
    }


def st_elevation(
    st: Mapping[str, LeadST], sex: str | None, age: float | None, confounder: str | None
) -> list[Statement]:
    """[UDMI] ST elevation at the J point in two contiguous leads; with a ``confounder``
    (a key of CONFOUNDERS) it is named as such, never as meeting STEMI criteria.

    A lead whose ST is uncertain (noise) counts only when it clears the limit by its
    margin. Leads that reach the criteria only with such leads taken at face value are
    named in an unconfirmed statement, with the same confounder, not left unsaid: a missed
    STEMI is the worse error."""
    limits = {lead: elevation_limit_mm(lead, sex, age) for lead in st}
    confirmed = contiguous_leads(_elevated(st, limits, margin=True))
    at_face = contiguous_leads(_elevated(st, limits, margin=False))
    unconfirmed = [lead for lead in at_face if lead not in confirmed]
    out = []
    if confirmed:
        out.append(_elevation_statement(st, limits, confirmed, confounder, confirmed=True))
    if unconfirmed:
        out.append(_elevation_statement(st, limits, unconfirmed, confounder, confirmed=False))
    return out


def _elevation_statement(
    st: Mapping[str, LeadST],
    limits: Mapping[str, tuple[float, str]],
    leads: list[str],
    confounder: str | None,
    confirmed: bool,
) -> Statement:
    """The statement for ``leads`` meeting the elevation criteria, confirmed (every lead
    clears its limit by its margin) or not (some reach it only at face value)."""
    evidence: dict[str, float | str | None] = {
        f"J {lead_label(lead)} mm": st[lead].j_mm for lead in leads
    }
    evidence |= _margins(st, leads)
    evidence["limits"] = "; ".join(sorted({limits[lead][1] for lead in leads}))
    evidence["criterion"] = "4th Universal Definition of MI: J-point elevation, 2 contiguous leads"
    what, consequence = CONFOUNDERS[confounder] if confounder is not None else ("", "")
    if not confirmed:
        noisy = [lead_label(lead) for lead in leads if st[lead].margin_mm is not None]
        context = f" (with {what}: {consequence})" if confounder is not None else ""
        return Statement(
            "st_elevation_unconfirmed",
            f"ST elevation reaching the limits in {_named(leads)}{context}, but "
            f"{', '.join(noisy)} {'is' if len(noisy) == 1 else 'are'} too noisy to confirm "
            "it: check the electrodes and repeat the ECG",
            evidence,
        )
    if confounder is not None:
        return Statement(
            f"st_elevation_{confounder}",
            f"ST elevation in {_named(leads)} with {what}: {consequence}; compare with a "
            "previous ECG",
            evidence,
        )
    return Statement(
        "st_elevation_stemi_criteria",
        f"ST elevation meeting STEMI criteria in {_named(leads)}: acute coronary occlusion "
        "to be excluded; compare with a previous ECG",
        evidence,
    )


def st_depression(st: Mapping[str, LeadST], skip: frozenset[str]) -> list[Statement]:
    """[UDMI] horizontal or downsloping ST depression >= 0.5 mm in two contiguous leads
    (an uncertain lead by its margin, as for elevation); ``skip``: leads where a
    depression is secondary (V1-V3 in RBBB)."""
    meeting = {
        lead
        for lead, s in st.items()
        if lead not in skip
        and s.j_mm is not None
        and s.st80_mm is not None
        and s.j_mm + (s.margin_mm or 0.0) <= -DEPRESSION_MM
        and s.st80_mm - s.j_mm < DEPRESSION_MAX_RISE_MM
    }
    leads = contiguous_leads(meeting)
    if not leads:
        return []
    evidence: dict[str, float | str | None] = {
        f"J/J+80 {lead_label(lead)} mm": f"{st[lead].j_mm:+.2f}/{st[lead].st80_mm:+.2f}"
        for lead in leads
    }
    evidence |= _margins(st, leads)
    evidence["criterion"] = (
        f"horizontal or downsloping ST depression >= {DEPRESSION_MM:g} mm, 2 contiguous leads"
    )
    return [Statement("st_depression", f"ST depression in {_named(leads)}", evidence)]


def t_wave_inversion(m: Measurements, skip: frozenset[str]) -> list[Statement]:
    """[UDMI] T inversion > 1 mm in two contiguous leads with R/S > 1; ``skip`` as for ST
    depression."""
    limit_mv = T_INVERSION_MM / GAIN_MM_PER_MV
    meeting = {
        lead
        for lead, a in m.amplitudes.items()
        if lead not in skip and a.t_mv is not None and a.t_mv < -limit_mv and a.r_mv > abs(a.s_mv)
    }
    leads = contiguous_leads(meeting)
    if not leads:
        return []
    evidence: dict[str, float | str | None] = {
        f"T {lead_label(lead)} mm": round(m.amplitudes[lead].t_mv * GAIN_MM_PER_MV, 2)  # type: ignore[operator]
        for lead in leads
    }
    evidence["criterion"] = f"T inversion > {T_INVERSION_MM:g} mm with R/S > 1, 2 contiguous leads"
    return [Statement("t_wave_inversion", f"T-wave inversion in {_named(leads)}", evidence)]


def q_wave(beat: np.ndarray, typical: Beat, fs: float) -> tuple[float, float, bool]:
    """(duration ms, depth mV, QS) of the initial negative deflection of a median beat's QRS,
    against the PR baseline; (0, 0, False) when the QRS starts upward."""
    zero = -int(MEDIAN_BEAT_WINDOW_S[0] * fs)
    base_at = max(zero - int(0.02 * fs), 0)
    b = beat - float(np.median(beat[max(base_at - 5, 0) : base_at + 5]))
    qrs = b[zero : zero + typical.qrs_off + 1]
    significant = np.flatnonzero(np.abs(qrs) > DEFLECTION_MV)
    if qrs.size == 0 or significant.size == 0:
        return 0.0, 0.0, False
    if qrs.max() < QS_MAX_R_MV:
        return 1000.0 * qrs.size / fs, float(-qrs.min()), True
    first = int(significant[0])
    if qrs[first] > 0:
        return 0.0, 0.0, False
    start = first
    while start > 0 and qrs[start - 1] < 0:
        start -= 1
    end = first
    while end < qrs.size and qrs[end] < 0:
        end += 1
    return 1000.0 * (end - start) / fs, float(-qrs[start:end].min()), False


def pathological_q(m: Measurements, beats: list[Beat], fs: float) -> list[Statement]:
    """[UDMI] Q waves of prior infarction in two contiguous leads."""
    if not beats:
        return []
    typical = typical_beat(beats)
    found: dict[str, str] = {}
    for lead in Q_LEADS:
        beat = m.median_beats.get(lead)
        if beat is None:
            continue
        ms, depth, qs = q_wave(beat, typical, fs)
        if qs:
            found[lead] = "QS"
        elif lead in ("v2", "v3") and ms > Q_V2_V3_MS:
            found[lead] = f"Q {ms:.0f} ms"
        elif ms >= Q_OTHER_MS and depth >= Q_OTHER_MV:
            found[lead] = f"Q {ms:.0f} ms, {depth * GAIN_MM_PER_MV:.1f} mm"
    leads = contiguous_leads(set(found))
    if not leads:
        return []
    evidence: dict[str, float | str | None] = {lead_label(lead): found[lead] for lead in leads}
    evidence["criterion"] = (
        "any Q > 20 ms or QS in V2-V3; Q >= 30 ms and >= 1 mm or QS elsewhere; 2 contiguous leads"
    )
    return [
        Statement(
            "pathological_q_waves",
            f"Pathological Q waves in {_named(leads)}: possible prior infarction",
            evidence,
        )
    ]


def not_applied_statement() -> Statement:
    """Said instead of the ischaemia criteria when the file's amplitudes are not true mV."""
    return Statement(
        "ischaemia_criteria_not_applied",
        "Lead amplitudes appear normalised in this file, so the ischaemia criteria (ST "
        "elevation and depression in mm, T-wave inversion depth, Q-wave depth) were not "
        "applied and no ST level is given: this does not exclude ischaemia",
        abnormal=False,
    )


def _unnamed_block_statement() -> Statement:
    """Why no ST-depression or T-wave statement is made beside a wide QRS of unnamed block."""
    return Statement(
        "st_t_criteria_not_applied",
        "ST-depression and T-wave criteria not applied: the wide QRS may be a left bundle "
        "branch block (V1 not measured); this does not exclude ischaemia",
        abnormal=False,
    )


def ischaemia_statements(
    st: Mapping[str, LeadST],
    m: Measurements,
    beats: list[Beat],
    fs: float,
    sex: str | None,
    age: float | None,
    calibrated: bool,
    earlier: list[Statement],
    paced: bool = False,
) -> list[Statement]:
    """ST elevation, ST depression, T inversion and Q waves; ``beats`` at ``fs`` (the median
    beats' rate); ``earlier`` are the statements already made (bundle-branch blocks).

    With ``paced`` beats measured, only ST elevation is named, as secondary: a paced QRS
    changes repolarisation and the initial forces as a left bundle branch block does, so
    ST depression, T inversion and Q waves of paced beats say nothing of ischaemia. A wide
    QRS whose block is not named (V1 not measured) is read as a left bundle branch block
    could be: a right one would have made ST depression in V1-V3 expected, a left one any."""
    if not calibrated:
        return [not_applied_statement()]
    sex = sex if sex in ("M", "F") else None
    codes = {s.code for s in earlier}
    if paced:
        return st_elevation(st, sex, age, "paced")
    q_waves = pathological_q(m, beats, fs)
    if LBBB_CODE in codes:
        return [*st_elevation(st, sex, age, "lbbb"), *q_waves]
    if UNNAMED_BLOCK_CODE in codes:
        return [*st_elevation(st, sex, age, "wide_qrs"), *q_waves, _unnamed_block_statement()]
    skip = RBBB_SECONDARY_LEADS if RBBB_CODE in codes else frozenset()
    return [
        *st_elevation(st, sex, age, None),
        *st_depression(st, skip),
        *t_wave_inversion(m, skip),
        *q_waves,
    ]
