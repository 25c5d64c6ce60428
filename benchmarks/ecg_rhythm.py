"""Quality-first rhythm analysis on real recordings: AF episodes, QRS detection, noise, LUDB.

1. CPSC 2021 sample (18 two-lead 200 Hz records, 6 patients). Committed split by patient:
   DEV = patients 21, 84, 92 (the P-wave coherence limit of ``ecg.rhythm`` was chosen on
   these; the atrial-activity limit on these and LUDB's development records), HELD-OUT =
   patients 8, 35, 101. Per split:
   - episodes: a reference AF episode is detected when any stated AF episode overlaps it
     in time (Se); a stated episode is true when it overlaps any reference episode (PPV);
   - duration: seconds of AF stated and annotated at the same time over seconds annotated
     (Se) and over seconds stated (PPV), as in ANSI/AAMI EC57 AF duration statistics;
   - AF burden error: |stated - annotated AF seconds| / record duration, per record;
   - record level: any AF stated vs any AF annotated.
   95% CIs bootstrap over records (2,000 draws).
2. CPSC 2019 sample (50 noisy single-lead 10 s, 500 Hz): QRS Se/PPV at +-75 ms, one-to-one
   matching, beats in the first and last 0.5 s ignored (the challenge's rule), for
   (a) the engine's beats (only from windows that passed the quality gate, so a refused
   record counts as all missed), (b) its primary detector on the whole trace, and (c)
   NeuroKit2's default ecg_clean + ecg_peaks, in the same run.
3. Noise: (a) noise only, cut from real recordings: each CPSC 2019 record with its beats
   cancelled (``ecg.stress``), all 50 and the noisiest third; (b) two-lead 60 s stretches of
   sinus CPSC 2021 records plus that noise at 6, 0 and -6 dB SNR (powers above 0.67 Hz).
   Counted: records refused as 'poor signal quality', AF statements, and premature
   complexes counted per record (the clean sinus records' own count is the reference).
4. LUDB (200 12-lead 10 s, 15 AF): record-level AF Se/PPV/F1 (F1 with a bootstrap CI) on
   the committed split's development records (train + validation: 150, 9 AF) and test
   records (50, 6 AF) apart, and all together, with the ids of the records AF is wrong on;
   for the sinus records, how many get a sinus statement, and how often the rhythm class
   changes when every lead is inverted; which records with a pacemaker (LUDB's 'Cardiac
   pacing' column) get a paced-rhythm statement and which without one do; how many records
   have a lead the quality gate left out of the analysis, and the reasons. Every other
   section counts its paced-rhythm statements too: none of its recordings is marked paced.
   Sections 1, 3, 4 and 6-8 also count grouped-beating statements (RR intervals repeating
   every 2-4 beats, ``rhythm_features.pattern_irregularity``), on AF and non-AF recordings
   apart where both are present, so that a grouped-beating statement on AF is seen.
5. MIT-BIH 100 (30 min): premature atrial / ventricular complexes counted vs annotated.
6. Short single-lead ECGs, the handheld kind of the PhysioNet/CinC 2017 challenge (30 s, one
   lead, 300 Hz), which the shared data do not hold: every lead of every CPSC 2021 record cut
   into 30 s pieces, each resampled to 300 Hz after removing its median (a DC offset would
   otherwise leave a resampling step at the ends) and analysed alone. A piece is AF when at
   least 90 % of it is annotated AF, non-AF when at most 10 %; the few in between are left
   out. Segment-level AF Se/PPV/F1 and refusals per split (the same patients as in 1); the
   F1 CI is bootstrapped over records, since the pieces of one record are not independent.
7. The same pieces made noisy, the way handheld ECGs are: each piece plus 30 s of real
   noise (three CPSC 2019 beat-cancelled residuals joined, resampled to 300 Hz) at 12, 6,
   0 and -6 dB SNR. The noise bank is split too: development pieces take the even-numbered
   CPSC 2019 records' noise, held-out pieces the odd-numbered. Per split and SNR: AF
   statements on non-AF pieces (false AF), AF pieces still called AF, pieces refused as
   'poor signal quality'.
8. The same pieces with what a ward's recording chain does to a trace: 0.5 mV of 50 Hz and
   of 60 Hz mains hum, 2 mV of 0.3 Hz baseline wander, a gain of 10 and of 0.1. Per split
   and change: AF pieces called AF, false AF, pieces refused (a trace the engine declines
   to analyse at all, e.g. as flat, counts as refused).
Prints JSON.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.io
import wfdb
from bench_common import emit, machine

from workstation.dsp.resample import resample
from workstation.ecg.analysis import EcgAnalysis, analyze_ecg
from workstation.ecg.qrs import detect_primary, detection_signal
from workstation.ecg.stress import add_noise, noisiness, residual_noise
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.recording import Modality, Recording
from workstation.training.split import load_split

DATA = Path(
    os.environ.get("WORKSTATION_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
DEV_PATIENTS = ("21", "84", "92")
HELD_OUT_PATIENTS = ("8", "35", "101")
QRS_TOLERANCE_S = 0.075
EDGE_S = 0.5
SNR_DB = (6.0, 0.0, -6.0)
RHYTHM = {"af_suspected", "sinus_rhythm", "sinus_bradycardia", "sinus_tachycardia"}
RHYTHM |= {"non_sinus_rhythm"}
SINUS = {"sinus_rhythm", "sinus_bradycardia", "sinus_tachycardia"}
SHORT_S = 30.0
SHORT_FS = 300.0
SHORT_AF_SHARE = (0.1, 0.9)
NOISY_SNR_DB = (12.0, 6.0, 0.0, -6.0)
NOISY_RESIDUALS = 3
HUM_MV = 0.5
WANDER_MV, WANDER_HZ = 2.0, 0.3
PACED_LABEL = re.compile(r"pacing|synchrony", re.IGNORECASE)  # LUDB's 'Cardiac pacing' column
BOOT = 2000


def codes(result: EcgAnalysis) -> set[str]:
    return {s.code for s in result.statements}


def boot_ci(
    rows: list[Any], stat: Callable[[list[Any]], float | None], seed: int = 0
) -> list[float] | None:
    """95% percentile interval of ``stat`` over records drawn with replacement."""
    if len(rows) < 2:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(BOOT):
        v = stat([rows[i] for i in rng.integers(0, len(rows), len(rows))])
        if v is not None:
            values.append(v)
    return [round(float(np.percentile(values, q)), 1) for q in (2.5, 97.5)] if values else None


def pct(num: float, den: float) -> float | None:
    return round(100.0 * num / den, 1) if den > 0 else None


# --- 1. CPSC 2021 --------------------------------------------------------------------------


def reference_af(path: Path, fs: float, n: int) -> list[tuple[float, float]]:
    """AF intervals (s) from the rhythm annotations '(AFIB' ... next rhythm change."""
    ann = wfdb.rdann(str(path), "atr")
    out, onset = [], None
    for sample, note in zip(ann.sample, ann.aux_note, strict=True):
        note = note.strip()
        if not note.startswith("("):
            continue
        if note.startswith(("(AFIB", "(AFL")):
            onset = sample if onset is None else onset
        elif onset is not None:
            out.append((onset / fs, sample / fs))
            onset = None
    if onset is not None:
        out.append((onset / fs, n / fs))
    return out


def overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)


def episode_stats(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    ref_n = sum(len(r["ref"]) for r in rows)
    det_n = sum(len(r["det"]) for r in rows)
    ref_hit = sum(sum(overlap([e], r["det"]) > 0 for e in r["ref"]) for r in rows)
    det_hit = sum(sum(overlap([e], r["ref"]) > 0 for e in r["det"]) for r in rows)
    ref_s = sum(sum(b - a for a, b in r["ref"]) for r in rows)
    det_s = sum(sum(b - a for a, b in r["det"]) for r in rows)
    both_s = sum(overlap(r["ref"], r["det"]) for r in rows)
    tp = sum(bool(r["ref"]) and bool(r["det"]) for r in rows)
    fp = sum(not r["ref"] and bool(r["det"]) for r in rows)
    fn = sum(bool(r["ref"]) and not r["det"] for r in rows)
    return {
        "episode_se_pct": pct(ref_hit, ref_n),
        "episode_ppv_pct": pct(det_hit, det_n),
        "duration_se_pct": pct(both_s, ref_s),
        "duration_ppv_pct": pct(both_s, det_s),
        "burden_abs_error_pct_mean": round(float(np.mean([r["burden_error"] for r in rows])), 1),
        "record_af_se_pct": pct(tp, tp + fn),
        "record_af_ppv_pct": pct(tp, tp + fp),
        "record_af_f1_pct": pct(2 * tp, 2 * tp + fp + fn),
        "reference_episodes": ref_n,
        "stated_episodes": det_n,
        "records": len(rows),
    }


def cpsc2021() -> dict[str, Any]:
    rows = []
    for header in sorted((DATA / "cpsc2021-sample").glob("*.hea")):
        rec = read_recording(header)
        ref = reference_af(header.with_suffix(""), rec.fs, rec.n_samples)
        result = analyze_ecg(rec)
        det = [(e.start_s, e.end_s) for e in result.rhythm.episodes] if result.rhythm else []
        ref_s, det_s = sum(b - a for a, b in ref), sum(b - a for a, b in det)
        rows.append(
            {
                "record": header.stem,
                "patient": header.stem.split("_")[1],
                "ref": ref,
                "det": det,
                "burden_error": 100.0 * abs(det_s - ref_s) / rec.duration,
                "excluded_s": result.rhythm.summary.excluded_s if result.rhythm else None,
                "paced": "paced_rhythm" in codes(result),
                "grouped": "grouped_beating" in codes(result),
                "duration_s": round(rec.duration, 1),
            }
        )
    out: dict[str, Any] = {
        "split": {"dev_patients": DEV_PATIENTS, "held_out_patients": HELD_OUT_PATIENTS}
    }
    for name, patients in (("dev", DEV_PATIENTS), ("held_out", HELD_OUT_PATIENTS)):
        part = [r for r in rows if r["patient"] in patients]
        stats: dict[str, Any] = episode_stats(part)
        for key in ("episode_se_pct", "episode_ppv_pct", "duration_se_pct", "duration_ppv_pct"):
            stats[key + "_ci95"] = boot_ci(part, lambda rs, k=key: episode_stats(rs)[k])
        stats["burden_abs_error_pct_mean_ci95"] = boot_ci(
            part, lambda rs: float(np.mean([r["burden_error"] for r in rs]))
        )
        stats["records_stated_paced"] = sum(r["paced"] for r in part)
        out[name] = stats
    out["per_record"] = [
        {
            "record": r["record"],
            "reference_af_s": round(sum(b - a for a, b in r["ref"]), 1),
            "stated_af_s": round(sum(b - a for a, b in r["det"]), 1),
            "stated_episodes": [[round(a, 1), round(b, 1)] for a, b in r["det"]],
            "excluded_s": r["excluded_s"],
            "duration_s": r["duration_s"],
            "grouped_beating": r["grouped"],
        }
        for r in rows
    ]
    return out


def short_single_lead_pieces() -> list[tuple[str, str, bool, np.ndarray]]:
    """Every 30 s single-lead piece of the CPSC 2021 sample that is clearly AF or clearly not,
    at 300 Hz (section 6 of the module docstring): (record, lead, AF, samples)."""
    low, high = SHORT_AF_SHARE
    pieces = []
    for header in sorted((DATA / "cpsc2021-sample").glob("*.hea")):
        rec = read_recording(header)
        fs, n = rec.fs, int(SHORT_S * rec.fs)
        ref = reference_af(header.with_suffix(""), fs, rec.n_samples)
        signals = np.asarray(rec.signals, dtype=np.float64)
        for lead, name in enumerate(rec.channel_names):
            for start in range(0, rec.n_samples - n + 1, n):
                share = overlap([(start / fs, (start + n) / fs)], ref) / SHORT_S
                if low < share < high:
                    continue
                piece = signals[lead, start : start + n]
                piece = resample(piece - np.median(piece), fs, SHORT_FS)
                pieces.append((header.stem, name, bool(share >= high), piece))
    return pieces


def piece_row(record: str, lead: str, truth: bool, piece: np.ndarray) -> dict[str, Any]:
    """What the engine said of one piece; a refusal to analyse (a flat trace) is a refusal."""
    try:
        found = codes(analyze_ecg(one_lead(piece, SHORT_FS, lead)))
    except NotMeasurable:
        found = {"poor_signal_quality"}
    return {
        "record": record,
        "patient": record.split("_")[1],
        "truth": truth,
        "said": "af_suspected" in found,
        "refused": "poor_signal_quality" in found,
        "paced": "paced_rhythm" in found,
        "grouped": "grouped_beating" in found,
    }


def short_single_lead(pieces: list[tuple[str, str, bool, np.ndarray]]) -> dict[str, Any]:
    rows = [piece_row(*p) for p in pieces]
    out: dict[str, Any] = {
        "piece_s": SHORT_S,
        "fs_hz": SHORT_FS,
        "af_share_limits": SHORT_AF_SHARE,
    }
    for name, patients in (("dev", DEV_PATIENTS), ("held_out", HELD_OUT_PATIENTS)):
        part = [r for r in rows if r["patient"] in patients]
        by_record: dict[str, list[tuple[bool, bool]]] = {}
        for r in part:
            by_record.setdefault(r["record"], []).append((r["truth"], r["said"]))
        scores = af_scores([(r["truth"], r["said"]) for r in part])
        scores["pieces"], scores["af_pieces"] = scores.pop("records"), scores.pop("af_records")
        scores["af_f1_ci95"] = boot_ci(
            list(by_record.values()),
            lambda groups: af_scores([p for g in groups for p in g])["af_f1_pct"],
        )
        scores["refused_poor_quality"] = sum(r["refused"] for r in part)
        scores["refused_af_pieces"] = sum(r["refused"] and r["truth"] for r in part)
        scores["paced_statements"] = sum(r["paced"] for r in part)
        scores["grouped_beating_statements_af_pieces"] = sum(
            r["grouped"] for r in part if r["truth"]
        )
        scores["grouped_beating_statements_non_af_pieces"] = sum(
            r["grouped"] for r in part if not r["truth"]
        )
        scores["false_af_by_patient"] = {
            p: sum(r["said"] and not r["truth"] for r in part if r["patient"] == p)
            for p in patients
        }
        out[name] = scores
    return out


def noisy_short_single_lead(pieces: list[tuple[str, str, bool, np.ndarray]]) -> dict[str, Any]:
    """Section 7: the short pieces plus real noise, the noise bank split like the pieces."""
    residuals = [
        resample(residual_noise(x, r, 500.0)[None, :], 500.0, SHORT_FS)[0]
        for _, x, r in cpsc2019_records()
    ]
    out: dict[str, Any] = {"snr_db": NOISY_SNR_DB, "noise": "CPSC 2019 residuals, 3 joined"}
    for name, patients, bank in (
        ("dev", DEV_PATIENTS, residuals[0::2]),
        ("held_out", HELD_OUT_PATIENTS, residuals[1::2]),
    ):
        mine = [p for p in pieces if p[0].split("_")[1] in patients]
        per_snr = {}
        for snr in NOISY_SNR_DB:
            rows = []
            for i, (record, lead, truth, piece) in enumerate(mine):
                noise = np.concatenate([bank[(i + j) % len(bank)] for j in range(NOISY_RESIDUALS)])
                rows.append(piece_row(record, lead, truth, add_noise(piece, noise, snr, SHORT_FS)))
            af = [r for r in rows if r["truth"]]
            other = [r for r in rows if not r["truth"]]
            per_snr[f"{snr:g}dB"] = {
                "non_af_pieces": len(other),
                "false_af": sum(r["said"] for r in other),
                "false_af_pct": pct(sum(r["said"] for r in other), len(other)),
                "non_af_refused_pct": pct(sum(r["refused"] for r in other), len(other)),
                "af_pieces": len(af),
                "af_found_pct": pct(sum(r["said"] for r in af), len(af)),
                "af_refused_pct": pct(sum(r["refused"] for r in af), len(af)),
                "paced_statements": sum(r["paced"] for r in rows),
                "grouped_beating_statements_af_non_af": [
                    sum(r["grouped"] for r in af),
                    sum(r["grouped"] for r in other),
                ],
                "false_af_by_patient": {
                    p: sum(r["said"] for r in other if r["patient"] == p) for p in patients
                },
            }
        out[name] = per_snr
    return out


def chain_changes() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Section 8: what electrodes, amplifiers and the mains do to a 300 Hz piece."""
    t = np.arange(int(SHORT_S * SHORT_FS)) / SHORT_FS
    return {
        "mains_50hz_0.5mv": lambda x: x + HUM_MV * np.sin(2 * np.pi * 50.0 * t[: x.size]),
        "mains_60hz_0.5mv": lambda x: x + HUM_MV * np.sin(2 * np.pi * 60.0 * t[: x.size]),
        "wander_0.3hz_2mv": lambda x: x + WANDER_MV * np.sin(2 * np.pi * WANDER_HZ * t[: x.size]),
        "gain_x10": lambda x: 10.0 * x,
        "gain_x0.1": lambda x: 0.1 * x,
    }


