"""The workstation never touches the network.

The end-to-end path that exists so far (import a recording, summarise it) runs in a network
namespace with no interfaces (`unshare -rn`), and again in-process with sockets refused. As
analysis, saving and reporting land, they join this test.
"""

import json
import shutil
import socket
import subprocess
import sys

import pytest

from workstation.cli import main


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(
    not _unshare_works(), reason="unshare -rn is not permitted here; the in-process test covers it"
)
def test_inspect_runs_in_a_namespace_without_network(ludb_dir):
    code = "import sys; from workstation.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [
            "unshare",
            "-rn",
            sys.executable,
            "-c",
            code,
            "inspect",
            "--json",
            str(ludb_dir / "1.hea"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n_channels"] == 12
    probe = subprocess.run(
        [
            "unshare",
            "-rn",
            sys.executable,
            "-c",
            "import socket; socket.create_connection(('1.1.1.1', 53), 2)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode != 0, "the namespace unexpectedly has a network"


def test_inspect_with_sockets_refused(monkeypatch, ludb_dir, edf_file, capsys):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    for method in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, method, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for path in (ludb_dir / "1.hea", edf_file):
        assert main(["inspect", "--json", str(path)]) == 0
    assert attempts == []
    capsys.readouterr()
