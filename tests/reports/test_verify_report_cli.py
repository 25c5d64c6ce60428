"""``workstation verify-report FILE.pdf``: exit 0 and the signer for an untouched export, a
clear refusal (exit 2) for a changed byte, a missing signature or a key that is not the
signer's; ``--vault`` asks the vault whose key it is."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from signed_session import CLINICIAN, CLINICIAN_PASSWORD, clinician_vault, reviewed_session

from workstation.app.progress import Progress
from workstation.app.reports import export_session_report
from workstation.app.signoff import sign_off
from workstation.cli import main
from workstation.recording import Recording
from workstation.reports import ReportSettings
from workstation.reports.signature import read_signature, signature_json, signature_path
from workstation.vault.signing import new_seed, sign_document, signer_from_seed

pytestmark = pytest.mark.shared_data


@pytest.fixture
def exported(tmp_path: Path, ludb_record: Recording) -> tuple[Path, Path]:
    """A signed-off session's report exported with its signature; (PDF, vault path)."""
    vault_path = tmp_path / "vault" / "vault.db"
    vault = clinician_vault(vault_path)
    opened = reviewed_session(vault, ludb_record)
    sign_off(vault, opened, False, Progress())
    _, pdf = export_session_report(
        vault, opened.session.id, tmp_path / "report.pdf", Progress(), ReportSettings("Ward 7")
    )
    vault.close()
    return pdf, vault_path


def test_an_untouched_export_verifies_without_the_vault(exported, capsys) -> None:
    pdf, _ = exported
    assert main(["verify-report", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert f"unchanged since {CLINICIAN} signed it" in out
    assert "checked against the signature file only, not against the vault" in out


def test_with_the_vault_the_key_is_confirmed_as_the_signers(exported, capsys, monkeypatch) -> None:
    pdf, vault_path = exported
    monkeypatch.setattr("sys.stdin", io.StringIO(CLINICIAN_PASSWORD + "\n"))
    argv = ["verify-report", str(pdf), "--vault", str(vault_path), "--user", CLINICIAN]
    assert main([*argv, "--password-stdin"]) == 0
    assert f"The vault confirms this key belongs to its user '{CLINICIAN}'" in (
        capsys.readouterr().out
    )


def test_a_changed_byte_fails_with_a_clear_message(exported, capsys) -> None:
    pdf, _ = exported
    data = bytearray(pdf.read_bytes())
    data[-10] ^= 0x20
    pdf.write_bytes(bytes(data))
    assert main(["verify-report", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert "is not the PDF that was signed" in err and "changed after it was signed" in err


def test_a_missing_signature_fails_and_another_signature_file_can_be_named(
    exported, capsys, tmp_path
) -> None:
    pdf, _ = exported
    moved = tmp_path / "elsewhere.sig"
    signature_path(pdf).rename(moved)
    assert main(["verify-report", str(pdf)]) == 2
    assert "is missing" in capsys.readouterr().err
    assert main(["verify-report", str(pdf), "--signature", str(moved)]) == 0


def test_a_key_the_vault_never_gave_the_signer_fails_with_the_vault(
    exported, capsys, monkeypatch
) -> None:
    pdf, vault_path = exported
    sig = signature_path(pdf)
    genuine = read_signature(sig)
    forger = signer_from_seed(CLINICIAN, new_seed())
    sig.write_text(signature_json(sign_document(forger, genuine.sha256, genuine.signed_at)))
    # Alone, the file only shows that *some* key signed these bytes, and says so.
    assert main(["verify-report", str(pdf)]) == 0
    assert "not against the vault" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(CLINICIAN_PASSWORD + "\n"))
    argv = ["verify-report", str(pdf), "--vault", str(vault_path), "--user", CLINICIAN]
    assert main([*argv, "--password-stdin"]) == 2
    assert "never gave that key" in capsys.readouterr().err
    # A signature whose key field was swapped does not verify at all.
    sig.write_text(signature_json(dataclasses.replace(genuine, public_key=forger.public_hex)))
    assert main(["verify-report", str(pdf)]) == 2
    assert "does not verify with its public key" in capsys.readouterr().err
