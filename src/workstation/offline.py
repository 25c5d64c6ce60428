"""Switches that keep the workstation off the network, set before any library can read them.

The workstation runs on air-gapped wards and promises never to open an internet socket.
Some dependencies phone home unless told not to: onnxruntime 1.32 and later starts a
telemetry uploader (DNS look-ups for Microsoft's collector, a device id and an event database
under ``~/.cache/Microsoft``) when the runtime initialises, which happens at ``import
onnxruntime``. Its switch is an environment variable read at that moment, so it must be set
before the import: ``workstation/__init__`` calls :func:`switch_off_telemetry` first thing,
which covers every entry point (CLI, GUI, bundle, training, worker processes) because each of
them imports this package before any engine. :func:`confirm_telemetry_off` then checks, when a
model session is about to start, that the switch really came first.

Other libraries open a socket only to probe: urllib3, which neurokit2 and spaCy import for
their download helpers, binds an IPv6 socket to ::1 at import to learn whether the machine
has IPv6. :func:`switch_off_telemetry` also answers that question in advance
(``socket.has_ipv6 = False``): the workstation opens no socket of any family, so nothing it
runs needs the answer, and the syscall audit (tests/test_offline_syscalls.py) stays clean.
"""

from __future__ import annotations

import os
import socket
import sys
from types import ModuleType

from workstation.errors import TelemetryNotOff

# Environment switches honoured by our dependencies; each value turns reporting off.
TELEMETRY_SWITCHES: dict[str, str] = {
    # onnxruntime >= 1.32 (1DS on Linux and macOS): no uploader, no events, no device id.
    "ORT_DISABLE_TELEMETRY": "1",
}

_runtime_preloaded: list[str] = []


def switch_off_telemetry() -> None:
    """Set every telemetry switch, overriding any value inherited from the environment."""
    _runtime_preloaded[:] = [name for name in ("onnxruntime",) if name in sys.modules]
    os.environ.update(TELEMETRY_SWITCHES)
    socket.has_ipv6 = False  # no library's import-time IPv6 probe (a bind to ::1)


def confirm_telemetry_off(runtime: ModuleType) -> None:
    """Before a model session starts: refuse to run if onnxruntime was initialised before the
    switch (its reporting would then be on), and switch off its non-essential events too."""
    if _runtime_preloaded or any(os.environ.get(k) != v for k, v in TELEMETRY_SWITCHES.items()):
        raise TelemetryNotOff("onnxruntime")
    runtime.disable_telemetry_events()


def keep_library_files_in_app_folders() -> None:
    """Point matplotlib's configuration and font cache at the app's own data folder.

    neurokit2 (one of the ECG QRS detectors, and HRV) imports matplotlib for plots the
    workstation never draws, and matplotlib writes ``~/.config/matplotlib`` and
    ``~/.cache/matplotlib`` at import: files outside the app's folders, which the syscall
    audit (tests/test_offline_syscalls.py) forbids. A value set by IT is kept.
    """
    if "MPLCONFIGDIR" not in os.environ:
        import platformdirs

        from workstation.vault.location import APP_NAME

        folder = platformdirs.user_data_path(APP_NAME, appauthor=False) / "matplotlib"
        os.environ["MPLCONFIGDIR"] = str(folder)
