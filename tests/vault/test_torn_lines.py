"""A line cut short by a killed writer does not spoil the lines written after it.

Linux stops a ``write`` at a page boundary once the writer has a fatal signal pending, so a
SIGKILL can leave the first part of an anchor, failure-log or batch-ledger line without its
newline. The next append used to run on from that fragment, and one unreadable anchor line
made every later ``verify`` report the file as edited (the crash test saw it under load).
These tests leave such a fragment exactly as the kernel does, then carry on through the
real code paths.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from conftest import ADMIN, ADMIN_PASSWORD
from vault_helpers import SleepRecorder, synthetic_recording

from workstation.batch.ledger import Ledger
from workstation.vault import anchors
from workstation.vault.files import append_durably, appended_lines
from workstation.vault.vault import Vault


def _cut_short(path: Path, line: bytes, keep: int | None = None) -> None:
    """What a killed ``write`` of ``line`` leaves: its first ``keep`` bytes (half of it by
    default), no newline."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, line[: len(line) // 2 if keep is None else keep])
    finally:
        os.close(fd)


def test_the_next_line_starts_on_a_line_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    append_durably(path, b'{"n":1}\n')
    _cut_short(path, b'{"n":2,"padding":"xxxxxxxx"}\n')
    append_durably(path, b'{"n":3}\n')
    lines = path.read_bytes().splitlines()
    assert [json.loads(x)["n"] for x in (lines[0], lines[3])] == [1, 3]
    assert lines[1].startswith(b'{"n":2') and lines[2] == b"", "the fragment, then the mark"
    assert [cut for _, _, cut in appended_lines(path.read_bytes())] == [False, True, True, False]


def test_a_torn_anchor_line_does_not_make_verify_report_an_edit(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    vault, _ = new_vault()
    patient = vault.add_patient("T-1", "Torn Line")
    vault.save_session(patient.id, synthetic_recording(1, channels=1, samples=64))
    anchor_file = vault.paths.anchor_file
    last = anchor_file.read_bytes().splitlines(keepends=True)[-1]
    vault.close()
    _cut_short(anchor_file, last)

    reopened = Vault(vault_path, sleep=SleepRecorder())
    reopened.unlock(ADMIN, ADMIN_PASSWORD)
    reopened.save_session(patient.id, synthetic_recording(2, channels=1, samples=64))
    report = reopened.verify()
    assert report.anchors_checked > 0
    contents = anchors.read(anchor_file)
    assert contents is not None and contents.unreadable == []
    reopened.close()


def test_a_ledger_line_cut_short_is_redone_and_the_next_one_kept(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, "v1")
    ledger.mark("a" * 64, "analysed")
    _cut_short(path, b'{"sha256":"' + b"b" * 64 + b'","analysis":"v1","status":"analysed"}\n')
    resumed = Ledger(path, "v1")
    assert resumed.is_done("a" * 64) and not resumed.is_done("b" * 64)
    resumed.mark("c" * 64, "analysed")
    assert Ledger(path, "v1").is_done("c" * 64)


def test_a_line_cut_right_after_an_inner_brace_is_skipped(
    new_vault: Callable[..., tuple[Vault, str]], vault_path: Path
) -> None:
    """A rekey line holds a nested object: cut right after its inner '}' it ends as a JSON
    object does, so the cut is known by the blank line the next append puts after it."""
    vault, _ = new_vault()
    anchor_file = vault.paths.anchor_file
    vault.close()
    whole = b'{"type":"rekey","seq":9,"recovery_box":{"sealed":"aa"},"sig":"00"}\n'
    _cut_short(anchor_file, whole, keep=whole.index(b"}") + 1)
    *_, (_, line, cut) = appended_lines(anchor_file.read_bytes())
    assert cut and line.endswith(b"}")

    reopened = Vault(vault_path, sleep=SleepRecorder())
    reopened.unlock(ADMIN, ADMIN_PASSWORD)
    reopened.verify()
    contents = anchors.read(anchor_file)
    assert contents is not None and contents.unreadable == []
    reopened.close()


def test_an_edited_line_that_does_not_parse_is_still_unreadable() -> None:
    whole = b'{"n":1}\n{"n":2,"edited":}\n{"n":3}\n'
    assert [cut for _, _, cut in appended_lines(whole)] == [False, False, False]
