"""The vault's governance in the app (#20): audit log, users, model cards, About, the
shortcut sheet, Preferences that the reports read, and the window's smaller manners (the safe
default on discard, remembered geometry and view toggles, Ctrl+W, Ctrl+E in a text field).

Driven through the main window's own menu actions, found by their text, on a real vault."""

from __future__ import annotations

import csv
import datetime
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ADMIN, FAST_KDF, add_patient, first_run, sign_in, wait_idle
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from workstation import __version__
from workstation.app.model_cards import shipped_models
from workstation.inference.cards import models_dir, read_card
from workstation.reports import Paper, ReportSettings, load_report_settings
from workstation.ui.app import Launcher
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import Preferences, PreferencesDialog
from workstation.ui.shell.shortcuts import _plain, shortcut_rows
from workstation.ui.shell.signin_dialog import DISCLAIMER
from workstation.ui.shell.users_dialog import ADMIN_ONLY
from workstation.vault import Vault

NURSE, NURSE_PASSWORD = "dr.lee", "quiet harbour lantern 58"


def action(window: MainWindow, text: str):
    """The window's action whose menu text (without the & marks) is ``text``."""
    found = [a for a in window.actions() if a.text().replace("&", "") == text]
    assert len(found) == 1, f"one action named {text!r}, found {len(found)}"
    return found[0]


def signed_in_as(qtbot, vault_path: Path, username: str, password: str) -> MainWindow:
    launcher = Launcher(vault_path, FAST_KDF, Preferences())
    launcher.start()
    form = launcher.dialog.form
    qtbot.addWidget(launcher.dialog)
    form.user_edit.setText(username)
    form.password_edit.setText(password)
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20000)
    qtbot.addWidget(launcher.window)
    wait_idle(qtbot, launcher.window)
    return launcher.window


def test_audit_log_filters_verifies_and_exports_owner_only(
    qtbot, app, vault_path, monkeypatch, tmp_path
) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    add_patient(qtbot, window, monkeypatch, "MRN-1", "Lovelace, Ada")
    add_patient(qtbot, window, monkeypatch, "MRN-2", "Turing, Alan")
    action(window, "Audit log…").trigger()
    viewer = window.audit_dialog
    qtbot.waitUntil(lambda: viewer.view is not None and not viewer.jobs.busy, timeout=20000)
    everything = viewer.view.total
    assert viewer.table.rowCount() == everything > 0
    actions = {viewer.table.item(r, 2).text() for r in range(viewer.table.rowCount())}
    assert {"create", "edit", "list"} <= actions

    ada = window.vault.find_patient("MRN-1")
    viewer.patient.setText("MRN-1")
    viewer.apply_button.click()
    qtbot.waitUntil(lambda: not viewer.jobs.busy and bool(viewer.view.note), timeout=20000)
    targets = [viewer.table.item(r, 4).text() for r in range(viewer.table.rowCount())]
    details = [viewer.table.item(r, 5).text() for r in range(viewer.table.rowCount())]
    assert targets and set(targets) == {f"patient:{ada.id}"}
    assert "patient created" in details
    assert "Lovelace, Ada (MRN-1)" in viewer.view.note

    viewer.patient.clear()
    viewer.action.setCurrentIndex(viewer.action.findData("edit"))
    viewer.apply_button.click()
    qtbot.waitUntil(lambda: not viewer.jobs.busy and not viewer.view.note, timeout=20000)
    assert viewer.table.rowCount() == 2  # the two patients created
    assert f"Showing 2 of {viewer.view.total} rows." == viewer.summary.text()

    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    viewer.action.setCurrentIndex(0)
    viewer.date_to.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    viewer.apply_button.click()
    qtbot.waitUntil(lambda: not viewer.jobs.busy, timeout=20000)
    qtbot.waitUntil(lambda: viewer.table.rowCount() == 0, timeout=5000)
    assert not viewer.export_button.isEnabled()

    viewer.date_to.setDate(viewer.date_to.minimumDate())  # 'any' again
    viewer.user.setCurrentIndex(viewer.user.findData(ADMIN))
    viewer.apply_button.click()
    qtbot.waitUntil(lambda: not viewer.jobs.busy and viewer.table.rowCount() > 0, timeout=20000)
    shown = viewer.table.rowCount()
    out = tmp_path / "audit.csv"
    viewer.export_to(out)
    qtbot.waitUntil(lambda: "exported" in viewer.summary.text(), timeout=10000)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["id", "time", "username", "action", "target", "outcome", "detail"]
    assert len(rows) == shown + 1 and {r[2] for r in rows[1:]} == {ADMIN}
    exported = [e for e in window.vault.audit_log(0, 100000) if e.target == "audit"]
    assert (exported[-2].action, exported[-2].detail) == ("export", f"{shown} rows exported")

    viewer.verify_button.click()
    qtbot.waitUntil(lambda: viewer.verify_button.isEnabled(), timeout=30000)
    assert viewer.chain.text().startswith("The audit chain is intact:")
    window.close()


