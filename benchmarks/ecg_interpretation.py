"""Agreement of the ECG statements with LUDB's cardiologist labels over all 200 records.

Sensitivity and positive predictive value per statement with exact (Clopper-Pearson) 95%
CIs over records and the counts behind them. Records the engine declares not measurable
count as "statement absent" and are listed. Prints JSON.
Note: 150 of the 200 records were seen by the segmentation model in training/validation;
the statements themselves are rule-based thresholds, not fitted to these labels.

Ischaemia rows: LUDB's lead amplitudes are normalised (every lead spans 1 mV), so the engine
applies none of its millivolt criteria (ST elevation and depression, T-inversion depth, Q
depth) and says so; ``ischaemia_as_shipped`` counts that. To show what the criteria would
do on these waveforms, ``ischaemia_on_normalised_amplitudes`` applies them anyway to the
normalised values: not a clinical figure, since a "mm" there is a fraction of each lead's
own QRS-to-T span and not a voltage.
"""

from __future__ import annotations

from bench_common import emit, ludb_parser

from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.interpretation import Statement
from workstation.ecg.ischaemia import ischaemia_statements, territories
from workstation.ecg.preprocess import MODEL_FS
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.training.ludb import record_path
from workstation.training.ludb_labels import read_labels, stemi_walls, truth
from workstation.training.split import load_split

STATEMENT_FOR = {
    "sinus": {"sinus_rhythm", "sinus_bradycardia", "sinus_tachycardia"},
    "sinus_bradycardia": {"sinus_bradycardia"},
    "sinus_tachycardia": {"sinus_tachycardia"},
    "atrial_fibrillation": {"af_suspected"},
    "left_axis_deviation": {"left_axis_deviation"},
    "right_axis_deviation": {"right_axis_deviation"},
    "first_degree_av_block": {"first_degree_av_block"},
    "complete_bbb": {"rbbb_pattern", "lbbb_pattern", "wide_qrs"},
    "lvh": {"lvh_sokolow_lyon", "lvh_cornell"},
}
#: Ischaemia statement (codes) -> the LUDB label it is scored against.
ISCHAEMIA_ROWS = {
    "st_elevation_stemi_criteria vs STEMI": ({"st_elevation_stemi_criteria"}, "stemi"),
    "st_depression vs ischaemia or STEMI": ({"st_depression"}, "ischaemia_or_stemi"),
    "t_wave_inversion vs ischaemia or STEMI": ({"t_wave_inversion"}, "ischaemia_or_stemi"),
    "pathological_q_waves vs scar (old infarction)": ({"pathological_q_waves"}, "scar"),
    "any ischaemia statement vs any Ischemia label": (
        {
            "st_elevation_stemi_criteria",
            "st_elevation_lbbb",
            "st_elevation_paced",
            "st_elevation_wide_qrs",
            "st_elevation_unconfirmed",
            "st_depression",
            "t_wave_inversion",
            "pathological_q_waves",
        },
        "any_ischaemia",
    ),
}
#: LUDB wall -> the engine's territory names that agree with it ('apical' lies across the
#: anterior and lateral walls; the engine names no posterior territory).
WALL_TERRITORIES = {
    "anterior": {"anterior"},
    "septal": {"septal", "anterior"},
    "lateral": {"lateral"},
    "apical": {"anterior", "lateral"},
    "inferior": {"inferior"},
    "posterior": set(),
}


def exact_ci(k: int, n: int) -> list[float] | None:
    from scipy.stats import binomtest

    if n == 0:
        return None
    ci = binomtest(k, n).proportion_ci(method="exact")
    return [round(100 * float(ci.low), 1), round(100 * float(ci.high), 1)]