def changed_short_single_lead(pieces: list[tuple[str, str, bool, np.ndarray]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, patients in (("dev", DEV_PATIENTS), ("held_out", HELD_OUT_PATIENTS)):
        mine = [p for p in pieces if p[0].split("_")[1] in patients]
        out[name] = {}
        for change, apply in chain_changes().items():
            rows = [piece_row(r, lead, truth, apply(x)) for r, lead, truth, x in mine]
            af = [r for r in rows if r["truth"]]
            other = [r for r in rows if not r["truth"]]
            out[name][change] = {
                "af_found": f"{sum(r['said'] for r in af)}/{len(af)}",
                "false_af": f"{sum(r['said'] for r in other)}/{len(other)}",
                "refused": f"{sum(r['refused'] for r in rows)}/{len(rows)}",
                "paced_statements": sum(r["paced"] for r in rows),
                "grouped_beating_statements_af_non_af": [
                    sum(r["grouped"] for r in af),
                    sum(r["grouped"] for r in other),
                ],
            }
    return out


# --- 2. CPSC 2019 QRS ----------------------------------------------------------------------


def cpsc2019_records() -> list[tuple[str, np.ndarray, np.ndarray]]:
    folder = DATA / "cpsc2019-sample"
    out = []
    for path in sorted((folder / "data").glob("data_*.mat")):
        rid = path.stem.split("_")[1]
        x = scipy.io.loadmat(path)["ecg"].ravel().astype(np.float64)
        peaks = scipy.io.loadmat(folder / "ref" / f"R_{rid}.mat")["R_peak"].ravel().astype(int)
        out.append((rid, x, peaks))
    return out


def one_lead(x: np.ndarray, fs: float, name: str = "ECG") -> Recording:
    return Recording(
        signals=np.atleast_2d(x),
        fs=fs,
        channel_names=(name,),
        units=("mV",),
        modality=Modality.ECG,
    )


def match(ref: np.ndarray, det: np.ndarray, fs: float, n: int) -> tuple[int, int, int]:
    """(tp, fp, fn) one-to-one within +-75 ms, ignoring the first and last 0.5 s."""
    lo, hi = EDGE_S * fs, n - EDGE_S * fs
    ref = np.sort(ref[(ref >= lo) & (ref <= hi)])
    det = np.sort(det[(det >= lo) & (det <= hi)])
    used = np.zeros(det.size, dtype=bool)
    tp = 0
    for r in ref:
        free = np.flatnonzero(~used & (np.abs(det - r) <= QRS_TOLERANCE_S * fs))
        if free.size:
            used[free[np.argmin(np.abs(det[free] - r))]] = True
            tp += 1
    return tp, int(det.size - used.sum()), int(ref.size - tp)


def neurokit_peaks(x: np.ndarray, fs: float) -> np.ndarray:
    import neurokit2 as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clean = nk.ecg_clean(x, sampling_rate=int(fs))
        _, info = nk.ecg_peaks(clean, sampling_rate=int(fs))
    return np.asarray(info["ECG_R_Peaks"], dtype=int)


def qrs_stats(counts: list[tuple[int, int, int]]) -> dict[str, Any]:
    def se(rows: list[tuple[int, int, int]]) -> float | None:
        tp, _, fn = np.sum(rows, axis=0)
        return pct(tp, tp + fn)

    def ppv(rows: list[tuple[int, int, int]]) -> float | None:
        tp, fp, _ = np.sum(rows, axis=0)
        return pct(tp, tp + fp)

    tp, fp, fn = (int(v) for v in np.sum(counts, axis=0))
    return {
        "se_pct": se(counts),
        "se_ci95": boot_ci(counts, se),
        "ppv_pct": ppv(counts),
        "ppv_ci95": boot_ci(counts, ppv),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def cpsc2019() -> dict[str, Any]:
    fs = 500.0
    engine, primary, nk_counts, refused, paced = [], [], [], 0, 0
    for _, x, ref in cpsc2019_records():
        result = analyze_ecg(one_lead(x, fs))
        beats = result.rhythm.beats if result.rhythm else np.zeros(0, dtype=int)
        refused += "poor_signal_quality" in codes(result)
        paced += "paced_rhythm" in codes(result)
        engine.append(match(ref, np.asarray(beats), fs, x.size))
        primary.append(match(ref, detect_primary(detection_signal(x, fs), fs)[0], fs, x.size))
        nk_counts.append(match(ref, neurokit_peaks(x, fs), fs, x.size))
    return {
        "records": len(engine),
        "records_refused_poor_quality": refused,
        "records_stated_paced": paced,
        "engine_beats_after_quality_gate": qrs_stats(engine),
        "engine_primary_detector_whole_trace": qrs_stats(primary),
        "neurokit2_ecg_peaks": qrs_stats(nk_counts),
    }


# --- 3. Noise ------------------------------------------------------------------------------


def noise_bank() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Residual noise (500 Hz) of every CPSC 2019 record, and of the noisiest third."""
    scored = [
        (noisiness(x, r, 500.0), residual_noise(x, r, 500.0)) for _, x, r in cpsc2019_records()
    ]
    scored.sort(key=lambda t: -t[0])
    all_noise = [n for _, n in scored]
    return all_noise, all_noise[: len(all_noise) // 3]


def tally(results: list[EcgAnalysis]) -> dict[str, Any]:
    n = len(results)
    refused = sum("poor_signal_quality" in codes(r) for r in results)
    af = sum("af_suspected" in codes(r) for r in results)
    return {
        "records": n,
        "refused_poor_quality_pct": pct(refused, n),
        "af_statement_pct": pct(af, n),
        "af_statements": af,
        "any_rhythm_statement_pct": pct(sum(bool(codes(r) & RHYTHM) for r in results), n),
        "paced_statements": sum("paced_rhythm" in codes(r) for r in results),
        "grouped_beating_statements": sum("grouped_beating" in codes(r) for r in results),
        "no_qrs_seen_statements": sum("no_qrs_seen" in codes(r) for r in results),
        "premature_complexes_per_record": round(
            float(np.mean([ectopics(r) for r in results])) if results else 0.0, 1
        ),
    }


def ectopics(result: EcgAnalysis) -> int:
    """Premature atrial and ventricular complexes counted in the record (none where the
    record's findings were withheld)."""
    if result.rhythm is None or result.rhythm.findings_withheld:
        return 0
    s = result.rhythm.summary
    return s.pac_count + s.pvc_count


def noise() -> dict[str, Any]:
    all_noise, noisiest = noise_bank()
    out: dict[str, Any] = {
        "noise_only_10s_all_50": tally([analyze_ecg(one_lead(n, 500.0)) for n in all_noise]),
        "noise_only_10s_noisiest_third": tally([analyze_ecg(one_lead(n, 500.0)) for n in noisiest]),
    }
    joined = resample(np.concatenate(noisiest)[None, :], 500.0, 200.0)[0]
    two_lead_noise = [
        Recording(
            signals=np.stack(
                [np.roll(joined, k * 3000)[:12000], np.roll(joined, k * 7000)[:12000]]
            ),
            fs=200.0,
            channel_names=("I", "II"),
            units=("mV", "mV"),
            modality=Modality.ECG,
        )
        for k in range(8)
    ]
    out["noise_only_two_lead_60s"] = tally([analyze_ecg(r) for r in two_lead_noise])
    clean = []
    for header in sorted((DATA / "cpsc2021-sample").glob("data_*.hea")):
        if header.stem.split("_")[1] in ("21", "35"):  # no AF annotated in these patients
            rec = read_recording(header)
            clean.append(np.asarray(rec.signals[:, : int(60 * rec.fs)], dtype=np.float64))
    out["sinus_cpsc2021_60s_clean"] = tally(
        [
            analyze_ecg(
                Recording(
                    signals=x,
                    fs=200.0,
                    channel_names=("I", "II"),
                    units=("mV", "mV"),
                    modality=Modality.ECG,
                )
            )
            for x in clean
        ]
    )
    for snr in SNR_DB:
        noisy = [
            Recording(
                signals=np.stack(
                    [
                        add_noise(x[0], np.roll(joined, 5000 * i), snr, 200.0),
                        add_noise(x[1], np.roll(joined, 5000 * i + 2500), snr, 200.0),
                    ]
                ),
                fs=200.0,
                channel_names=("I", "II"),
                units=("mV", "mV"),
                modality=Modality.ECG,
            )
            for i, x in enumerate(clean)
        ]
        out[f"sinus_cpsc2021_60s_plus_noise_{snr:g}dB"] = tally([analyze_ecg(r) for r in noisy])
    return out


# --- 4. LUDB -------------------------------------------------------------------------------


def af_scores(rows: list[tuple[bool, bool]]) -> dict[str, Any]:
    """Record-level AF Se, PPV and F1 of (truth, said) pairs, F1 with a bootstrap 95% CI."""

    def f1(rs: list[tuple[bool, bool]]) -> float | None:
        tp = sum(t and s for t, s in rs)
        den = sum(t for t, _ in rs) + sum(s for _, s in rs)
        return round(200.0 * tp / den, 1) if den else None

    tp = sum(t and s for t, s in rows)
    fp = sum(s and not t for t, s in rows)
    fn = sum(t and not s for t, s in rows)
    return {
        "records": len(rows),
        "af_records": tp + fn,
        "af_se_pct": pct(tp, tp + fn),
        "af_ppv_pct": pct(tp, tp + fp),
        "af_f1_pct": f1(rows),
        "af_f1_ci95": boot_ci(rows, f1),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "refused_poor_quality": None,
    }


def ludb() -> dict[str, Any]:
    """AF on LUDB by the committed split: 'development' (train + validation, which the
    rhythm rules were looked at on) and 'test' (held out), and on all 200 together."""
    folder = DATA / "ludb"
    with (folder / "ludb.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels = {int(row["ID"]): row["Rhythms"].strip().lower() for row in rows}
    pacemaker = {int(row["ID"]) for row in rows if PACED_LABEL.search(row["Cardiac pacing"])}
    split = load_split()
    test = set(split["test"])
    pairs: dict[str, list[tuple[bool, bool]]] = {"development": [], "test": []}
    refused: dict[str, int] = {"development": 0, "test": 0}
    sinus_said: dict[str, list[bool]] = {"development": [], "test": []}
    wrong: dict[str, list[int]] = {"development": [], "test": []}
    grouped: dict[str, list[int]] = {"development": [], "test": []}
    pacing: dict[str, dict[str, list[int]]] = {
        part: {"paced_found": [], "paced_missed": [], "unpaced_stated_paced": []}
        for part in ("development", "test")
    }
    left_out: dict[str, Counter[str]] = {"development": Counter(), "test": Counter()}
    with_left_out: dict[str, int] = {"development": 0, "test": 0}
    changed, sinus = 0, 0
    for rid, rhythm in sorted(labels.items()):
        rec = read_recording(folder / "data" / f"{rid}.hea")
        result = analyze_ecg(rec)
        truth, said = "atrial fibrillation" in rhythm, "af_suspected" in codes(result)
        part = "test" if rid in test else "development"
        pairs[part].append((truth, said))
        with_left_out[part] += bool(result.leads_unusable)
        left_out[part].update(why.split(" (")[0] for why in result.leads_unusable.values())
        refused[part] += "poor_signal_quality" in codes(result)
        if truth != said:
            wrong[part].append(rid)
        if "grouped_beating" in codes(result):
            grouped[part].append(rid)
        stated_paced = "paced_rhythm" in codes(result)
        if rid in pacemaker:
            pacing[part]["paced_found" if stated_paced else "paced_missed"].append(rid)
        elif stated_paced:
            pacing[part]["unpaced_stated_paced"].append(rid)
        if rhythm.startswith("sinus"):
            sinus += 1
            sinus_said[part].append(bool(codes(result) & SINUS))
            inverted = analyze_ecg(
                Recording(
                    signals=-np.asarray(rec.signals),
                    fs=rec.fs,
                    channel_names=rec.channel_names,
                    units=rec.units,
                    modality=Modality.ECG,
                )
            )
            changed += (codes(result) & RHYTHM) != (codes(inverted) & RHYTHM)
    out: dict[str, Any] = {}
    for part in ("development", "test"):
        out[part] = af_scores(pairs[part]) | {
            "refused_poor_quality": refused[part],
            "af_wrong_records": wrong[part],
            "sinus_records": len(sinus_said[part]),
            "sinus_records_stated_sinus_pct": pct(sum(sinus_said[part]), len(sinus_said[part])),
            "pacing": pacing[part],
            "grouped_beating_records": grouped[part],
            "records_with_a_lead_left_out": with_left_out[part],
            "leads_left_out_by_reason": dict(left_out[part].most_common()),
        }
    out["all"] = af_scores(pairs["development"] + pairs["test"]) | {
        "refused_poor_quality": refused["development"] + refused["test"]
    }
    out["sinus_records"] = sinus
    out["rhythm_class_changed_by_inverting_every_lead"] = changed
    return out


# --- 5. MIT-BIH 100 ectopy -----------------------------------------------------------------


def mitbih100() -> dict[str, Any]:
    path = DATA / "wfdb-samples" / "100"
    ann = wfdb.rdann(str(path), "atr")
    result = analyze_ecg(read_recording(path.with_suffix(".hea")))
    s = result.rhythm.summary
    return {
        "annotated_pac": int(sum(sym in "aAJS" for sym in ann.symbol)),
        "annotated_pvc": int(sum(sym in "VE" for sym in ann.symbol)),
        "counted_pac": s.pac_count,
        "counted_pvc": s.pvc_count,
        "statements": sorted(codes(result)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--skip-ludb", action="store_true", help="the slowest part (400 runs)")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "ecg_rhythm",
        "machine": machine(),
        "cpsc2021_af": cpsc2021(),
        "cpsc2019_qrs": cpsc2019(),
        "noise": noise(),
        "mitbih100_ectopy": mitbih100(),
    }
    pieces = short_single_lead_pieces()
    result["short_single_lead_af"] = short_single_lead(pieces)
    result["noisy_short_single_lead_af"] = noisy_short_single_lead(pieces)
    result["changed_short_single_lead_af"] = changed_short_single_lead(pieces)
    if not args.skip_ludb:
        result["ludb"] = ludb()
    emit(result, args.out)


if __name__ == "__main__":
    main()
