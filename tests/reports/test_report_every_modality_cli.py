"""`workstation report SESSION` for ECG, EEG and video sessions, through the app's use case:
an EEG stored without an analysis is analysed (and stored) first, as the app would."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from session_builders import (
    CLINICIAN,
    CLINICIAN_PASSWORD,
    open_vault,
    patient_id,
    video_session,
    write_bonn_edf,
    write_gap_clip,
)

from workstation.app.eeg_review import load_stored_eeg
from workstation.cli import main
from workstation.io import read_recording
from workstation.vault import Vault


def _report(monkeypatch, vault_path: Path, session_id: int, out: Path) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(CLINICIAN_PASSWORD + "\n"))
    argv = ["report", str(session_id), "--out", str(out), "--vault", str(vault_path),
            "--user", CLINICIAN, "--password-stdin"]  # fmt: skip
    assert main(argv) == 0
    return "\n".join(page.extract_text() for page in PdfReader(out).pages)


@pytest.mark.shared_data
def test_eeg_and_video_sessions_get_their_own_reports(tmp_path, monkeypatch, capsys):
    vault_path = tmp_path / "vault.db"
    vault = open_vault(vault_path)
    patient = patient_id(vault, "MRN-7730419", "Zelda Quixote-Testcase", "F")
    eeg_session = vault.save_session(patient, read_recording(write_bonn_edf(tmp_path / "e.edf")))
    assert load_stored_eeg(vault, eeg_session) is None  # stored without an analysis
    video_id, results = video_session(vault, write_gap_clip(tmp_path))
    vault.close()

    eeg_text = _report(monkeypatch, vault_path, eeg_session, tmp_path / "eeg.pdf")
    assert "EEG report" in eeg_text and "eeg-seizure" in eeg_text
    vault = Vault(vault_path)
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    stored = load_stored_eeg(vault, eeg_session)
    assert stored is not None and stored.analysed  # analysed once, kept for the screen
    vault.close()

    video_text = _report(monkeypatch, vault_path, video_id, tmp_path / "video.pdf")
    assert "Video vitals report" in video_text
    assert f"{results['heart_rate_bpm']:.1f}" in video_text
    capsys.readouterr()
