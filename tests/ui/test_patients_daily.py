"""Patients as a clinician enters and finds them (#20 item 5): typed birth dates, required
fields that say so, and a search that finds "Lovelace, Ada" from "Ada Lovelace"."""

from __future__ import annotations

import datetime

from conftest import add_patient, first_run, wait_idle

from workstation.ui.shell.patients_panel import NewPatientDialog
from workstation.ui.shell.preferences import Preferences


def test_typed_birth_date_and_required_fields(qtbot, app, vault_path, monkeypatch) -> None:
    window = first_run(qtbot, vault_path, Preferences()).window
    seen: dict[str, object] = {}

    def type_as_a_user(dialog: NewPatientDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.accept()  # everything empty
        seen["empty"] = (dialog.problem.text(), dialog.result(), dialog.identifier.hasFocus())
        qtbot.keyClicks(dialog.identifier, "MRN-77")
        dialog.accept()
        seen["no name"] = dialog.problem.text()
        qtbot.keyClicks(dialog.name, "Lovelace, Ada")
        qtbot.keyClicks(dialog.birth, "1815-12-10")
        dialog.accept()
        seen["too early"] = dialog.problem.text()
        dialog.birth.clear()
        qtbot.keyClicks(dialog.birth, "1956-04-12")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(NewPatientDialog, "exec", type_as_a_user)
    window.new_patient()
    qtbot.waitUntil(lambda: any("Lovelace" in n for n in window.patients.patient_names()))
    wait_idle(qtbot, window)
    assert seen["empty"][0] == "Enter the hospital number: it is required."
    assert seen["empty"][1] != NewPatientDialog.DialogCode.Accepted
    assert seen["no name"] == "Enter the name: it is required."
    assert "between 1900 and today" in str(seen["too early"])
    patient = next(p for p in window.vault.list_patients() if p.identifier == "MRN-77")
    assert patient.birth_date == datetime.date(1956, 4, 12)


def test_a_date_that_is_not_one_is_refused_in_words(qtbot) -> None:
    dialog = NewPatientDialog()
    qtbot.addWidget(dialog)
    dialog.identifier.setText("MRN-1")
    dialog.name.setText("Turing, Alan")
    qtbot.keyClicks(dialog.birth, "12/06/1912")
    dialog.accept()
    assert dialog.result() != NewPatientDialog.DialogCode.Accepted
    assert dialog.problem.text() == "Birth date '12/06/1912' is not a date: type it as YYYY-MM-DD."


def test_search_finds_first_name_last_name_in_any_order(qtbot, app, vault_path, monkeypatch):
    window = first_run(qtbot, vault_path, Preferences()).window
    add_patient(qtbot, window, monkeypatch, "MRN-1", "Lovelace, Ada")
    add_patient(qtbot, window, monkeypatch, "MRN-2", "Turing, Alan")
    window.patients.search.setFocus()
    qtbot.keyClicks(window.patients.search, "Ada Lovelace")
    shown = [
        window.patients.patient_list.item(i).text()
        for i in range(window.patients.patient_list.count())
        if not window.patients.patient_list.item(i).isHidden()
    ]
    assert shown == ["Lovelace, Ada  ·  MRN-1"]
    window.patients.search.clear()
    qtbot.keyClicks(window.patients.search, "mrn-2")
    visible = [
        i
        for i in range(window.patients.patient_list.count())
        if not window.patients.patient_list.item(i).isHidden()
    ]
    assert [window.patients.patient_list.item(i).text() for i in visible] == [
        "Turing, Alan  ·  MRN-2"
    ]


def test_a_file_dropped_on_a_patients_session_goes_to_that_patient(
    qtbot, app, vault_path, monkeypatch, ludb_record
) -> None:
    """#20 item 1: the session in front decides; a different list selection is confirmed by
    name and hospital number, and "No" imports nothing."""
    from PySide6.QtWidgets import QMessageBox

    window = first_run(qtbot, vault_path, Preferences()).window
    add_patient(qtbot, window, monkeypatch, "MRN-1", "Lovelace, Ada")
    lovelace = window.patients.current_patient_id()
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=60000)
    wait_idle(qtbot, window)
    assert window.front_patient().id == lovelace
    add_patient(qtbot, window, monkeypatch, "MRN-2", "Turing, Alan")
    turing = window.patients.current_patient_id()
    window.tabs.setCurrentIndex(1)  # Lovelace's ECG in front, Turing selected in the list
    asked: list[str] = []
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])

    def answer(_parent, _title, text, *_args):
        asked.append(text)
        return next(answers)

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert window.import_file(ludb_record) is None  # "No": nothing imported
    assert "Lovelace, Ada (MRN-1)" in asked[0] and "Turing, Alan (MRN-2)" in asked[0]
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.tabs.count() == 3, timeout=60000)
    wait_idle(qtbot, window)
    assert len(window.vault.list_sessions(lovelace)) == 2
    assert window.vault.list_sessions(turing) == []
    # Each session row names its file and when it was recorded, so two can be told apart.
    table = window.patients.sessions
    window.patients.patient_list.setCurrentRow(0)  # Lovelace, Ada
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=10000)
    what, when = table.item(0, 0).text().split("\n")
    assert what == f"{ludb_record.name} · ECG · open"
    assert when.startswith("recorded not stated · admin · imported 20")  # LUDB has no date
    window.close()
