"""The workstation never touches the network.

The ward's end-to-end path (import a recording, analyse it, save it in the vault, make and
export the signed report, verify the vault) runs in a network namespace with no interfaces
(`unshare -rn`), and again in-process with sockets refused.
"""

import json
import shutil
import socket
import subprocess
import sys

import pytest
from helpers import ROOT
from offline_flow import run_flow

from workstation.cli import main


@pytest.fixture
def no_sockets(monkeypatch):
    """Every socket connection or lookup raises; the list records any attempt."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    for method in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, method, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


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


def test_inspect_with_sockets_refused(no_sockets, ludb_dir, edf_file, capsys):
    for path in (ludb_dir / "1.hea", edf_file):
        assert main(["inspect", "--json", str(path)]) == 0
    assert no_sockets == []
    capsys.readouterr()


@pytest.mark.skipif(
    not _unshare_works(), reason="unshare -rn is not permitted here; the in-process test covers it"
)
def test_import_analyse_save_report_without_network(ludb_dir, tmp_path):
    done = subprocess.run(
        [
            "unshare",
            "-rn",
            sys.executable,
            str(ROOT / "tests" / "offline_flow.py"),
            str(ludb_dir / "1.hea"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert 30 < result["heart_rate_bpm"] < 120
    assert result["pdf_header"] == "%PDF-" and result["pdf_bytes"] > 10_000
    assert result["audit_rows"] > 3


def test_import_analyse_save_report_with_sockets_refused(no_sockets, ludb_dir, tmp_path):
    result = run_flow(ludb_dir / "1.hea", tmp_path)
    assert no_sockets == []
    assert result["pdf_header"] == "%PDF-"
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")


def test_no_library_probes_for_ipv6_with_a_socket() -> None:
    """urllib3 (imported by neurokit2 and spaCy) binds ::1 at import to learn whether IPv6
    works; after ``import workstation`` it is told there is none, so it opens nothing."""
    code = (
        "import socket, workstation, urllib3.util.connection as c; "
        "print(socket.has_ipv6, c.HAS_IPV6)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_matplotlib_writes_only_in_the_app_folder(tmp_path) -> None:
    """neurokit2 imports matplotlib, which writes a config and a font cache under HOME at
    import; the workstation points it at its own data folder."""
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = "import workstation, matplotlib.font_manager"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written and all(p.startswith(".local/share/clinician-workstation/") for p in written)
