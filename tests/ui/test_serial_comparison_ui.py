"""View › Compare with previous ECG…, driven through the main window: two LUDB ECGs of one
patient imported as a clinician would, the newer in front, compared with the previous one."""

from __future__ import annotations

from conftest import add_patient, first_run, wait_idle
from helpers import shared
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from workstation.ui.ecg.serial_comparison import SerialComparisonTab
from workstation.ui.shell.preferences import Preferences


def _import(qtbot, window, name: str) -> None:
    before = window.tabs.count()
    window.import_file(shared("ludb", "data", f"{name}.hea"))
    qtbot.waitUntil(lambda: window.tabs.count() == before + 1, timeout=60000)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=10000)
    wait_idle(qtbot, window)
    window.current_workspace().finish_building()


def _rows(table) -> dict[str, list[str]]:
    return {
        table.item(r, 0).text(): [table.item(r, k).text() for k in range(1, table.columnCount())]
        for r in range(table.rowCount())
    }


def test_compare_the_ecg_in_front_with_the_previous_one_and_export(
    qtbot, app, vault_path, monkeypatch, errors, tmp_path
):
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    window.compare_action.trigger()  # the Start tab is in front: nothing to compare yet
    assert told and "Open an ECG session first" in told[0]

    add_patient(qtbot, window, monkeypatch, "H-0020", "Serial, Ada")
    _import(qtbot, window, "1")  # sinus bradycardia
    first = window.current_workspace().opened.session.id
    _import(qtbot, window, "2")  # sinus rhythm, PR measured
    second = window.current_workspace().opened.session.id
    _import(qtbot, window, "8")  # AF with ventricular pacing: paced, no PR
    third = window.current_workspace().opened.session.id

    window.compare_action.trigger()
    qtbot.waitUntil(
        lambda: isinstance(window.tabs.currentWidget(), SerialComparisonTab), timeout=30000
    )
    wait_idle(qtbot, window)
    assert not errors
    tab = window.tabs.currentWidget()
    assert window.front_patient().name == "Serial, Ada"
    # the ECG in front against the patient's previous one; the other ECGs offered, oldest first
    assert window.tabs.tabText(window.tabs.currentIndex()).endswith(f"{second} vs {third}")
    assert [tab.partner.itemData(i) for i in range(tab.partner.count())] == [first, second]
    assert tab.partner.currentData() == second

    rows = _rows(tab.measurements)
    older, newer, change, _flag = rows["PR"]
    assert older.endswith("ms") and newer == "not measured"
    assert change == "not measured in the newer ECG"
    assert rows["P axis"][2] == "not measured in the newer ECG"  # no P waves in AF
    for r, delta in enumerate(tab.view.comparison.measurements):  # flagged rows say so, why
        flag = tab.measurements.item(r, 4)
        assert flag.text() == ("notable" if delta.notable else "")
        assert flag.toolTip() == delta.flag_text
    assert any(d.notable for d in tab.view.comparison.measurements)  # 46 -> 72 bpm, QRS +35
    assert "Paced rhythm" in tab.notable.text()

    tab.partner.activated.emit(tab.partner.findData(first))  # the clinician picks ECG 1
    qtbot.waitUntil(lambda: tab.view.comparison.older.session.id == first, timeout=30000)
    wait_idle(qtbot, window)
    assert window.tabs.tabText(window.tabs.currentIndex()).endswith(f"{first} vs {third}")
    table = tab.statements
    changes = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert ("Removed", "Sinus bradycardia") in changes
    assert tab.st_note.isVisibleTo(tab) and "normalised" in tab.st_note.text()
    # every lead twice (older above newer) plus the pair of lead II strips
    assert len(tab.paper.cells) == 2 * 12 + 2
    older_cells = {c.lead: c for c, which in tab.paper.cells if which == "older" and c.t0 == 0}
    newer_cells = {c.lead: c for c, which in tab.paper.cells if which == "newer" and c.t0 == 0}
    assert older_cells["i"].y_mm > newer_cells["i"].y_mm  # the older ECG above
    assert older_cells["i"].x_mm == newer_cells["i"].x_mm  # on the same time axis

    out = tmp_path / "serial.pdf"
    tab.export_to(out)
    wait_idle(qtbot, window)
    assert not errors and out.is_file()
    assert tab.status.text() == f"Exported to {out}."
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Serial ECG comparison" in text and "Serial, Ada" in text
