"""A vault session's report: stored with the session, exported through an audited action."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPORT_TIME
from stored_analysis import stored_analysis

from workstation.cli import main
from workstation.recording import Recording
from workstation.reports import ReportSettings
from workstation.reports.session_report import create_session_report, session_report_pdf
from workstation.vault import Analysis, ModelInfo, Vault
from workstation.vault.keyslots import Argon2Params
from workstation.vault.kinds import AnalysisKind

ADMIN, ADMIN_PASSWORD = "admin", "correct horse battery staple"
CLINICIAN, CLINICIAN_PASSWORD = "dr.ada", "ada lovelace analytical engine"
FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
SETTINGS = ReportSettings("St. Example University Hospital")


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "vault.db"


@pytest.fixture
def session(vault_path: Path, ludb_record: Recording) -> Iterator[tuple[Vault, int]]:
    """A clinician signed in to a vault holding one LUDB session with a stored analysis."""
    admin, _ = Vault.create(vault_path, ADMIN, ADMIN_PASSWORD, kdf=FAST_KDF)
    admin.add_user(CLINICIAN, CLINICIAN_PASSWORD, "clinician")
    admin.close()
    vault = Vault(vault_path)
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    patient = vault.add_patient("MRN-7730419", "Zelda Quixote-Testcase", "F")
    session_id = vault.save_session(patient.id, ludb_record)
    recording_id = vault.list_recordings(session_id)[0].id
    results = stored_analysis()
    models = tuple(ModelInfo(**m) for m in results["models"])
    analysis_id = vault.save_analysis(
        session_id, Analysis(AnalysisKind.ECG, results, models, recording_id=recording_id)
    )
    vault.confirm_statement(session_id, "Sinus rhythm", analysis_id)
    yield vault, session_id
    vault.close()


@pytest.mark.shared_data
def test_the_report_is_stored_with_the_session_and_export_is_audited(
    session: tuple[Vault, int], tmp_path: Path
) -> None:
    vault, session_id = session
    report_id = create_session_report(vault, session_id, SETTINGS, REPORT_TIME)
    (info,) = vault.list_reports(session_id)
    assert info.id == report_id and "Quixote" not in info.title
    target = vault.export_report(report_id, tmp_path / "out.pdf")
    assert target.read_bytes() == vault.load_report(report_id)
    assert target.read_bytes() == session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    exports = [e for e in vault.audit_log() if e.action == "export"]
    assert [e.target for e in exports] == [f"report:{report_id}"]


@pytest.mark.shared_data
def test_the_report_shows_the_clinicians_confirmation(session: tuple[Vault, int]) -> None:
    from pypdf import PdfReader

    vault, session_id = session
    pdf = session_report_pdf(vault, session_id, SETTINGS, REPORT_TIME)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Confirmed by dr.ada" in text
    assert "UNCONFIRMED: 2 of 3" in text
    assert "Signed by dr.ada (clinician)" in text


@pytest.mark.shared_data
def test_workstation_report_command_exports_the_pdf(
    session: tuple[Vault, int],
    vault_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    vault, session_id = session
    vault.close()
    out = tmp_path / "exported.pdf"
    monkeypatch.setenv("WORKSTATION_REPORT_SETTINGS", str(tmp_path / "absent.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO(CLINICIAN_PASSWORD + "\n"))
    argv = ["report", str(session_id), "--out", str(out), "--vault", str(vault_path)]
    status = main([*argv, "--user", CLINICIAN, "--password-stdin", "--paper", "Letter"])
    assert status == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Zelda" not in capsys.readouterr().out


@pytest.mark.shared_data
def test_a_wrong_password_exports_nothing(
    session: tuple[Vault, int], vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, session_id = session
    vault.close()
    out = tmp_path / "exported.pdf"
    monkeypatch.setattr("sys.stdin", io.StringIO("not the password\n"))
    argv = ["report", str(session_id), "--out", str(out), "--vault", str(vault_path)]
    assert main([*argv, "--user", CLINICIAN, "--password-stdin"]) == 2
    assert not out.exists()
