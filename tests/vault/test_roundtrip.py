"""Everything stored comes back exactly: recordings, analyses, notes, reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from vault_helpers import assert_same_recording, ludb_recording, synthetic_recording

from workstation.errors import NotInVault, VaultError
from workstation.vault.entities import Analysis, ModelInfo, NoteKind, SessionStatus
from workstation.vault.vault import Vault


@pytest.mark.shared_data
def test_ludb_record_with_gaps_round_trips_bit_exactly(vault: Vault) -> None:
    original = ludb_recording(1)
    signals = original.signals.copy()
    signals[3, 1000:1250] = np.nan
    signals[7, -10:] = np.float32(np.nan) * -1  # a NaN with the sign bit set
    gappy = replace(original, signals=signals)
    patient = vault.add_patient("LUDB-1", "Test Patient", "F", date(1970, 5, 17))
    session_id = vault.save_session(patient.id, gappy)

    [info] = vault.list_recordings(session_id)
    assert (info.n_channels, info.n_samples, info.fs) == (12, 5000, 500.0)
    assert_same_recording(vault.load_recording(info.id), gappy)


def test_every_recording_field_round_trips(vault: Vault) -> None:
    original = synthetic_recording(seed=3, channels=3, samples=10_000)
    patient = vault.add_patient("P-3", "Someone")
    session_id = vault.create_session(patient.id, "eeg")
    recording_id = vault.add_recording(session_id, original)
    assert_same_recording(vault.load_recording(recording_id), original)


def test_long_recording_is_split_into_chunks_and_reassembled(vault: Vault) -> None:
    original = synthetic_recording(seed=4, channels=19, samples=256 * 600)
    patient = vault.add_patient("P-4", "Someone")
    session_id = vault.save_session(patient.id, original)
    [info] = vault.list_recordings(session_id)
    assert_same_recording(vault.load_recording(info.id), original)


def test_analysis_round_trips_with_named_arrays(vault: Vault) -> None:
    patient = vault.add_patient("P-5", "Someone")
    recording = synthetic_recording(seed=5)
    session_id = vault.save_session(patient.id, recording)
    [info] = vault.list_recordings(session_id)
    mask = np.random.default_rng(0).integers(0, 4, size=(4, 2000), dtype=np.uint8)
    attributions = np.random.default_rng(1).standard_normal((4, 2000)).astype(">f8")
    attributions[0, 0] = np.nan
    analysis = Analysis(
        kind="ecg-delineation",
        results={
            "heart_rate_bpm": 61.25,
            "qtc_ms": None,
            "statements": ["sinus rhythm"],
            "nan": float("nan"),
        },
        models=(ModelInfo("seg-unet", "1.2.0", "cd" * 32), ModelInfo("clf", "0.9", "ef" * 32)),
        arrays={"mask": mask, "attributions": attributions, "empty": np.zeros((0, 3))},
        recording_id=info.id,
    )
    analysis_id = vault.save_analysis(session_id, analysis)
    loaded = vault.load_analysis(analysis_id)

    assert loaded.kind == analysis.kind
    assert loaded.models == analysis.models
    assert loaded.recording_id == info.id
    assert loaded.results["heart_rate_bpm"] == 61.25
    assert loaded.results["statements"] == ["sinus rhythm"]
    assert np.isnan(loaded.results["nan"])
    assert list(loaded.arrays) == ["mask", "attributions", "empty"]
    for name, array in analysis.arrays.items():
        assert loaded.arrays[name].dtype == array.dtype
        assert loaded.arrays[name].shape == array.shape
        assert loaded.arrays[name].tobytes() == array.tobytes()
    [listed] = vault.list_analyses(session_id)
    assert (listed.id, listed.kind, listed.created_by) == (analysis_id, "ecg-delineation", "admin")


def test_notes_statements_status_and_reports(vault: Vault, tmp_path: Path) -> None:
    patient = vault.add_patient("P-6", "Someone")
    session_id = vault.save_session(patient.id, synthetic_recording(seed=6))
    analysis_id = vault.save_analysis(session_id, Analysis("eeg-classification", {"p": 0.2}))
    vault.add_note(session_id, "Artefact at 12 s, ignore.")
    vault.confirm_statement(session_id, "Normal EEG.", analysis_id)
    vault.set_session_status(session_id, SessionStatus.REVIEWED)
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    report_id = vault.save_report(session_id, "EEG report", pdf)

    notes = vault.list_notes(session_id)
    assert [(n.kind, n.text, n.author) for n in notes] == [
        (NoteKind.NOTE, "Artefact at 12 s, ignore.", "admin"),
        (NoteKind.CONFIRMED_STATEMENT, "Normal EEG.", "admin"),
    ]
    assert notes[1].analysis_id == analysis_id
    assert vault.get_session(session_id).status is SessionStatus.REVIEWED
    [report] = vault.list_reports(session_id)
    assert (report.size, report.title) == (len(pdf), "EEG report")
    assert vault.load_report(report_id) == pdf
    exported = vault.export_report(report_id, tmp_path / "export.pdf")
    assert exported.read_bytes() == pdf
    actions = [(e.action, e.target) for e in vault.audit_log()]
    assert ("export", f"report:{report_id}") in actions


def test_patients_and_session_listing(vault: Vault) -> None:
    first = vault.add_patient("A-1", "First", "M", date(1950, 1, 1))
    second = vault.add_patient("A-2", "Second")
    for seed in range(3):
        vault.save_session(first.id, synthetic_recording(seed, channels=1, samples=100))
    vault.create_session(second.id, "ppg")

    assert vault.find_patient("A-1") == first
    assert vault.find_patient("nope") is None
    assert vault.get_patient(second.id) == second
    assert [p.identifier for p in vault.list_patients()] == ["A-1", "A-2"]
    everything = vault.list_sessions()
    assert len(everything) == 4
    assert everything[0].patient_name == "Second"
    assert [s.patient_id for s in vault.list_sessions(first.id)] == [first.id] * 3


def test_unknown_ids_and_duplicates_give_clear_errors(vault: Vault) -> None:
    patient = vault.add_patient("D-1", "Someone")
    with pytest.raises(VaultError, match="already in the vault"):
        vault.add_patient("D-1", "Someone else")
    with pytest.raises(NotInVault, match="session 999"):
        vault.add_note(999, "text")
    with pytest.raises(NotInVault, match="recording 42"):
        vault.load_recording(42)
    with pytest.raises(NotInVault, match="patient 77"):
        vault.create_session(77, "ecg")
    assert vault.list_sessions(patient.id) == []


def test_export_or_backup_to_an_unwritable_place_is_a_clear_error(
    vault: Vault, tmp_path: Path
) -> None:
    patient = vault.add_patient("E-1", "Someone")
    session_id = vault.create_session(patient.id, "ecg")
    report_id = vault.save_report(session_id, "report", b"%PDF-1.7")
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("a file where a folder should be")

    with pytest.raises(VaultError, match="Could not write the report to .*export.pdf") as caught:
        vault.export_report(report_id, not_a_folder / "export.pdf")
    assert "Choose a folder" in str(caught.value)
    with pytest.raises(VaultError, match="Could not write the backup to"):
        vault.backup(not_a_folder / "backup.db")
    exports = [(e.target, e.outcome) for e in vault.audit_log() if e.action == "export"]
    assert exports == [(f"report:{report_id}", "ok"), (f"report:{report_id}", "failed")]
