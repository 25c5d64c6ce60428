"""Vitals sessions in a real vault: NEWS2 and the audited risk stored, trends across sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from workstation.app import vitals as app_vitals
from workstation.app.opening import open_any_session
from workstation.app.progress import Progress
from workstation.errors import InvalidRecording, NotInVault
from workstation.vault import Analysis, Argon2Params, Vault
from workstation.vault.kinds import AnalysisKind

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    vault, _recovery = Vault.create(
        tmp_path / "vault.db", "dr.meyer", "violet harbour lantern 42", kdf=FAST_KDF
    )
    yield vault
    vault.lock()


def test_an_imported_stay_is_stored_with_news2_and_an_audited_risk(vault, stay_file):
    patient = vault.add_patient("H-1", "Doe, Jane", "F")
    saved = app_vitals.import_vitals_file(vault, patient.id, stay_file, Progress())
    reopened = app_vitals.open_vitals_session(vault, saved.session_id)
    assert reopened.vitals.measurements == saved.vitals.measurements
    risk = reopened.results["risk"]
    assert 0 <= risk["probability"] <= 1 and risk["model"]["name"] == "vitals-risk"
    assert reopened.results["news2"]["worst"]["total"] >= 0
    [info] = vault.list_analyses(saved.session_id)
    assert info.kind == AnalysisKind.VITALS
    [model] = vault.load_analysis(info.id).models
    assert model.sha256 == risk["model"]["sha256"]
    entries = [e for e in vault.audit_log() if e.target == f"analysis:{info.id}"]
    assert entries and f"vitals-risk {model.version} sha256:{model.sha256}" in entries[0].detail
    vault.verify()


def test_a_bad_file_stores_nothing(vault, tmp_path: Path):
    patient = vault.add_patient("H-2", "Roe, Richard", "M")
    bad = tmp_path / "bad.csv"
    bad.write_text("nonsense\n")
    with pytest.raises(InvalidRecording):
        app_vitals.import_vitals_file(vault, patient.id, bad, Progress())
    assert vault.list_sessions(patient.id) == []


def test_one_manual_set_is_stored_with_news2_and_the_risk_refused(vault):
    patient = vault.add_patient("H-3", "Poe, Ann", "F")
    values = {"HR": 135, "RespRate": 22, "NISysABP": 118, "Temp": 37.0, "SaO2": 97, "GCS": 15,
              "FiO2": 0.21}  # fmt: skip
    saved = app_vitals.save_manual_observation(vault, patient.id, values, Progress())
    latest = saved.results["news2"]["latest"]
    assert (latest["total"], latest["band"], latest["complete"]) == (5, "medium", True)
    assert saved.results["risk"] is None and "core vital signs" in saved.results["risk_refusal"]
    assert vault.load_analysis(saved.analysis_id).models == ()


def test_trends_join_vitals_sessions_and_heart_rate_from_ecg_and_video(vault, stay_files):
    patient = vault.add_patient("H-4", "Moe, Max", "M")
    start = datetime(2026, 11, 1, 8, tzinfo=UTC)
    for day, path in enumerate(stay_files[:2]):
        stay = app_vitals.read_vitals(path)
        app_vitals.save_vitals_session(
            vault, patient.id, stay, Progress(), start=start.replace(day=1 + 3 * day)
        )
    ecg = vault.create_session(patient.id, "ecg")
    vault.save_analysis(ecg, Analysis(AnalysisKind.ECG, {"heart_rate_bpm": 88.0, "rr": {}}))
    video = vault.create_session(patient.id, "video")
    vault.save_analysis(
        video,
        Analysis(AnalysisKind.VIDEO, {"heart_rate_bpm": 91.0, "hrv": {"rmssd_ms": 31.0}}),
    )
    trends = app_vitals.patient_trends(vault, patient.id, Progress())
    hr = trends.series["HR"]
    assert np.all(np.diff(hr.hours) >= 0)
    assert hr.hours[-1] > 72  # the second stay starts three days after the first
    assert {88.0, 91.0} <= set(hr.values.tolist())
    assert trends.series["HRV_RMSSD"].values.tolist() == [31.0]
    assert len(trends.risks) == 2 and all("drivers" in r for r in trends.risks)
    assert trends.sources["ecg"] == [ecg] and trends.sources["video"] == [video]
    assert "NEWS2" in trends.series and trends.bands


def test_opening_a_vitals_session_gives_the_trends_and_an_empty_session_a_clear_error(
    vault, stay_file
):
    patient = vault.add_patient("H-7", "Loe, Mary", "F")
    saved = app_vitals.import_vitals_file(vault, patient.id, stay_file, Progress())
    assert vault.get_session(saved.session_id).modality == "vitals"
    opened = open_any_session(vault, saved.session_id, Progress())
    assert isinstance(opened, app_vitals.PatientTrends) and opened.patient.id == patient.id
    empty = vault.create_session(patient.id, "other")  # e.g. a session whose import failed
    with pytest.raises(NotInVault, match=f"no recording stored with session {empty}"):
        open_any_session(vault, empty, Progress())
