"""The GUI thread keeps beating while a record is imported, analysed, explained and shown."""

from __future__ import annotations

import json
import os

from conftest import add_patient, first_run, heartbeat, wait_idle
from helpers import ARTIFACTS

from workstation.ui.shell.preferences import Preferences

MAX_STALL_S = 0.100
#: On a machine already busier than its cores, the OS alone can deschedule the GUI thread for
#: that long; the figure is still recorded, and the bound is relaxed rather than flaky.
MAX_STALL_LOADED_S = 0.250


def _bound() -> float:
    load_per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    return MAX_STALL_S if load_per_core < 1.0 else MAX_STALL_LOADED_S


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
    bound = _bound()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "app_responsiveness.json").write_text(
        json.dumps(
            {
                "max_heartbeat_stall_ms": round(stall * 1000, 1),
                "cpus": os.cpu_count(),
                "load_average_1min": os.getloadavg()[0],
                "bound_ms": bound * 1000,
            }
        )
    )
    assert not errors
    assert stall < bound, f"the GUI thread stalled {stall * 1000:.0f} ms"
    window.close()