def test_a_clinician_may_verify_but_not_read_the_log_or_manage_users(
    qtbot, app, vault_path, monkeypatch
) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    window.vault.add_user(NURSE, NURSE_PASSWORD, "clinician")
    window.close()
    window = signed_in_as(qtbot, vault_path, NURSE, NURSE_PASSWORD)
    users = action(window, "Users…")
    assert not users.isEnabled() and users.toolTip() == ADMIN_ONLY
    action(window, "Audit log…").trigger()
    viewer = window.audit_dialog
    qtbot.waitUntil(lambda: viewer.message.isVisibleTo(viewer), timeout=20000)
    assert viewer.message.text() == (
        f"User '{NURSE}' (clinician) is not allowed to read the audit log. "
        "Ask an administrator to do it."
    )
    assert viewer.table.rowCount() == 0 and not viewer.export_button.isEnabled()
    viewer.verify_button.click()
    qtbot.waitUntil(lambda: viewer.verify_button.isEnabled(), timeout=30000)
    assert viewer.chain.text().startswith("The audit chain is intact:")

    seen = []

    def look(dialog: PreferencesDialog) -> int:
        seen.append((dialog.institution.isEnabled(), dialog.paper.isEnabled()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PreferencesDialog, "exec", look)
    action(window, "Preferences…").trigger()
    assert seen == [(False, False)]  # the ward's report settings are an administrator's
    window.close()


def test_users_add_with_the_vaults_refusal_reset_and_remove_by_typed_name(
    qtbot, app, vault_path
) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    users = action(window, "Users…")
    assert users.isEnabled()
    users.trigger()
    dialog = window.users_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)

    dialog.add_button.click()
    form = dialog.form
    form.username.setText(NURSE)
    form.password.setText("short")
    form.repeat.setText("shorter")
    form.ok_button.click()
    assert form.message.text() == "The two passwords differ. Type the same password twice."
    form.repeat.setText("short")
    form.ok_button.click()
    qtbot.waitUntil(lambda: form.ok_button.isEnabled() and form.message.text() != "", timeout=9000)
    assert form.message.text().startswith(
        "The password has 5 characters; at least 12 are required."
    )
    assert form.isVisible()
    form.password.setText(NURSE_PASSWORD)
    form.repeat.setText(NURSE_PASSWORD)
    form.ok_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=20000)
    names = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(2)}
    assert names == {ADMIN: "administrator", NURSE: "clinician"}

    dialog.table.selectRow([u.username for u in dialog.users].index(NURSE))
    dialog.reset_button.click()
    reset = dialog.form
    new_password = "amber meadow quartz 91"
    reset.password.setText(new_password)
    reset.repeat.setText(new_password)
    reset.ok_button.click()
    qtbot.waitUntil(lambda: "reset" in dialog.message.text(), timeout=20000)
    other = Vault(vault_path)
    assert other.unlock(NURSE, new_password).username == NURSE
    other.lock()

    dialog.table.selectRow([u.username for u in dialog.users].index(NURSE))
    dialog.remove_button.click()
    remove = dialog.form
    assert not remove.ok_button.isEnabled()
    remove.confirm.setText("dr.le")
    assert not remove.ok_button.isEnabled()
    remove.confirm.setText(NURSE)
    remove.ok_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=30000)
    assert [u.username for u in window.vault.list_users()] == [ADMIN]
    window.close()


def test_model_cards_show_each_shipped_model_and_catch_a_changed_file(
    qtbot, app, vault_path, tmp_path, monkeypatch
) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    shipped = sorted(p.stem for p in models_dir().glob("*.json"))
    action(window, "Models…").trigger()
    dialog = window.model_cards_dialog
    assert [c.name for c in dialog.cards] == shipped
    dialog.list.setCurrentRow(shipped.index("ecg-abnormality"))
    page = dialog.view.toPlainText()
    card = read_card("ecg-abnormality")
    assert DISCLAIMER in page.splitlines()[1]
    assert "The model file matches the card (sha256 verified)." in page
    auc, (low, high) = _first_auc(card["metrics"])
    expected = (card["intended_use"], card["training_data"]["name"], card["limitations"],
                f"auc {auc:g} (95% CI {low:g}–{high:g})", card["sha256"],
                f"decision threshold {card['threshold']:g}")  # fmt: skip
    for part in expected:
        assert part in " ".join(page.split()), part

    copy = tmp_path / "models"
    shutil.copytree(models_dir(), copy)
    onnx = copy / "ecg-abnormality.onnx"
    onnx.write_bytes(onnx.read_bytes() + b"\0")
    monkeypatch.setenv("WORKSTATION_MODELS", str(copy))
    cards = {card.name: card for card in shipped_models()}
    assert not cards["ecg-abnormality"].file_matches
    assert cards["ecg-segmentation"].file_matches
    action(window, "About").trigger()
    about = window.about_dialog.text.toPlainText()
    assert "The model file differs from its card" in about
    window.close()


