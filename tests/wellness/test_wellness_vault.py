"""Wellness sessions in a real encrypted vault: derived features only, raw media only when
asked, retention deletes what it should and audits it."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from wellness_signals import syllable_train, walking, write_motion_csv, write_wav

from workstation.app import wellness
from workstation.app.progress import Progress
from workstation.vault import Vault
from workstation.vault.audit import Action
from workstation.vault.keyslots import Argon2Params

FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def vault(tmp_path: Path, clock: Clock):
    opened, _ = Vault.create(
        tmp_path / "vault.db", "dr.meyer", "violet harbour lantern 42", kdf=FAST_KDF, clock=clock
    )
    yield opened
    opened.lock()


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "inputs"
    folder.mkdir()
    audio = write_wav(folder / "speech.wav", syllable_train(4.0, 6.0))
    motion = write_motion_csv(folder / "motion.csv", *walking(30, 2.0))
    return audio, motion


def _store(vault: Vault, patient_id: int, inputs, **keep) -> wellness.SavedWellness:
    audio, motion = inputs
    session = wellness.analyse_wellness(vault, patient_id, Progress(), audio=audio, motion=motion)
    return wellness.save_wellness_session(vault, patient_id, session, Progress(), **keep)


def _blobs(vault: Vault) -> list[tuple[str, int]]:
    """Every blob in every table of the decrypted database, with its size."""
    found = []
    with vault._reading() as store:
        tables = [
            r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in store.db.execute(f"SELECT * FROM [{table}]"):
                found += [(table, len(v)) for v in row if isinstance(v, bytes)]
    return found


def test_a_session_stores_derived_features_only_and_leaves_no_media_on_disk(
    vault, inputs, tmp_path, monkeypatch
):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    patient = vault.add_patient("H-1", "Doe, Jane", "F")
    before = _blobs(vault)
    saved = _store(vault, patient.id, inputs)
    assert saved.raw_media_kept is False
    assert _blobs(vault) == before  # no audio, motion or frame bytes anywhere in the vault
    assert os.listdir(scratch) == []
    assert sorted(p.name for p in (tmp_path / "inputs").iterdir()) == ["motion.csv", "speech.wav"]
    assert "voice.pitch_mean_hz" in saved.features
    label = saved.results["label"]
    assert label.startswith("Wellness observation for clinical review, not diagnosis")
    samples = syllable_train(4.0, 6.0)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes()
    with vault._reading() as store:
        for (text,) in store.db.execute("SELECT results_json FROM wellness_observations"):
            assert len(text) < len(pcm) / 10


def test_raw_media_is_kept_only_when_asked_and_then_audited(vault, inputs):
    patient = vault.add_patient("H-2", "Roe, Ann", "F")
    audio, _ = inputs
    saved = _store(vault, patient.id, inputs, keep_raw_media={"speech.wav": audio})
    assert saved.raw_media_kept
    from workstation.vault.wellness_store import raw_media_names

    assert raw_media_names(vault, saved.observation_id) == ["speech.wav"]
    assert ("wellness_raw_media", audio.stat().st_size) in _blobs(vault)
    rows = [e for e in vault.audit_log() if e.target == f"wellness:{saved.observation_id}"]
    assert any("raw media kept as asked" in e.detail for e in rows)


def test_the_baseline_comes_from_the_patients_own_earlier_sessions(vault, inputs):
    patient = vault.add_patient("H-3", "Poe, Al", "M")
    for _ in range(3):
        saved = _store(vault, patient.id, inputs)
        assert saved.results["fusion"]["total"] is None
    fourth = wellness.analyse_wellness(
        vault, patient.id, Progress(), audio=inputs[0], motion=inputs[1]
    )
    assert fourth.fusion.baseline_sessions == 3
    assert fourth.fusion.total is not None
    other = vault.add_patient("H-4", "Other, Bo", "M")
    assert wellness.patient_baseline(vault, other.id).sessions == 0


def test_retention_deletes_old_observations_with_their_media_and_audits_it(vault, inputs, clock):
    patient = vault.add_patient("H-5", "Loe, Cy", "F")
    clock.now -= timedelta(days=40)
    old = _store(vault, patient.id, inputs, keep_raw_media={"speech.wav": inputs[0]})
    clock.now += timedelta(days=40)
    recent = _store(vault, patient.id, inputs)
    wellness.set_retention_days(vault, 30)
    run = wellness.apply_retention(vault, clock.now)
    assert run.days == 30 and run.deleted == (old.observation_id,)
    assert [s.observation_id for s in wellness.wellness_history(vault, patient.id)] == [
        recent.observation_id
    ]
    assert not any(table == "wellness_raw_media" for table, _ in _blobs(vault))
    cleanup = [
        e for e in vault.audit_log() if e.action == Action.CLEANUP and e.target == "wellness"
    ]
    assert f"wellness:{old.observation_id}" in cleanup[-1].detail
    assert "retention 30 days: deleted 1" in cleanup[-1].detail
    again = wellness.apply_retention(vault, clock.now)
    assert again.deleted == ()
    assert vault.verify().audit_rows > 0  # deleting wellness rows does not read as tampering


def test_only_an_administrator_changes_the_retention(vault):
    from workstation.errors import PermissionDenied

    vault.add_user("carol", "carol password 1", "clinician")
    vault.lock()
    vault.unlock("carol", "carol password 1")
    with pytest.raises(PermissionDenied):
        wellness.set_retention_days(vault, 1)
    assert wellness.retention_days(vault) == 365
    assert wellness.apply_retention(vault).deleted == ()  # enforced whoever signs in
