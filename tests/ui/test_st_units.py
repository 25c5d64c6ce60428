"""File › Preferences sets the ST unit; the open Measurements tab follows at once and the
choice is kept in reports.toml for the next session and every report."""

from __future__ import annotations

import pytest
from conftest import add_patient, first_run, wait_idle
from helpers import shared
from PySide6.QtWidgets import QDialog

from workstation.app.report_preferences import StUnits, load_report_settings
from workstation.ui.shell.preferences import Preferences, PreferencesDialog

pytestmark = pytest.mark.shared_data


def _st_rows(workspace) -> dict[str, str]:
    table = workspace.panel.measurements
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    return {name: value for name, value in rows.items() if name.startswith("ST ")}


def _choose(monkeypatch, window, units: StUnits) -> None:
    """Through File › Preferences…, with only the dialog's modal exec replaced."""

    def pick(dialog: PreferencesDialog) -> int:
        assert dialog.st_units.isEnabled()  # the administrator may change it
        dialog.st_units.setCurrentIndex(dialog.st_units.findData(units))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", pick)
    next(a for a in window.actions() if a.text().replace("&", "") == "Preferences…").trigger()


def test_the_measurements_tab_writes_st_levels_in_the_chosen_unit(
    qtbot, app, vault_path, monkeypatch, errors
):
    record = shared("wfdb-samples", "s0010_re.hea")  # true millivolts: ST is measured
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0021", "Noether, Emmy")
    window.import_file(record)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=90000)
    wait_idle(qtbot, window, timeout=90000)
    workspace = window.current_workspace()
    workspace.finish_building()

    in_mm = _st_rows(workspace)
    assert in_mm["ST (J / J+60 / J+80)"] == "in mm at 10 mm/mV, vs PR segment"
    leads = workspace.opened.result.stored["st_segment"]["leads"]
    assert (
        in_mm["ST II"]
        == " / ".join(f"{leads['ii'][k]:+.1f}" for k in ("j_mm", "st60_mm", "st80_mm")) + " mm"
    )

    _choose(monkeypatch, window, StUnits.UV)
    in_uv = _st_rows(workspace)  # redrawn without reopening the session
    assert in_uv["ST (J / J+60 / J+80)"] == "in µV, vs PR segment"
    assert (
        in_uv["ST II"]
        == " / ".join(f"{leads['ii'][k]:+.0f}" for k in ("j_uv", "st60_uv", "st80_uv")) + " µV"
    )
    assert load_report_settings().st_units is StUnits.UV  # kept for reports and restarts

    _choose(monkeypatch, window, StUnits.MM)
    assert _st_rows(workspace) == in_mm
    assert not errors
    window.close()
