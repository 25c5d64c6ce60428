"""Sign-off through the main window: review, confirm the statements in the dialog, sign.

A clinician imports a real LUDB record, adds a statement of their own, saves, and signs off
with File › Sign off… (Ctrl+Shift+S); the vault then holds the session REVIEWED by them
(audited), the session row says so, and the exported report verifies against its signature.
Only the dialog's modal loop is replaced: the test ticks the confirmation as a user would.
"""

from __future__ import annotations

import io
from pathlib import Path

from conftest import (
    ADMIN,
    CLINICIAN,
    add_patient,
    clinician_window,
    first_run,
    import_ecg,
    sign_in,
    wait_idle,
)

from workstation.reports.signature import verify_report
from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import Preferences
from workstation.ui.shell.signoff_dialog import TO_CONFIRM, SignOffDialog
from workstation.vault import SessionStatus

OWN_STATEMENT = "Clinician: no acute change since last visit"


def _sign_off_action(window: MainWindow):
    [action] = [a for a in window.actions() if a.text() == "Sign o&ff…"]
    return action


def test_review_confirm_sign_then_export_a_verified_report(
    qtbot, app, vault_path, ludb_record, monkeypatch, errors, told, reviewed, tmp_path
):
    prefs = Preferences(idle_minutes=10)
    window = clinician_window(qtbot, vault_path, prefs)
    add_patient(qtbot, window, monkeypatch, "H-0001", "Doe, Jane")
    workspace = import_ecg(qtbot, window, ludb_record)
    session_id = workspace.opened.session.id
    action = _sign_off_action(window)
    assert action.shortcut().toString() == "Ctrl+Shift+S"

    # Review: a statement of the clinician's own, not yet saved: sign-off is refused.
    workspace.panel.new_statement.setText(OWN_STATEMENT)
    workspace.panel._add_statement()
    action.trigger()
    assert told and "Save the review first" in told[-1]
    assert window.vault.get_session(session_id).status is SessionStatus.OPEN
    window.save_review()
    qtbot.waitUntil(lambda: not workspace.has_changes, timeout=30000)
    wait_idle(qtbot, window)

    # Sign off: the dialog lists the engine's statements apart from the clinician's, and
    # signs only once the confirmation is ticked.
    engine = [s["text"] for s in workspace.opened.result.statements if s["code"] != "clinician"]
    action.trigger()
    qtbot.waitUntil(lambda: "signed off" in window.statusBar().currentMessage(), timeout=30000)
    wait_idle(qtbot, window)
    assert reviewed["automated"] == [(text, TO_CONFIRM) for text in engine]
    assert reviewed["clinician"] == [(OWN_STATEMENT, CLINICIAN, TO_CONFIRM)]
    assert (reviewed["enabled_before"], reviewed["enabled_after"]) == (False, True)
    session = window.vault.get_session(session_id)
    assert (session.status, session.signed_by) == (SessionStatus.REVIEWED, CLINICIAN)
    assert workspace.opened.session.status is SessionStatus.REVIEWED
    assert all(status.startswith("Confirmed by") for _, status in _statuses(workspace))
    qtbot.waitUntil(lambda: f"reviewed by {CLINICIAN}" in _session_row(window), timeout=10000)

    # A second sign-off is refused before any dialog opens.
    action.trigger()
    assert f"already reviewed by {CLINICIAN}" in told[-1]

    # The exported report verifies against the signature written beside it.
    pdf = tmp_path / "report.pdf"
    window.export_report_to(session_id, pdf)
    wait_idle(qtbot, window)
    verified = verify_report(pdf)
    assert verified.signature.signer == CLINICIAN
    text = _pdf_text(pdf)
    assert f"REVIEWED: signed off by {CLINICIAN}" in text
    assert f"{OWN_STATEMENT} ({CLINICIAN})" in text
    assert not errors
    window.close()

    # The administrator's audit log holds the sign-off, signed by the clinician.
    admin = sign_in(qtbot, vault_path, prefs).window
    rows = admin.vault.audit_log()
    [signed] = [e for e in rows if e.target == f"session:{session_id}" and "signed off" in e.detail]
    assert (signed.username, signed.outcome) == (CLINICIAN, "ok")
    assert ADMIN not in signed.detail
    admin.close()


def _statuses(workspace: EcgWorkspace) -> list[tuple[str, str]]:
    table = workspace.panel.statements
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def _session_row(window: MainWindow) -> str:
    table = window.patients.sessions
    return table.item(0, 0).text() if table.rowCount() else ""


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_an_administrator_is_refused_and_the_session_stays_open(
    qtbot, app, vault_path, ludb_record, monkeypatch, errors
):
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0002", "Roe, Richard")
    workspace = import_ecg(qtbot, window, ludb_record)
    monkeypatch.setattr(SignOffDialog, "exec", lambda dialog: SignOffDialog.DialogCode.Accepted)
    _sign_off_action(window).trigger()
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    wait_idle(qtbot, window)
    assert "needs a clinician account" in errors[-1][1]
    session = window.vault.get_session(workspace.opened.session.id)
    assert session.status is SessionStatus.OPEN
    window.close()
