"""Turning a recording (and, in the vault, a patient) into what the ECG report prints.

The analysis stored with a report carries the abnormality score's explanation, so the
report never has to recompute it: ``analyze_for_report`` adds the exact Shapley values to
``EcgAnalysis.to_json()`` when it runs the analysis.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from workstation.ecg.abnormality import abnormality_model
from workstation.ecg.analysis import EcgAnalysis, analyze_ecg, sex_from_metadata
from workstation.ecg.explain import score_shapley
from workstation.recording import Recording
from workstation.reports.ecg_content import PatientHeader

NOT_STATED = "not stated"
SEX_NAMES = {"M": "male", "F": "female"}


def analyze_for_report(recording: Recording, sex: str | None = None) -> dict[str, Any]:
    """``analyze_ecg`` as JSON, with the abnormality score's feature contributions."""
    return explained_json(analyze_ecg(recording, sex=sex))


def explained_json(analysis: EcgAnalysis) -> dict[str, Any]:
    """``analysis.to_json()`` plus the exact Shapley values of its abnormality score."""
    result = analysis.to_json()
    if result.get("abnormality") is not None:
        result["abnormality"]["explanation"] = score_shapley(
            abnormality_model(), analysis.measurements
        )
    return result


def age_from_metadata(recording: Recording) -> str:
    """'51 years' from header comments such as LUDB's '<age>: 51'."""
    text = " ".join(recording.metadata.values())
    found = re.search(r"<?age>?:\s*(\d{1,3})", text, flags=re.IGNORECASE)
    return f"{found.group(1)} years" if found else NOT_STATED


def age_on(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return NOT_STATED
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return f"{years} years"


def sex_text(sex: str | None) -> str:
    if not sex:
        return NOT_STATED
    return SEX_NAMES.get(sex.strip().upper()[:1], sex)


def patient_from_file(recording: Recording, sex: str | None = None) -> PatientHeader:
    """A file analysed outside the vault names no patient; say so rather than invent one."""
    return PatientHeader(
        identifier=NOT_STATED + " (file analysed outside the vault)",
        name=NOT_STATED,
        sex=sex_text(sex or sex_from_metadata(recording)),
        age=age_from_metadata(recording),
    )
