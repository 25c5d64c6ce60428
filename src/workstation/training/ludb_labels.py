"""LUDB's cardiologist labels (ludb.csv) as booleans the ECG statements can be scored on.

"Normal ECG" follows the issue's definition: sinus rhythm and no conduction abnormality,
hypertrophy or overload, ischaemia, pacing, extrasystole or repolarisation finding, and no
axis deviation. Early repolarisation listed under "Other states" counts as a repolarisation
finding; with it, 23 of the 200 records are normal.
"""

from __future__ import annotations

import csv
from pathlib import Path

FINDING_COLUMNS = (
    "Conduction abnormalities",
    "Extrasystolies",
    "Hypertrophies",
    "Cardiac pacing",
    "Ischemia",
    "Non-specific repolarization abnormalities",
)


def read_labels(ludb_dir: Path) -> dict[int, dict[str, str]]:
    """Rows of ludb.csv by record id, with multi-line cells joined and stripped."""
    with open(ludb_dir / "ludb.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        int(row["ID"]): {
            k: " | ".join(v.split())
            if k in ("Sex", "Age")
            else " | ".join(s.strip() for s in v.splitlines() if s.strip())
            for k, v in row.items()
        }
        for row in rows
    }


def truth(row: dict[str, str]) -> dict[str, bool]:
    """The findings the interpretation statements can be compared with."""
    rhythm = row["Rhythms"].lower()
    axis = row["Electric axis of the heart"].lower()
    conduction = row["Conduction abnormalities"].lower()
    return {
        "sinus": "sinus" in rhythm,
        "sinus_bradycardia": "sinus bradycardia" in rhythm,
        "sinus_tachycardia": "sinus tachycardia" in rhythm,
        "atrial_fibrillation": "atrial fibrillation" in rhythm,
        "left_axis_deviation": "left axis deviation" in axis,
        "right_axis_deviation": "right axis deviation" in axis,
        "first_degree_av_block": "i degree av block" in conduction,
        "complete_bbb": any(
            line.startswith(("complete right bundle", "complete left bundle"))
            for line in conduction.split(" | ")
        ),
        "lvh": "left ventricular hypertrophy" in row["Hypertrophies"].lower(),
        "normal": is_normal(row),
        **ischaemia_truth(row),
    }


def ischaemia_lines(row: dict[str, str]) -> list[str]:
    """The Ischemia column's findings, e.g. 'stemi: anterior wall', 'scar formation: septal'."""
    return [line.strip().lower() for line in row["Ischemia"].split("|") if line.strip()]


def ischaemia_truth(row: dict[str, str]) -> dict[str, bool]:
    """LUDB's ischaemia labels: STEMI, acute ischaemia or STEMI, scar (old infarction), any.

    'Undefined ischemia/scar/supp.nstemi' counts only towards "any".
    """
    lines = ischaemia_lines(row)
    return {
        "stemi": any(line.startswith("stemi") for line in lines),
        "ischaemia_or_stemi": any(line.startswith(("stemi", "ischemia")) for line in lines),
        "scar": any(line.startswith("scar formation") for line in lines),
        "any_ischaemia": bool(lines),
    }


def stemi_walls(row: dict[str, str]) -> set[str]:
    """The walls LUDB names for a STEMI ('anterior', 'septal', 'lateral', 'apical', ...)."""
    return {
        line.split(":", 1)[1].replace("wall", "").strip()
        for line in ischaemia_lines(row)
        if line.startswith("stemi") and ":" in line
    }


def is_normal(row: dict[str, str]) -> bool:
    """Sinus rhythm with no finding in any diagnostic column and no axis deviation."""
    if row["Rhythms"].strip().lower() != "sinus rhythm":
        return False
    if "deviation" in row["Electric axis of the heart"].lower():
        return False
    if "repolarization" in row["Other states"].lower():
        return False
    return not any(row[c].strip() for c in FINDING_COLUMNS)
