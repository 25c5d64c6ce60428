"""Signing a session off, and the signed report: a real vault, real LUDB leads, real PDFs.

Sign-off marks the session REVIEWED with who and when, confirms the statements, is audited
and is refused for a non-clinician, unsaved changes, a changed session or a second time. The
report then keeps the engine's statements apart from the clinician's, lists the notes and
the clinician's annotations and prints the sign-off; the exported PDF carries a detached
Ed25519 signature that fails on a changed byte and on a key that is not the signer's.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPORT_TIME
from signed_session import (
    ADMIN,
    ADMIN_PASSWORD,
    ANNOTATION,
    CLINICIAN,
    NOTE,
    OWN_STATEMENT,
    clinician_vault,
    reviewed_session,
)

from workstation.app.progress import Progress
from workstation.app.reports import export_session_report
from workstation.app.sessions import OpenedSession, open_session, save_review
from workstation.app.signoff import sign_off, sign_off_sheet
from workstation.errors import SignatureInvalid, SignOffRefused
from workstation.recording import Recording
from workstation.reports import ReportSettings
from workstation.reports.session_report import session_report_pdf
from workstation.reports.signature import (
    read_signature,
    signature_json,
    signature_path,
    verify_report,
)
from workstation.vault import NoteKind, SessionStatus, Vault
from workstation.vault.signing import new_seed, sign_document, signer_from_seed

SETTINGS = ReportSettings("St. Example University Hospital")
pytestmark = pytest.mark.shared_data


@pytest.fixture
def reviewed(tmp_path: Path, ludb_record: Recording) -> Iterator[tuple[Vault, OpenedSession]]:
    vault = clinician_vault(tmp_path / "vault" / "vault.db")
    yield vault, reviewed_session(vault, ludb_record)
    vault.close()


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _audit_as_admin(vault: Vault) -> list:
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    return vault.audit_log()


def test_the_sheet_keeps_the_engines_statements_apart_from_the_clinicians(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    _, opened = reviewed
    sheet = sign_off_sheet(opened)
    engine = [s["text"] for s in opened.result.statements if s["code"] != "clinician"]
    assert [s.text for s in sheet.automated] == engine
    assert [(s.text, s.author) for s in sheet.clinician] == [(OWN_STATEMENT, CLINICIAN)]
    # The first statement was confirmed in the review; the rest are still to confirm.
    assert engine[0] not in sheet.unconfirmed
    assert set(sheet.unconfirmed) == {*engine[1:], OWN_STATEMENT}


def test_sign_off_marks_the_session_reviewed_with_who_and_when_and_is_audited(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    vault, opened = reviewed
    signed = sign_off(vault, opened, False, Progress())
    session = vault.get_session(opened.session.id)
    assert session.status is SessionStatus.REVIEWED
    assert (session.signed_by, session.signed_at) == (CLINICIAN, signed.sign_off.signed_at)
    [listed] = vault.list_sessions(opened.patient.id)
    assert (listed.status, listed.signed_by) == (SessionStatus.REVIEWED, CLINICIAN)
    stored = vault.get_sign_off(opened.session.id)
    assert stored == signed.sign_off
    assert {(s.text, s.source) for s in stored.statements} >= {(OWN_STATEMENT, "clinician")}
    # Signing confirmed every statement: the reopened session shows them all confirmed.
    confirmed = {n.text for n in signed.opened.confirmations}
    assert confirmed == {s["text"] for s in signed.opened.result.statements}
    rows = _audit_as_admin(vault)
    [row] = [
        e for e in rows if e.target == f"session:{opened.session.id}" and "signed off" in e.detail
    ]
    assert (row.action, row.outcome, row.username) == ("edit", "ok", CLINICIAN)
    assert "status reviewed" in row.detail and row.content_hash
    at_sign_off = [e for e in rows if e.detail.endswith("at sign-off")]
    assert len(at_sign_off) == len(sign_off_sheet(opened).unconfirmed)
    vault.verify()  # the chain, signatures and content hashes still hold


def test_unsaved_changes_are_refused_and_nothing_is_written(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    vault, opened = reviewed
    notes_before = vault.list_notes(opened.session.id)
    with pytest.raises(SignOffRefused, match="unsaved changes"):
        sign_off(vault, opened, True, Progress())
    assert vault.get_session(opened.session.id).status is SessionStatus.OPEN
    assert vault.list_notes(opened.session.id) == notes_before


def test_a_second_sign_off_is_refused_and_audited(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    vault, opened = reviewed
    signed = sign_off(vault, opened, False, Progress())
    with pytest.raises(SignOffRefused, match=f"already reviewed by {CLINICIAN}"):
        sign_off(vault, signed.opened, False, Progress())
    # The vault refuses it too, whoever calls it.
    with pytest.raises(SignOffRefused, match="already reviewed"):
        vault.sign_off_session(opened.session.id, opened.analysis_id, ())
    denied = [e for e in _audit_as_admin(vault) if e.outcome == "denied"]
    assert [e.target for e in denied] == [f"session:{opened.session.id}"]


def test_an_administrator_may_not_sign_off(reviewed: tuple[Vault, OpenedSession]) -> None:
    vault, opened = reviewed
    vault.lock()
    vault.unlock(ADMIN, ADMIN_PASSWORD)
    with pytest.raises(SignOffRefused, match="needs a clinician account"):
        sign_off(vault, opened, False, Progress())
    assert vault.get_session(opened.session.id).status is SessionStatus.OPEN
    [denied] = [e for e in vault.audit_log() if e.outcome == "denied"]
    assert (denied.username, denied.target) == (ADMIN, f"session:{opened.session.id}")


def test_a_session_changed_since_it_was_opened_is_refused(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    vault, opened = reviewed
    stale = open_session(vault, opened.session.id, Progress())
    changes = dataclasses.replace(
        _no_changes(), statements=[*map(dict, opened.result.statements), _clinicians("Later")]
    )
    save_review(vault, opened, changes, Progress())
    with pytest.raises(SignOffRefused, match="changed since you opened it"):
        sign_off(vault, stale, False, Progress())
    assert vault.get_session(opened.session.id).status is SessionStatus.OPEN


def _no_changes():
    from workstation.app.sessions import ReviewChanges

    return ReviewChanges(None, None, [], [])


def _clinicians(text: str) -> dict:
    return {"code": "clinician", "text": text, "evidence": {}, "abnormal": True}


def test_the_report_shows_provenance_notes_annotations_and_the_sign_off(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    vault, opened = reviewed
    unsigned = _text(session_report_pdf(vault, opened.session.id, SETTINGS, REPORT_TIME))
    assert "Not signed off" in unsigned and "REVIEWED" not in unsigned
    sign_off(vault, opened, False, Progress())
    text = _text(session_report_pdf(vault, opened.session.id, SETTINGS, REPORT_TIME))
    assert "Interpretation (automated)" in text
    assert "Interpretation statements (automated, by the ECG engine)" in text
    assert "Clinician statements" in text
    assert f"{OWN_STATEMENT} ({CLINICIAN})" in text  # page 1: the statement with its author
    automated_part = text.split("Clinician statements")[0]
    assert automated_part.count(OWN_STATEMENT) == 0  # not among the engine's statements
    assert f"REVIEWED: signed off by {CLINICIAN}" in text
    assert "Not signed off" not in text and "UNCONFIRMED" not in text
    assert NOTE in text and ANNOTATION in text
    assert "clinician's notes and annotations" in text
    assert "Page 3 of 3" in text
    # Only the clinician's annotation is listed, not the file's hundreds of fiducials.
    review_page = text.split("clinician's notes and annotations")[-1]
    assert review_page.count(" s ") <= 3


def test_the_exported_pdf_carries_a_signature_that_verifies(
    reviewed: tuple[Vault, OpenedSession], tmp_path: Path
) -> None:
    vault, opened = reviewed
    sign_off(vault, opened, False, Progress())
    report_id, pdf = export_session_report(
        vault, opened.session.id, tmp_path / "report.pdf", Progress(), SETTINGS
    )
    sig = signature_path(pdf)
    assert sig.name == "report.pdf.sig" and sig.stat().st_mode & 0o077 == 0
    document = json.loads(sig.read_text())
    assert document["algorithm"] == "Ed25519" and document["signer"] == CLINICIAN
    verified = verify_report(pdf)
    assert verified.signature.signer == CLINICIAN
    assert vault.key_belonged_to(CLINICIAN, verified.signature.public_key)
    assert not vault.key_belonged_to(ADMIN, verified.signature.public_key)
    assert pdf.read_bytes() == vault.load_report(report_id)
    rows = _audit_as_admin(vault)
    signed = [e for e in rows if e.target == f"report:{report_id}" and "signed" in e.detail]
    assert [e.username for e in signed] == [CLINICIAN]
    assert document["sha256"] in signed[0].detail


def _exported(vault: Vault, opened: OpenedSession, folder: Path) -> Path:
    return export_session_report(
        vault, opened.session.id, folder / "report.pdf", Progress(), SETTINGS
    )[1]


def test_one_changed_byte_is_refused(reviewed: tuple[Vault, OpenedSession], tmp_path: Path) -> None:
    vault, opened = reviewed
    pdf = _exported(vault, opened, tmp_path)
    data = bytearray(pdf.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0x01
    pdf.write_bytes(bytes(data))
    with pytest.raises(SignatureInvalid, match="not the PDF that was signed"):
        verify_report(pdf)


def test_a_signature_by_another_key_is_refused(
    reviewed: tuple[Vault, OpenedSession], tmp_path: Path
) -> None:
    vault, opened = reviewed
    pdf = _exported(vault, opened, tmp_path)
    sig = signature_path(pdf)
    genuine = read_signature(sig)
    # Someone else's key put in place of the signer's: the signature no longer verifies.
    other = signer_from_seed(CLINICIAN, new_seed())
    swapped = dataclasses.replace(genuine, public_key=other.public_hex)
    sig.write_text(signature_json(swapped))
    with pytest.raises(SignatureInvalid, match="does not verify with its public key"):
        verify_report(pdf)
    # A forger signing in the clinician's name with their own key: valid for that key, but
    # the vault never gave it to the clinician.
    forged = sign_document(other, genuine.sha256, genuine.signed_at)
    sig.write_text(signature_json(forged))
    assert verify_report(pdf).signature.public_key == other.public_hex
    assert not vault.key_belonged_to(CLINICIAN, other.public_hex)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is missing"),
        ("not json", "not JSON"),
        ('{"format": "workstation-report-signature/v1", "algorithm": "RSA"}', "not a Ed25519"),
        ('{"format": "workstation-report-signature/v1", "algorithm": "Ed25519"}', "lacks signer"),
    ],
)
def test_a_missing_or_malformed_signature_is_refused(
    reviewed: tuple[Vault, OpenedSession], tmp_path: Path, content: str | None, message: str
) -> None:
    vault, opened = reviewed
    pdf = _exported(vault, opened, tmp_path)
    sig = signature_path(pdf)
    if content is None:
        sig.unlink()
    else:
        sig.write_text(content)
    with pytest.raises(SignatureInvalid, match=message):
        verify_report(pdf)


def test_the_notes_kind_is_unchanged_by_sign_off(reviewed: tuple[Vault, OpenedSession]) -> None:
    """Sign-off adds confirmations, never free-text notes: the session's notes stay the
    clinician's own."""
    vault, opened = reviewed
    sign_off(vault, opened, False, Progress())
    notes = [n.text for n in vault.list_notes(opened.session.id) if n.kind == NoteKind.NOTE]
    assert notes == [NOTE]


