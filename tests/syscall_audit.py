"""Run a command under ``strace -f`` and read back what it did at the system-call level.

Two questions are answered from the kernel's side, where a library cannot hide anything:
did any process of the command open or connect an internet socket (AF_INET or AF_INET6, which
includes DNS look-ups), and which files did it create or open for writing. The command runs
in a network namespace without interfaces when the machine allows it (``unshare -rn``), so a
regression is caught by the trace without a single packet leaving the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

TRACED_CALLS = (
    "%network,open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,"
    "link,linkat,symlink,symlinkat"
)
INTERNET = re.compile(r"\b(socket\((AF|PF)_INET6?\b|sa_family=AF_INET6?\b)")
CALL = re.compile(r"^\d+\s+(?P<name>\w+)\((?P<args>.*)\)\s+=\s+(?P<result>-?\d+)(?P<rest>.*)$")
# A path argument, with the directory descriptor before it that strace -y decorates.
PATH_ARG = re.compile(r'(?:(?:AT_FDCWD|\d+)<([^>]*)>,\s*)?"((?:[^"\\]|\\.)*)"')
UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^(?P<pid>\d+)\s+<\.\.\. \w+ resumed>(?P<rest>.*)$")
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC")
# Where a process may write without that being a file of ours: devices and the kernel's views.
SYSTEM_SINKS = ("/dev/null", "/dev/tty", "/dev/pts/", "/proc/", "/sys/")


@dataclass(frozen=True)
class Trace:
    """What the traced command did that matters for the offline promise."""

    internet: list[str]  # the system-call lines that made or used an internet socket
    written: list[Path]  # every file or folder created, or opened for writing, successfully

    def written_outside(self, allowed: Iterable[Path]) -> list[Path]:
        """Written paths under none of ``allowed`` (creating an allowed folder's parents is
        fine) and not a device or kernel file."""
        roots = [Path(os.path.realpath(p)) for p in allowed]
        return [
            path
            for path in self.written
            if not str(path).startswith(SYSTEM_SINKS)
            and not any(
                path == root or root in path.parents or path in root.parents for root in roots
            )  # fmt: skip
        ]


def namespace_works() -> bool:
    """Whether this machine lets us make a network namespace without interfaces."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


def traced_run(
    argv: Sequence[str],
    log: Path,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    stdin: str | None = None,
) -> tuple[subprocess.CompletedProcess, Trace]:
    """Run ``argv`` under strace (in a network namespace when possible); parse the log."""
    strace = ["strace", "-f", "-qq", "-y", "-s", "4096", "-e", "signal=none"]
    command = [*strace, "-e", f"trace={TRACED_CALLS}", "-o", str(log), *argv]
    if namespace_works():
        command = ["unshare", "-rn", *command]
    done = subprocess.run(
        command, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout
    )
    return done, parse(log.read_text(errors="replace"), cwd)


def parse(text: str, cwd: Path) -> Trace:
    internet, written = [], []
    for line in joined_calls(text):
        if INTERNET.search(line):
            internet.append(line)
        call = CALL.match(line)
        if call is None or int(call["result"]) < 0:
            continue
        path = _written_path(call, cwd)
        if path is not None:
            written.append(path)
    return Trace(internet, written)


def joined_calls(text: str) -> list[str]:
    """One line per system call: strace -f splits a call another thread interrupted into
    ``... <unfinished ...>`` and ``<... name resumed> ...``; they are joined back here."""
    pending: dict[str, str] = {}
    calls = []
    for line in text.splitlines():
        if line.endswith(UNFINISHED):
            pid, _, start = line.partition(" ")
            pending[pid] = start.removesuffix(UNFINISHED).strip()
            continue
        resumed = RESUMED.match(line)
        if resumed:
            line = f"{resumed['pid']} {pending.pop(resumed['pid'], '')}{resumed['rest']}"
        calls.append(line)
    return calls + [f"{pid} {start}" for pid, start in pending.items()]


def _written_path(call: re.Match, cwd: Path) -> Path | None:
    """The file a successful call created or opened for writing, as an absolute path."""
    name, args = call["name"], call["args"]
    paths = PATH_ARG.findall(args)
    if name in ("open", "openat", "creat"):
        if name != "creat" and not any(flag in args for flag in WRITE_FLAGS):
            return None
        opened = re.match(r"<(?P<path>[^>]*)>", call["rest"].strip())
        if opened:  # strace -y names the file the new descriptor refers to
            return Path(opened["path"])
        return _resolve(paths[0], cwd)
    if name in ("mkdir", "mkdirat"):
        return _resolve(paths[0], cwd)
    if name.startswith(("rename", "link", "symlink")):
        return _resolve(paths[-1], cwd)  # the new name
    return None


def _resolve(path_arg: tuple[str, str], cwd: Path) -> Path:
    """A path argument made absolute against its directory descriptor, else the cwd."""
    directory, path = path_arg
    return Path(os.path.normpath(Path(directory or cwd) / path))