def _first_auc(metrics: dict) -> tuple[float, list[float]]:
    """The card's first AUC and its interval, wherever the card nests them."""
    for value in metrics.values():
        if isinstance(value, dict) and "auc" in value:
            return value["auc"], value.get("auc_ci95") or value["ci95"]
    raise AssertionError("the card states no AUC")


def test_about_names_versions_models_hashes_and_the_vault(qtbot, app, vault_path) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    action(window, "About").trigger()
    text = window.about_dialog.text.toPlainText()
    import onnxruntime

    for expected in (__version__, onnxruntime.__version__, str(vault_path), DISCLAIMER):
        assert expected in text
    for card in shipped_models():
        assert card.sha256 in text
    assert text.count("matches its card") == len(shipped_models())
    window.close()


def test_shortcut_sheet_is_built_from_the_windows_actions(qtbot, app, vault_path) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    sheet_action = action(window, "Keyboard shortcuts")
    assert [s.toString() for s in sheet_action.shortcuts()] == ["F1", "Ctrl+/"]
    sheet_action.trigger()
    table = window.shortcuts_sheet.table
    rows = {tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())}
    assert ("File", "Export report…", "Ctrl+E") in rows
    assert ("Tools", "Audit log…", "Ctrl+Shift+A") in rows
    assert ("Help", "Keyboard shortcuts", "F1 or Ctrl+/") in rows
    with_keys = [a for a in window.actions() if a.shortcuts()]
    assert table.rowCount() == len(with_keys)
    window._action(window.menuBar().actions()[0].menu(), "Brand new", lambda: None, "Ctrl+K")
    sheet_action.trigger()
    table = window.shortcuts_sheet.table
    assert ("File", "Brand new", "Ctrl+K") in {
        tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())
    }
    window.close()


def test_preferences_set_the_institution_and_paper_that_reports_print(
    qtbot, app, vault_path, monkeypatch
) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    seen = {}

    def fill(dialog: PreferencesDialog) -> int:
        seen["enabled"] = dialog.institution.isEnabled() and dialog.paper.isEnabled()
        dialog.institution.setText("Ward 9, St. Example")
        dialog.paper.setCurrentText("Letter")
        dialog.idle.setValue(7)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", fill)
    action(window, "Preferences…").trigger()
    assert seen["enabled"]
    assert load_report_settings() == ReportSettings("Ward 9, St. Example", Paper.LETTER)
    assert window.prefs.idle_minutes == 7 and Preferences.load().idle_minutes == 7
    window.close()


