"""Sign-off of an EEG and of a video-vitals session through the main window (#20).

The same File › Sign off… (Ctrl+Shift+S) as for an ECG: a clinician reviews the session, the
dialog lists the engine's findings apart from what clinicians wrote, and signs only once the
confirmation is ticked; the vault then holds the session REVIEWED by them, audited, and the
session's report prints the sign-off. Only the dialogs' modal loops are replaced.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from conftest import (
    ADMIN,
    CLINICIAN,
    add_patient,
    clinician_window,
    sign_in,
    wait_idle,
)

from workstation.reports.session_report import session_report_pdf
from workstation.reports.settings import ReportSettings
from workstation.rppg.synthetic import ClipSpec, write_clip
from workstation.ui.eeg.viewer import EegViewer
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import Preferences
from workstation.ui.shell.signoff_dialog import TO_CONFIRM
from workstation.ui.video.panel import VideoPanel
from workstation.vault import NoteKind, SessionStatus


def _sign_off(qtbot, window: MainWindow) -> None:
    [action] = [a for a in window.actions() if a.text() == "Sign o&ff…"]
    assert action.shortcut().toString() == "Ctrl+Shift+S"
    action.trigger()


def _wait_signed(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: "signed off" in window.statusBar().currentMessage(), timeout=30000)
    wait_idle(qtbot, window)


def _assert_reviewed_and_audited(
    qtbot, window: MainWindow, session_id: int, vault_path: Path, prefs: Preferences
) -> None:
    """REVIEWED by the clinician, printed in the report, and audited as theirs."""
    session = window.vault.get_session(session_id)
    assert (session.status, session.signed_by) == (SessionStatus.REVIEWED, CLINICIAN)
    pdf = session_report_pdf(
        window.vault, session_id, ReportSettings("St. Example"), datetime.now(UTC)
    )
    text = _pdf_text(pdf)
    assert f"REVIEWED: signed off by {CLINICIAN}" in text
    window.close()
    admin = sign_in(qtbot, vault_path, prefs).window
    rows = admin.vault.audit_log()
    [signed] = [e for e in rows if e.target == f"session:{session_id}" and "signed off" in e.detail]
    assert (signed.username, signed.action, signed.outcome) == (CLINICIAN, "edit", "ok")
    assert "status reviewed" in signed.detail and ADMIN not in signed.detail
    admin.close()


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_an_eeg_session_is_signed_off_with_its_findings_and_annotations(
    qtbot, app, vault_path, edf_file, monkeypatch, errors, told, reviewed
):
    prefs = Preferences(idle_minutes=10)
    window = clinician_window(qtbot, vault_path, prefs)
    add_patient(qtbot, window, monkeypatch, "H-0011", "Roe, Richard")
    window.import_file(edf_file)
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), EegViewer), timeout=30000)
    viewer = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: viewer.analysis is not None, timeout=60000)
    wait_idle(qtbot, window)
    session_id = viewer.session_id()

    # An annotation not yet saved: the sign-off is refused, nothing is signed.
    viewer.add_annotation(3.25, 0.5, "Sharp wave")
    _sign_off(qtbot, window)
    assert told and "Save the review first" in told[-1]
    assert window.vault.get_session(session_id).status is SessionStatus.OPEN
    window.save_review()
    qtbot.waitUntil(lambda: not viewer.has_unsaved_review(), timeout=30000)
    wait_idle(qtbot, window)

    _sign_off(qtbot, window)
    _wait_signed(qtbot, window)
    findings = reviewed["automated"]
    assert findings and all(status == TO_CONFIRM for _, status in findings)
    assert all("eizure-like" in text for text, _ in findings)
    [(annotation, author, kind)] = reviewed["clinician"]  # the file's own are not listed
    assert "Sharp wave" in annotation and (author, kind) == (CLINICIAN, "annotation")
    assert (reviewed["enabled_before"], reviewed["enabled_after"]) == (False, True)
    signed = window.vault.get_sign_off(session_id)
    assert [(s.text, s.source) for s in signed.statements] == [
        *((text, "automated") for text, _ in findings),
        (annotation, "annotation"),
    ]
    confirmed = [
        n.text
        for n in window.vault.list_notes(session_id)
        if n.kind == NoteKind.CONFIRMED_STATEMENT and n.analysis_id == signed.analysis_id
    ]
    assert confirmed == [text for text, _ in findings]  # the report lists them as confirmed
    assert viewer.status_message.startswith(f"Signed off by {CLINICIAN}")

    # A second sign-off is refused by the vault check, and shown.
    _sign_off(qtbot, window)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    wait_idle(qtbot, window)
    assert f"already reviewed by {CLINICIAN}" in errors[-1][1]
    _assert_reviewed_and_audited(qtbot, window, session_id, vault_path, prefs)


def test_a_video_session_is_signed_off_once_saved(
    qtbot, app, vault_path, tmp_path, monkeypatch, errors, told, reviewed
):
    clip = write_clip(tmp_path / "face.avi", ClipSpec(bpm=80.0, seconds=14, width=160, height=120))
    prefs = Preferences(idle_minutes=10)
    window = clinician_window(qtbot, vault_path, prefs)
    add_patient(qtbot, window, monkeypatch, "H-0012", "Doe, Jane")
    next(a for a in window.actions() if a.text() == "&Video vitals…").trigger()
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), VideoPanel), timeout=10000)
    panel = window.tabs.currentWidget()
    panel.set_video_file(clip)
    panel.analyse_whole_file()
    # the analysis job must have ended too, else Save to vault is still disabled
    qtbot.waitUntil(lambda: panel.result is not None and panel._analysis is None, timeout=120000)

    # Measured but not saved: nothing to sign yet.
    _sign_off(qtbot, window)
    assert "not stored as a session yet" in told[-1]
    assert panel.save_button.isEnabled()
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.opened is not None, timeout=30000)
    wait_idle(qtbot, window)
    session_id = panel.opened.session.id

    _sign_off(qtbot, window)
    _wait_signed(qtbot, window)
    rate, hrv = reviewed["automated"]
    assert rate[0].startswith("Heart rate: 8") and rate[1] == TO_CONFIRM
    assert hrv[0].startswith("HRV") and hrv[1] == TO_CONFIRM
    assert reviewed["clinician"] == [("(none)", "", "")]
    assert (reviewed["enabled_before"], reviewed["enabled_after"]) == (False, True)
    assert panel.opened.session.status is SessionStatus.REVIEWED
    assert "Signed off by" in panel.status.text()
    qtbot.waitUntil(
        lambda: (
            window.patients.sessions.rowCount() == 1
            and f"reviewed by {CLINICIAN}" in window.patients.sessions.item(0, 0).text()
        ),
        timeout=10000,
    )

    # The tab knows it is signed: a second sign-off is refused before any dialog.
    _sign_off(qtbot, window)
    assert f"already reviewed by {CLINICIAN}" in told[-1]
    assert not errors
    _assert_reviewed_and_audited(qtbot, window, session_id, vault_path, prefs)
