"""Fixtures for the report tests: a real LUDB record, a patient, a signature, a fixed time."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import shared  # noqa: E402
from stored_analysis import stored_analysis  # noqa: E402

from workstation.io import read_recording  # noqa: E402
from workstation.recording import Recording  # noqa: E402
from workstation.reports import (  # noqa: E402
    Confirmation,
    EcgReport,
    PatientHeader,
    ReportSettings,
    Signature,
)

REPO = Path(__file__).resolve().parents[2]
MODELS = ("ecg-segmentation", "ecg-abnormality")
REPORT_TIME = datetime(2026, 11, 22, 14, 3, tzinfo=UTC)
PATIENT = PatientHeader("MRN-7730419", "Zelda Quixote-Testcase", "female", "51 years")
SIGNATURE = Signature("dr.ada", "clinician", True, REPORT_TIME)
INSTITUTION = "St. Example University Hospital, Cardiology"


@pytest.fixture(scope="session", autouse=True)
def one_thread() -> None:
    """Tests share two cores with other work: keep onnxruntime and BLAS to one thread."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def ludb_record() -> Recording:
    return read_recording(shared("ludb", "data", "1.hea"))


@pytest.fixture(scope="session")
def engine_analysis(ludb_record: Recording) -> dict[str, Any]:
    """The real ECG engine's analysis of LUDB record 1 (skips when models are not trained)."""
    from workstation.inference.registry import models_dir
    from workstation.reports.ecg_inputs import analyze_for_report

    missing = [m for m in MODELS if not (models_dir() / f"{m}.onnx").is_file()]
    if missing:
        pytest.skip(f"ECG models not trained yet: {', '.join(missing)} absent from models/")
    return analyze_for_report(ludb_record)


@pytest.fixture(scope="session")
def layout_report(ludb_record: Recording) -> EcgReport:
    """A report of a real record with a stored-shape analysis: layout tests need no models."""
    analysis = stored_analysis()
    first = analysis["statements"][0]["text"]
    return EcgReport(
        ludb_record,
        analysis,
        PATIENT,
        SIGNATURE,
        (Confirmation(first, "dr.ada", "2026-11-22 13:55 UTC"),),
        ReportSettings(INSTITUTION),
    )
