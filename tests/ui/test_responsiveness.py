"""The GUI thread keeps beating while a record is imported, analysed, explained and shown."""

from __future__ import annotations

import json
import os

from conftest import add_patient, first_run, heartbeat, wait_idle
from helpers import ARTIFACTS

from workstation.ui.preferences import Preferences

MAX_STALL_S = 0.100


def test_heartbeat_never_stalls_during_import_and_analysis(
    qtbot, app, vault_path, ludb_record, monkeypatch, errors
):
    window = first_run(qtbot, vault_path, Preferences()).window
    add_patient(qtbot, window, monkeypatch, "H-0100", "Heart, Beat")
    qtbot.wait(200)
    stop = heartbeat(app)
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=60000)
    wait_idle(qtbot, window)
    qtbot.wait(300)  # the first paints of the new sheet
    stall = stop()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "app_responsiveness.json").write_text(
        json.dumps({"max_heartbeat_stall_ms": round(stall * 1000, 1), "cpus": os.cpu_count()})
    )
    assert not errors
    assert stall < MAX_STALL_S, f"the GUI thread stalled {stall * 1000:.0f} ms"
    window.close()