def test_statements_beyond_page_ones_room_are_sent_to_page_two(layout_report) -> None:
    """Page 1 never writes statements into the tracings: what does not fit is counted and
    listed in full on page 2."""
    from workstation.reports.ecg_report import build_ecg_report

    automated = [{"code": f"s{k}", "text": f"Engine statement {k}"} for k in range(9)]
    written = [{"code": "clinician", "text": f"Clinician statement {k}"} for k in range(3)]
    analysis = {**layout_report.analysis, "statements": automated + written}
    analysis["reviewed_by"] = CLINICIAN
    crowded = dataclasses.replace(layout_report, analysis=analysis, confirmations=())
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(build_ecg_report(crowded))).pages
    first, second = pages[0].extract_text(), pages[1].extract_text()
    shown = sum(f"Engine statement {k}" in first for k in range(9)) + sum(
        f"Clinician statement {k}" in first for k in range(3)
    )
    assert 2 <= shown < 12
    assert f"and {12 - shown} more statement(s): see the details page" in first
    assert "Clinician statement 0 (dr.ada)" in first
    assert all(f"Engine statement {k}" in second for k in range(9))
    assert all(f"Clinician statement {k}" in second for k in range(3))


def test_a_review_changed_after_sign_off_is_reported_as_not_signed_off(
    reviewed: tuple[Vault, OpenedSession],
) -> None:
    """The sign-off covers the version it signed: a statement edited and saved afterwards
    makes the report say the changes are not signed off, on page 1 and page 2."""
    vault, opened = reviewed
    signed = sign_off(vault, opened, False, Progress())
    statements = [*map(dict, signed.opened.result.statements), _clinicians("Added later")]
    changes = dataclasses.replace(_no_changes(), statements=statements)
    save_review(vault, signed.opened, changes, Progress())
    text = _text(session_report_pdf(vault, opened.session.id, SETTINGS, REPORT_TIME))
    assert text.count("the changes since are NOT signed off") >= 2
    assert f"signed off by {CLINICIAN}" in text
