"""The anchor file: the audit chain's head, recorded outside the database as it grows.

``<vault>.anchors`` holds one JSON line per event, appended (and fsync'ed) after each commit
that wrote clinical data, changed keys or accounts, signed someone in or out, verified or
backed up. Each line names the audit row id and its hash and is signed by the user who wrote
it, so a database rolled back to an older copy (or with its newest rows deleted, or rewritten
from some row on) no longer contains a line's row with that hash, and ``verify`` names it.

The first line pins the vault's trust roots: its id, the first administrator's public key,
the recovery key's two public keys and the first signed audit row. ``restore`` lines mark a
deliberate restore of a backup (older anchors are then checked only up to the restored head);
``rekey`` lines keep the database key sealed to the recovery key after a removal, so the
recovery key still opens the vault if the key file is lost.

What this file cannot do: it lies beside the database, so someone who can write the folder can
replace both with an older pair, or rewrite both from scratch. Copies kept elsewhere catch
that: the head printed in every report and backup manifest, and the lines exported with
``workstation vault export-anchor`` to the ward's own log server (``verify --anchor FILE``
compares against such a copy).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import VaultCorrupt
from workstation.vault.audit import ChainHead
from workstation.vault.files import append_durably, appended_lines, atomic_write
from workstation.vault.signing import Signer, verify

FORMAT = "workstation-vault-anchors"
VERSION = 1
#: anchor: a head; restore: a backup was put back deliberately (older anchors then apply up
#: to its head); rekey: the new database key sealed to the recovery key; recovery-key: the
#: recovery key's public keys, for a vault upgraded from an earlier program.
KINDS = ("anchor", "restore", "rekey", "recovery-key")


@dataclass(frozen=True, slots=True)
class Header:
    vault_id: str
    genesis_user: str
    genesis_key: str
    recovery_key: str
    recovery_box: str
    signed_from: int


@dataclass(frozen=True, slots=True)
class Anchor:
    """One line after the header; ``kind`` is one of ``KINDS``."""

    line: int
    kind: str
    seq: int
    head: str
    time: str
    by: str
    signature: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def signed_ok(self, vault_id: str, public_keys: list[str]) -> bool:
        message = _message(vault_id, self.kind, self.seq, self.head, self.time, self.by)
        return any(verify(key, self.signature, message) for key in public_keys)


@dataclass(frozen=True, slots=True)
class AnchorFile:
    header: Header | None
    anchors: list[Anchor]
    unreadable: list[int]


def _message(vault_id: str, kind: str, seq: int, head: str, time: str, by: str) -> bytes:
    text = json.dumps(["workstation-anchor/v1", vault_id, kind, seq, head, time, by])
    return text.encode("utf-8")


def _line(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, separators=(",", ":")) + "\n").encode("utf-8")


def start(path: Path, header: Header) -> None:
    """A new anchor file holding only its header (at creation and at the first signed row)."""
    atomic_write(
        path,
        _line(
            {
                "type": "header",
                "format": FORMAT,
                "version": VERSION,
                "vault_id": header.vault_id,
                "genesis_user": header.genesis_user,
                "genesis_key": header.genesis_key,
                "recovery_key": header.recovery_key,
                "recovery_box": header.recovery_box,
                "signed_from": header.signed_from,
            }
        ),
    )


def append(
    path: Path,
    vault_id: str,
    signer: Signer,
    head: ChainHead,
    time: str,
    kind: str = "anchor",
    **extra: Any,
) -> None:
    """One signed line; called after the commit whose head it records.

    Not fsync'ed for plain anchors (each would double a save's disk flushes): the commit
    before it is durable, so a power cut can only lose the newest lines, never put the file
    ahead of the database; a ``rekey`` line, which carries the recovery key's copy of the
    new database key, is fsync'ed.
    """
    signature = signer.sign(_message(vault_id, kind, head.rows, head.hash, time, signer.username))
    append_durably(
        path,
        _line(
            {
                "type": kind,
                "seq": head.rows,
                "head": head.hash,
                "time": time,
                "by": signer.username,
                "sig": signature,
                **extra,
            }
        ),
        sync=kind != "anchor",
    )


def _header(document: Mapping[str, Any]) -> Header:
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ValueError("not an anchor file of a known version")
    return Header(
        str(document["vault_id"]),
        str(document["genesis_user"]),
        str(document["genesis_key"]),
        str(document["recovery_key"]),
        str(document["recovery_box"]),
        int(document["signed_from"]),
    )


def read(path: Path) -> AnchorFile | None:
    """The file's lines (None when there is no file); bad lines are listed, not fatal."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise VaultCorrupt(
            f"The anchor file '{path}' cannot be read ({error.strerror})."
        ) from error
    header, anchors, unreadable = None, [], []
    for number, raw, cut in appended_lines(data):
        try:
            document = json.loads(raw)
            kind = document["type"]
            if number == 1 and kind == "header":
                header = _header(document)
                continue
            if kind not in KINDS:
                raise ValueError(kind)
            extra = {k: v for k, v in document.items() if k not in _FIELDS}
            anchors.append(
                Anchor(
                    number,
                    kind,
                    int(document["seq"]),
                    str(document["head"]),
                    str(document["time"]),
                    str(document["by"]),
                    str(document["sig"]),
                    extra,
                )
            )
        except (ValueError, KeyError, TypeError):
            # A line a killed writer (or one still writing) left unfinished was never a
            # line; someone who can write the file can delete whole lines anyway (the
            # module's "what this file cannot do"), so skipping a cut one gives nothing away.
            if not (cut and number > 1):
                unreadable.append(number)
    return AnchorFile(header, anchors, unreadable)


_FIELDS = frozenset({"type", "seq", "head", "time", "by", "sig"})


def latest_recovery_box(path: Path) -> Mapping[str, str] | None:
    """The newest database key sealed to the recovery key, from the last ``rekey`` line."""
    contents = read(path)
    if contents is None:
        return None
    boxes = [a.extra.get("recovery_box") for a in contents.anchors if a.kind == "rekey"]
    boxes = [b for b in boxes if isinstance(b, dict)]
    return None if not boxes else {k: str(v) for k, v in boxes[-1].items()}
