"""``workstation vault …`` through the handlers that ``add_parser`` registers."""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from vault_helpers import raw_connection

from workstation.vault import audit
from workstation.vault.cli import add_parser
from workstation.vault.location import ENV_VAR

FAST = ["--argon2-memory-kib", "8", "--argon2-time-cost", "1", "--argon2-parallelism", "1"]


class Cli:
    """Runs one command line in-process with the given lines on standard input."""

    def __init__(
        self, vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.vault = vault
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.parser = argparse.ArgumentParser(prog="workstation")
        add_parser(self.parser.add_subparsers(dest="command", required=True))

    def __call__(self, *argv: str, stdin: tuple[str, ...] = ()) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{s}\n" for s in stdin)))
        args = self.parser.parse_args(
            ["vault", *argv, "--vault", str(self.vault), "--password-stdin"]
        )
        code = args.func(args)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "ward" / "vault.db", monkeypatch, capsys)


def test_administrator_workflow(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("init", "--admin", "root", *FAST, stdin=("root password 1",))
    assert code == 0
    recovery_key = re.search(r"RECOVERY KEY.*\n\s+(\S+)", out).group(1)
    assert len(recovery_key.replace("-", "")) == 55

    assert (
        cli("adduser", "nina", "--admin", "root", stdin=("root password 1", "nina password 1"))[0]
        == 0
    )
    assert (
        cli(
            "adduser",
            "olaf",
            "--role",
            "administrator",
            "--admin",
            "root",
            stdin=("root password 1", "olaf password 1"),
        )[0]
        == 0
    )
    code, out, _ = cli("users", "--admin", "root", stdin=("root password 1",))
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        ["nina", "clinician"],
        ["olaf", "administrator"],
        ["root", "administrator"],
    ]

    code, _, err = cli(
        "adduser", "piet", "--admin", "nina", stdin=("nina password 1", "piet password 1")
    )
    assert code == 1 and "not allowed to add users" in err

    assert cli("passwd", "nina", stdin=("nina password 1", "nina password 2"))[0] == 0
    assert (
        cli("passwd", "nina", "--admin", "olaf", stdin=("olaf password 1", "nina password 3"))[0]
        == 0
    )
    code, out, _ = cli("verify", "--user", "nina", stdin=("nina password 3",))
    assert code == 0 and "intact" in out

    backup = tmp_path / "usb" / "ward.db"
    code, out, _ = cli("backup", str(backup), "--admin", "root", stdin=("root password 1",))
    assert code == 0 and "verified" in out and backup.exists()

    assert cli("deluser", "nina", "--admin", "root", stdin=("root password 1",))[0] == 0
    code, _, err = cli("verify", "--user", "nina", stdin=("nina password 3",))
    assert code == 1 and "username or password is wrong" in err

    code, _, err = cli("restore", str(backup), "--admin", "root", stdin=("root password 1",))
    assert code == 1 and "--force" in err
    assert (
        cli("restore", str(backup), "--admin", "root", "--force", stdin=("root password 1",))[0]
        == 0
    )
    assert cli("verify", "--user", "nina", stdin=("nina password 3",))[0] == 0

    cli.vault.with_name("vault.db.keys").unlink()
    code, _, err = cli("verify", "--user", "root", stdin=("root password 1",))
    assert code == 1 and "vault recover" in err
    assert (
        cli("recover", "--admin", "root", stdin=(recovery_key.lower(), "root password 2"))[0] == 0
    )
    assert cli("verify", "--user", "root", stdin=("root password 2",))[0] == 0


def test_errors_are_messages_not_tracebacks(cli: Cli) -> None:
    code, _, err = cli("verify", "--user", "root", stdin=("x",))
    assert code == 1 and err.startswith("error: There is no vault") and "vault init" in err
    assert cli("init", "--admin", "root", *FAST, stdin=("root password 1",))[0] == 0
    code, _, err = cli("init", "--admin", "root", *FAST, stdin=("root password 1",))
    assert code == 1 and "already exists" in err
    code, _, err = cli("adduser", "zed", "--admin", "root", stdin=("root password 1",))
    assert code == 1 and "Standard input ended" in err


def test_runs_as_a_module_with_the_environment_variable(tmp_path: Path) -> None:
    location = tmp_path / "env" / "vault.db"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation.vault.cli",
            "vault",
            "init",
            "--admin",
            "root",
            "--password-stdin",
            *FAST,
        ],
        input="root password 1\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, ENV_VAR: str(location)},
    )
    assert completed.returncode == 0, completed.stderr
    assert location.exists() and str(location) in completed.stdout


def test_verify_command_names_the_first_broken_row(cli: Cli) -> None:
    code, out, _ = cli("init", "--admin", "root", *FAST, stdin=("root password 1",))
    recovery_key = re.search(r"RECOVERY KEY.*\n\s+(\S+)", out).group(1)
    passwords = ("root password 1", "nina pass 12")
    code, _, _ = cli("adduser", "nina", "--admin", "root", stdin=passwords)
    assert code == 0
    conn = raw_connection(cli.vault, recovery_key)
    for trigger in audit.TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("UPDATE audit SET username = 'someone' WHERE id = 3")
    conn.close()

    code, out, err = cli("verify", "--user", "nina", stdin=("nina pass 12",))
    assert code == 1 and out == ""
    assert err.startswith("error: Audit row 3 was altered") and "restore" in err


def test_exported_anchor_is_checked_by_verify(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", "--admin", "root", *FAST, stdin=("root password 1",))[0] == 0
    (tmp_path / "log-server").mkdir()
    exported = tmp_path / "log-server" / "anchor.json"
    code, out, _ = cli("export-anchor", str(exported), "--user", "root", stdin=("root password 1",))
    assert code == 0 and "Anchor written" in out
    assert exported.stat().st_mode & 0o077 == 0
    code, out, _ = cli(
        "verify", "--user", "root", "--anchor", str(exported), stdin=("root password 1",)
    )
    assert code == 0 and "exported anchor" in out

    code, _, err = cli(
        "verify",
        "--user",
        "root",
        "--anchor",
        str(tmp_path / "nothing.json"),
        stdin=("root password 1",),
    )
    assert code == 1 and "cannot be read" in err
