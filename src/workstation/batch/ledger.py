"""What a batch has finished, so an interrupted run resumes without redoing it.

A record is finished when its result is written (analysed) or it was refused with a reason;
a failure is not finished, so the next run tries it again. Entries are keyed by the record's
SHA-256 and the analysis it received (the workstation's version and the models' sha256), so
a new release or model redoes the archive instead of trusting old answers. (The prediction
cache is stricter: it also keys on a digest of the analysis code, so a repeated analysis is
never served an answer computed by other code.) The ledger is a JSON-lines file: each
finished record is one line written with one ``write`` and flushed to disk before the next
record is counted, so the cost per record stays constant (a rewritten manifest would grow
with the archive) and a run killed at any moment leaves every earlier line intact. A last
line cut short by a kill or a power cut is not valid JSON and is ignored (the next line starts
on a line of its own, ``files.append_durably``): that record is simply redone.
Only hashes and a status are written, never a file or patient name.
"""

from __future__ import annotations

import json
from pathlib import Path

from workstation.vault.files import append_durably


class Ledger:
    """The finished records of one output (a folder, or a vault) for one analysis."""

    def __init__(self, path: Path, analysis: str) -> None:
        self.path = path
        self.analysis = analysis
        self._done: dict[str, str] = {}
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("analysis") == analysis:
                self._done[str(entry.get("sha256"))] = str(entry.get("status"))

    def is_done(self, sha256: str) -> bool:
        return sha256 in self._done

    def __len__(self) -> int:
        return len(self._done)

    def mark(self, sha256: str, status: str) -> None:
        """Record a finished record durably (after its result was written)."""
        entry = {"sha256": sha256, "analysis": self.analysis, "status": status}
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        append_durably(self.path, line.encode())
        self._done[sha256] = status
