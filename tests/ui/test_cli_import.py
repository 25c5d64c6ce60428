"""`workstation import` runs the GUI's own import use case: the GUI opens what it stored
exactly as it opens a session imported in the app."""

from __future__ import annotations

import io
import json

import numpy as np
from conftest import ADMIN, FAST_KDF, PASSWORD, sign_in, wait_idle

from workstation.cli import main
from workstation.ui.shell.preferences import Preferences
from workstation.vault import Vault


def _cli_import(monkeypatch, capsys, vault_path, record) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    argv = ["import", str(record), "--patient", "H-0001", "--user", ADMIN, "--vault",
            str(vault_path), "--password-stdin", "--json"]  # fmt: skip
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["modality"] == "ecg" and 30 < summary["heart_rate_bpm"] < 120
    return summary["session_id"]


def _without_timings(results: dict) -> dict:
    return {k: v for k, v in results.items() if "timing" not in k}


def _shown(workspace) -> dict:
    """What the workspace shows: tables, the masks drawn and the attribution."""

    def table(widget):
        return [
            [widget.item(r, c).text() for c in range(widget.columnCount())]
            for r in range(widget.rowCount())
        ]

    return {
        "measurements": table(workspace.panel.measurements),
        "statements": table(workspace.panel.statements),
        "masks": sorted(
            (round(r.left(), 6), round(r.right(), 6)) for r in workspace.paper.mask_rects("qrs")
        ),
    }


def test_a_cli_import_opens_in_the_gui_like_a_gui_import(
    qtbot, app, vault_path, ludb_record, monkeypatch, capsys, errors
):
    vault, _ = Vault.create(vault_path, ADMIN, PASSWORD, kdf=FAST_KDF)
    vault.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    argv = ["import", str(ludb_record), "--patient", "H-0001", "--user", ADMIN, "--vault",
            str(vault_path), "--password-stdin"]  # fmt: skip
    assert main(argv) == 2  # no such patient, and no --name to create one
    assert "no patient with identifier 'H-0001'" in capsys.readouterr().err
    add = Vault(vault_path)
    add.unlock(ADMIN, PASSWORD)
    add.add_patient("H-0001", "Doe, Jane", "F")
    add.close()
    cli_session = _cli_import(monkeypatch, capsys, vault_path, ludb_record)

    window = sign_in(qtbot, vault_path, Preferences(idle_minutes=10)).window
    qtbot.waitUntil(lambda: window.patients.patient_list.count() == 1, timeout=10000)
    window.patients.patient_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.patients.session_ids() == [cli_session], timeout=10000)
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=60000)
    wait_idle(qtbot, window)
    imported = window.current_workspace()
    imported.finish_building()
    window.open_session(cli_session)
    qtbot.waitUntil(
        lambda: (
            window.current_workspace() is not None
            and window.current_workspace().opened.session.id == cli_session
        ),
        timeout=60000,
    )
    wait_idle(qtbot, window)
    opened = window.current_workspace()
    opened.finish_building()

    assert opened.opened.result.to_json() == imported.opened.result.to_json()
    assert opened.opened.result == imported.opened.result
    np.testing.assert_array_equal(opened.opened.attribution, imported.opened.attribution)
    assert _shown(opened) == _shown(imported)
    assert not errors
