"""Help › Performance opens through the main window and shows the vault's timing rows."""

from __future__ import annotations

from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import Preferences
from workstation.vault import Vault, run_log


def _menu_action(window: MainWindow, menu: str, text: str):
    for top in window.menuBar().actions():
        if top.text() == menu:
            return next(a for a in top.menu().actions() if a.text() == text)
    raise AssertionError(f"no menu {menu}")


def test_help_performance_shows_latency_cache_rate_and_batch_jobs(qtbot, vault: Vault) -> None:
    runs = [run_log.ModelRun("ecg-segmentation 1.0.0", "CPUExecutionProvider", ms, False)
            for ms in (100.0, 120.0, 300.0)]  # fmt: skip
    runs.append(run_log.ModelRun("ecg-segmentation 1.0.0", "CPUExecutionProvider", 2.0, True))
    run_log.add_runs(vault, runs)
    run_log.add_batch_job(
        vault,
        run_log.BatchJob("2026-11-30T07:00:00+00:00", "local, 2 workers", 2, 10, 8, 0, 2, 0, 5.0),
    )
    window = MainWindow(vault, Preferences())
    qtbot.addWidget(window)

    _menu_action(window, "&Help", "&Performance…").trigger()
    qtbot.waitUntil(lambda: getattr(window, "performance_dialog", None) is not None, timeout=10000)

    dialog = window.performance_dialog
    assert dialog.isVisible()
    assert dialog.latency_table.rowCount() == 1
    assert dialog.latency_table.item(0, 1).text() == "CPU"
    assert dialog.latency_table.item(0, 2).text() == "3"  # the cache hit is not a latency
    assert dialog.latency_table.item(0, 3).text() == "120"
    assert "1 of 4" in dialog.cache_label.text()
    assert dialog.jobs_table.item(0, 7).text() == "2.00"
    assert "CPU" in dialog.device_label.text()
