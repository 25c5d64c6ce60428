"""The whole clinical flow, offscreen: set-up, sign-in, patient, import, review, save, reopen."""

from __future__ import annotations

import numpy as np
from conftest import add_patient, first_run, import_ecg, sign_in, wait_idle

from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.shell.preferences import Preferences


def _statement_status(workspace: EcgWorkspace) -> list[tuple[str, str]]:
    table = workspace.panel.statements
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def _measurements(workspace: EcgWorkspace) -> list[tuple[str, str]]:
    table = workspace.panel.measurements
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_first_use_import_review_save_and_reopen_identical(
    qtbot, app, vault_path, ludb_record, monkeypatch, errors
):
    prefs = Preferences(idle_minutes=10)
    launcher = first_run(qtbot, vault_path, prefs)
    window = launcher.window
    assert window.user_label.text().startswith("Signed in: admin")
    add_patient(qtbot, window, monkeypatch, "H-0001", "Doe, Jane")
    workspace = import_ecg(qtbot, window, ludb_record)
    assert not errors

    # The analysis is shown: measurements filled, masks drawn where the engine put them.
    rows = dict(_measurements(workspace))
    assert rows["Heart rate"].endswith("bpm") and rows["QTc Bazett"].endswith("ms")
    waves = workspace.opened.result.waves
    cell = next(c for c in workspace.paper.cells if c.lead == "i" and c.row == 0)
    engine = [
        (cell.x_of(a / 500.0, workspace.paper.scale), cell.x_of(b / 500.0, workspace.paper.scale))
        for a, b in waves["i"]["qrs"]
        if a / 500.0 < cell.t1 and b / 500.0 > cell.t0
    ]
    drawn = sorted(
        (r.left(), r.right())
        for r in workspace.paper.mask_rects("qrs")
        if cell.x_mm - 0.01 <= r.left() < cell.x_mm + 62.5 and abs(r.center().y() - cell.y_mm) < 1
    )
    assert len(drawn) == len(engine) > 0
    np.testing.assert_allclose(drawn, sorted(engine), atol=0.01)
    assert workspace.paper.strip_count == 13
    assert "Inference: CPU" in window.device_label.text()

    # Review: confirm the first statement, add one, annotate, note; save.
    first = workspace.panel.statements.item(0, 0).text()
    workspace.panel.statements.selectRow(0)
    workspace.panel.confirm_button.click()
    workspace.panel.new_statement.setText("Clinician: no acute change")
    workspace.panel._add_statement()
    workspace.add_annotation(2.5, "artefact?", "ii")
    workspace.panel.note_edit.setText("Discussed with cardiology")
    workspace.panel._add_note()
    assert workspace.has_changes
    window.save_review()
    qtbot.waitUntil(lambda: not workspace.has_changes, timeout=30000)
    wait_idle(qtbot, window)
    saved_status = _statement_status(workspace)
    assert saved_status[0] == (first, saved_status[0][1])
    assert saved_status[0][1].startswith("Confirmed by admin")
    saved_measurements = _measurements(workspace)
    saved_notes = workspace.panel.notes.count()
    session_id = workspace.opened.session.id
    saved_results = workspace.opened.result.to_json()
    saved_attribution = workspace.opened.attribution
    window.close()
    assert window.vault.is_locked

    # Reopen the app, sign in, reopen the session: identical, with no model run.
    launcher = sign_in(qtbot, vault_path, prefs)
    window = launcher.window
    qtbot.waitUntil(lambda: window.patients.patient_list.count() == 1, timeout=10000)
    window.patients.patient_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.patients.session_ids() == [session_id], timeout=10000)
    import workstation.app.sessions as sessions

    monkeypatch.setattr(sessions, "ecg_explained", None)  # reopening must not analyse again
    window.open_session(session_id)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=30000)
    wait_idle(qtbot, window)
    reopened = window.current_workspace()
    reopened.finish_building()
    assert _statement_status(reopened) == saved_status
    assert _measurements(reopened) == saved_measurements
    assert reopened.panel.notes.count() == saved_notes
    assert reopened.opened.result.to_json() == saved_results
    np.testing.assert_array_equal(reopened.opened.attribution, saved_attribution)
    labels = [
        reopened.panel.annotations.item(r, 2).text()
        for r in range(reopened.panel.annotations.rowCount())
    ]
    assert "artefact?" in labels
    assert not errors
    window.close()


def test_a_bad_file_shows_the_error_and_leaves_the_sessions(
    qtbot, app, vault_path, tmp_path, monkeypatch, errors
):
    launcher = first_run(qtbot, vault_path, Preferences())
    window = launcher.window
    add_patient(qtbot, window, monkeypatch, "H-0002", "Roe, Richard")
    before = window.vault.list_sessions(window.patients.current_patient_id())
    bad = tmp_path / "broken.edf"
    bad.write_bytes(b"garbage")
    window.import_file(bad)
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    wait_idle(qtbot, window)
    assert "'broken.edf'" in errors[0][1]
    assert window.vault.list_sessions(window.patients.current_patient_id()) == before
    assert window.tabs.count() == 1
    window.close()


def test_idle_locks_and_hides_patient_names(qtbot, app, vault_path, monkeypatch, errors):
    launcher = first_run(qtbot, vault_path, Preferences(idle_minutes=0.01))  # 0.6 s
    window = launcher.window
    add_patient(qtbot, window, monkeypatch, "H-0003", "Poe, Edgar")
    qtbot.waitUntil(lambda: window.is_locked_screen, timeout=5000)
    wait_idle(qtbot, window)
    assert window.patients.patient_names() == []
    assert "Poe" not in window.windowTitle()
    assert window.vault.is_locked
    form = window.lock_screen.form
    assert form.user_edit.text() == "admin"
    form.password_edit.setText("wrong password 1")
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: form.sign_in_button.isEnabled(), timeout=20000)
    assert window.is_locked_screen and form.message.text()
    form.password_edit.setText("admin password 1")
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.is_locked_screen, timeout=30000)
    qtbot.waitUntil(lambda: window.patients.patient_names() != [], timeout=10000)
    assert window.statusBar().currentMessage() == "Unlocked: signed in as admin."
    window.idle.stop()
    window.close()