def agreement(pairs: list[tuple[bool, bool]]) -> dict[str, float | int | list | None]:
    tp = sum(t and p for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    tn = sum(not t and not p for t, p in pairs)
    fp = sum(not t and p for t, p in pairs)
    return {
        "sensitivity_pct": round(100 * tp / (tp + fn), 1) if tp + fn else None,
        "sensitivity_ci95_pct": exact_ci(tp, tp + fn),
        "specificity_pct": round(100 * tn / (tn + fp), 1) if tn + fp else None,
        "specificity_ci95_pct": exact_ci(tn, tn + fp),
        "ppv_pct": round(100 * tp / (tp + fp), 1) if tp + fp else None,
        "ppv_ci95_pct": exact_ci(tp, tp + fp),
        "tp": tp,
        "fn": fn,
        "tn": tn,
        "fp": fp,
    }


def statement_territories(statement: Statement) -> set[str]:
    """The territories of the leads a STEMI statement lists in its evidence ('J V2 mm')."""
    leads = [key.split()[1].lower() for key in statement.evidence if key.startswith("J ")]
    return set(territories(leads))


def territory_agreement(named: list[tuple[set[str], set[str]]]) -> dict[str, int]:
    """Of the STEMI-labelled records with a STEMI statement, how many name a labelled wall."""
    agree = sum(bool(labelled & stated) for labelled, stated in named)
    return {"stemi_labelled_with_statement": len(named), "territory_agrees": agree}


def main() -> None:
    args = ludb_parser(__doc__).parse_args()
    labels = read_labels(args.data)
    pairs: dict[str, list[tuple[bool, bool]]] = {k: [] for k in STATEMENT_FOR}
    shipped: dict[str, list[tuple[bool, bool]]] = {k: [] for k in ISCHAEMIA_ROWS}
    forced: dict[str, list[tuple[bool, bool]]] = {k: [] for k in ISCHAEMIA_ROWS}
    named: list[tuple[set[str], set[str]]] = []
    not_measurable = {}
    applied: list[int] = []
    test = set(load_split()["test"])
    in_test: list[bool] = []
    for rid, row in sorted(labels.items()):
        in_test.append(rid in test)
        recording = read_recording(record_path(args.data, rid))
        try:
            result = analyze_ecg(recording)
        except NotMeasurable as exc:
            not_measurable[rid] = str(exc)
            result = None
        codes = {s.code for s in result.statements} if result else set()
        if result is not None and "ischaemia_criteria_not_applied" not in codes:
            applied.append(rid)
        forced_statements = []
        if result is not None and result.st_segment is not None:
            assert recording.fs == MODEL_FS, "beats are compared at the model rate"
            forced_statements = ischaemia_statements(
                result.st_segment.leads,
                result.measurements,
                result.beats,
                MODEL_FS,
                row["Sex"] or None,
                float(row["Age"]) if row["Age"].isdigit() else None,
                True,
                result.statements,
            )
        forced_codes = {s.code for s in forced_statements}
        ref = truth(row)
        for key, statement_codes in STATEMENT_FOR.items():
            pairs[key].append((ref[key], bool(codes & statement_codes)))
        for key, (statement_codes, label) in ISCHAEMIA_ROWS.items():
            shipped[key].append((ref[label], bool(codes & statement_codes)))
            forced[key].append((ref[label], bool(forced_codes & statement_codes)))
        stemi = [s for s in forced_statements if s.code == "st_elevation_stemi_criteria"]
        if ref["stemi"] and stemi:
            walls = set().union(*(WALL_TERRITORIES.get(w, set()) for w in stemi_walls(row)))
            named.append((walls, statement_territories(stemi[0])))
    result_json = {
        "benchmark": "ecg_interpretation",
        "dataset": "LUDB v1.0.1, all 200 records, labels from ludb.csv",
        "statements": {k: agreement(v) for k, v in pairs.items()},
        "statements_by_split": {
            part: {
                k: agreement([pair for pair, t in zip(v, in_test, strict=True) if t == is_test])
                for k, v in pairs.items()
            }
            for part, is_test in (("development", False), ("test", True))
        },
        "ischaemia_as_shipped": {
            "records_criteria_not_applied": len(labels) - len(applied),
            "records_criteria_applied": applied,
            "rows": {k: agreement(v) for k, v in shipped.items()},
        },
        "ischaemia_on_normalised_amplitudes": {
            "note": "criteria forced on LUDB's normalised amplitudes (each lead spans 1 mV): "
            "not a clinical figure",
            "rows": {k: agreement(v) for k, v in forced.items()},
            "stemi_territory": territory_agreement(named),
        },
        "not_measurable": not_measurable,
    }
    emit(result_json, args.out)


if __name__ == "__main__":
    main()
