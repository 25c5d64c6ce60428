"""With a wide QRS the Measurements tab shows the modified QTc the QT statement was judged
on, beside Bazett and Fridericia; with a narrow one it shows no such row. The workspace's
header names a lead the quality gate left out, and why (the report did; the app drew the
lead without masks and said nothing), and names none when every lead is measured."""

from __future__ import annotations

import pytest
from conftest import add_patient, first_run, import_ecg
from helpers import shared

from workstation.app.ecg_result import MODIFIED_QTC_LABEL
from workstation.ui.shell.preferences import Preferences

pytestmark = pytest.mark.shared_data


def _rows(qtbot, window, record) -> tuple[dict[str, str], dict, str, str]:
    """The Measurements tab's rows, the stored analysis, and the header's text and tooltip
    of a record imported through the main window."""
    workspace = import_ecg(qtbot, window, record)
    table = workspace.panel.measurements
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    header = workspace.header
    return rows, workspace.opened.result.stored, header.text(), header.toolTip()


def test_the_measurements_tab_shows_the_modified_qtc_only_over_a_wide_qrs(
    qtbot, app, vault_path, monkeypatch, errors
):
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0083", "Einthoven, Willem")
    # LUDB 83 (development split): AF with left bundle branch block, QRS about 164 ms.
    wide, stored, header, tip = _rows(qtbot, window, shared("ludb", "data", "83.hea"))
    assert stored["qrs_ms"] >= 120
    assert wide[MODIFIED_QTC_LABEL] == f"{stored['qtc_modified_ms']:.0f} ms"
    assert float(wide[MODIFIED_QTC_LABEL].split()[0]) < float(wide["QTc Bazett"].split()[0])
    note = next(s for s in stored["statements"] if s["code"] == "qtc_wide_qrs_within_limits")
    assert note["evidence"]["qtc_modified_bazett_ms"] == stored["qtc_modified_ms"]
    assert list(stored["leads_unusable"]) == ["ii"]
    # II's detectors disagree and, judged at the other leads' beats, its beats vary too much:
    # the header says so in words, the hover gives the figures.
    assert "Leads left out of the analysis: II (QRS detectors disagree and the beats" in header
    assert tip.startswith("II: QRS detectors disagree (bSQI ") and "limit 3 %" in tip
    narrow, stored, header, tip = _rows(qtbot, window, shared("ludb", "data", "1.hea"))
    assert stored["qrs_ms"] < 120 and stored["qtc_modified_ms"] is None
    assert MODIFIED_QTC_LABEL not in narrow and "QTc Bazett" in narrow
    # V2's detectors disagree (its T waves are counted as beats), but it repeats its QRS
    # cleanly at the other leads' beats, so it is measured and the header names nothing.
    assert stored["leads_unusable"] == {} and "v2" in stored["leads_used"]
    assert "Leads left out" not in header and not tip
    assert not errors
    window.close()


def test_the_header_says_what_the_reader_must_know_about_the_leads(
    qtbot, app, vault_path, monkeypatch, errors
):
    """MIT-BIH 100 records modified limb lead MLII: its amplitudes and axis are not those of a
    standard ECG. The analysis said so in its JSON only; the header now says it too."""
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0100", "Mason, Likar")
    _, stored, header, _ = _rows(qtbot, window, shared("wfdb-samples", "100.hea"))
    assert any("modified limb lead MLII" in w for w in stored["warnings"])
    assert "II (modified limb lead MLII): recorded with the limb electrodes on the torso" in header
    assert not errors
    window.close()