def test_spin_box_arrows_are_drawn(qtbot, app) -> None:
    """The style sheet gave spin boxes a border, which made Qt shrink their arrows to
    slivers: each button must show a triangle pointing its way."""
    dialog = PreferencesDialog(Preferences(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    image = dialog.idle.grab().toImage()
    right = range(image.width() - round(22 * image.width() / dialog.idle.width()), image.width())

    def dark_widths(rows: range) -> list[int]:
        widths = [sum(image.pixelColor(x, y).lightness() < 110 for x in right) for y in rows]
        return [w for w in widths if w]

    up = dark_widths(range(image.height() // 2))
    down = dark_widths(range(image.height() // 2, image.height()))
    assert len(up) >= 3 and up == sorted(set(up)), f"no up arrow: {up}"
    assert len(down) >= 3 and down == sorted(set(down), reverse=True), f"no down arrow: {down}"


def test_window_size_is_remembered(qtbot, app, vault_path) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    window.resize(777, 555)
    window.close()
    window = sign_in(qtbot, vault_path, Preferences()).window
    assert (window.width(), window.height()) == (777, 555)
    window.close()


@pytest.mark.shared_data
def test_session_tab_manners(qtbot, app, vault_path, monkeypatch, ludb_record) -> None:
    """Ctrl+E from the notes field, toggles kept across reopen, the score's model card,
    Ctrl+W after the Start tab is gone, and Enter on 'discard?' keeps the work."""
    window = first_run(qtbot, vault_path, Preferences()).window
    window.show()
    try:
        _session_tab_manners(qtbot, window, monkeypatch, ludb_record)
    finally:  # a failure must not leave teardown waiting on a 'discard?' question
        timer = QTimer(window)
        timer.timeout.connect(_discard_any_question)
        timer.start(50)


def _discard_any_question() -> None:
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        _discard_button(box).click()


def _discard_button(box: QMessageBox):
    role = QMessageBox.ButtonRole.DestructiveRole
    return next(b for b in box.buttons() if box.buttonRole(b) == role)


def _session_tab_manners(qtbot, window: MainWindow, monkeypatch, ludb_record: Path) -> None:
    add_patient(qtbot, window, monkeypatch, "MRN-7", "Curie, Marie")
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=60000)
    wait_idle(qtbot, window)
    workspace = window.current_workspace()
    workspace.finish_building()

    asked: list[str] = []

    def save_as(_parent, caption: str, *_args) -> tuple[str, str]:
        asked.append(caption)
        return "", ""  # the user cancels the save dialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    workspace.panel.setCurrentIndex(2)  # Notes
    note = workspace.panel.note_edit
    note.setFocus()
    qtbot.waitUntil(note.hasFocus, timeout=5000)
    qtbot.keyClick(note, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked and asked[0].startswith("Export report")

    workspace.panel.model_card_link.linkActivated.emit("#")
    assert window.model_cards_dialog.current_name() == "ecg-abnormality"
    window.model_cards_dialog.close()

    workspace.masks_check.setChecked(False)
    session_id = workspace.session_id()
    action(window, "Close session").trigger()
    window.open_session(session_id)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=30000)
    wait_idle(qtbot, window)
    workspace = window.current_workspace()
    workspace.finish_building()
    assert not workspace.masks_check.isChecked() and workspace.fiducials_check.isChecked()

    window.close_tab(window.tabs.indexOf(window.tabs.widget(0)))  # the Start tab
    assert window.tabs.count() == 1 and window.tabs.currentWidget() is workspace
    workspace.panel.note_edit.setText("Review with the cardiologist")
    workspace.panel.note_edit.returnPressed.emit()
    assert workspace.has_unsaved_review()

    def press_enter_on_the_question() -> None:
        box = window.discard_question
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(200, press_enter_on_the_question)
    action(window, "Close session").trigger()
    assert window.tabs.count() == 1  # Ctrl+W asked, Enter kept the session
    QTimer.singleShot(200, press_enter_on_the_question)
    assert not window.close()
    assert window.isVisible()
    QTimer.singleShot(200, lambda: _discard_button(window.discard_question).click())
    assert window.close()
    QApplication.processEvents()


def test_walkthrough_names_the_windows_own_menus_and_shortcuts(qtbot, app, vault_path) -> None:
    """docs/WALKTHROUGH.md may only name menu items (and their shortcuts) the window has."""
    window = first_run(qtbot, vault_path, Preferences()).window
    rows = shortcut_rows(window)
    keys = {(menu, text): shortcut for menu, text, shortcut in rows}
    menus = {
        (_plain(m.title()), _plain(a.text()))
        for m in (a.menu() for a in window.menuBar().actions())
        if m is not None
        for a in m.actions()
    }
    text = (Path(__file__).parents[2] / "docs" / "WALKTHROUGH.md").read_text(encoding="utf-8")
    named = re.findall(r"\*\*(\w+) › ([^*]+)\*\*(?: \(([^)]+)\))?", text)
    assert len(named) >= 12
    for menu, item, shortcut in named:
        item = " ".join(item.split())  # a name may wrap in the Markdown source
        assert (menu, item) in menus, f"{menu} › {item} is not in the window's menus"
        if shortcut and shortcut[0].isupper() and "+" in shortcut:
            given = keys[(menu, item)].replace(" or ", ", ")
            assert shortcut.split(",")[0].split(" or ")[0].strip() in given, (item, shortcut)
    window.close()


SCREENS = ("audit_log", "users", "model_cards", "about", "shortcuts", "preferences")


@pytest.mark.xvfb
@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_real_window_screens_and_ctrl_e_under_x11(tmp_path, width: int, height: int) -> None:
    """Under a real X server (where text fields bind Ctrl+E), the governance screens open
    from the menus and are photographed at both ward screen sizes."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (make test installs it)")
    script = Path(__file__).with_name("xvfb_governance_screens.py")
    out = Path(__file__).parents[2] / "test-artifacts"
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith(("PATH", "LANG", "WORKSTATION"))},
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "xcb",
    }
    screen = f"-screen 0 {width}x{height}x24 -dpi 96"
    command = ["xvfb-run", "-a", "-s", screen, sys.executable, str(script)]
    done = subprocess.run(
        [*command, str(tmp_path), str(out), str(width)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for name in SCREENS:
        image = QImage(str(out / f"{name}_{width}.png"))
        assert not image.isNull() and image.width() <= width and image.height() <= height
