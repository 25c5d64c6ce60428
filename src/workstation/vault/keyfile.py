"""Changing the key file and the database together, so a crash cannot split them.

A change of accounts or passwords touches two places: the key file (who can open the vault)
and the database (the audit row saying who changed it). Neither a rename before the commit
(the key changes without its audit row if the program dies in between) nor after it (the
audit row names a change the key file does not hold) is safe alone. So:

1. inside the write transaction, the new key file is written in full and fsync'ed as
   ``<vault>.keys.pending``, and its SHA-256 is stored in the database with the audit row;
2. the transaction commits (now the change has happened, and is audited);
3. a removal re-encrypts the database with its new key (``PRAGMA rekey``);
4. the pending file is renamed over the key file.

At the next sign-in (``settle``) a pending file whose hash the database holds is completed
(including a rekey the crash interrupted), and one it does not hold is deleted: both are
audited. Until then the sign-in also tries the pending file's slot, so a password changed just
before a crash works at once.

Leftover temporary files beside the vault (an interrupted ``atomic_write``, a backup's
``.partial``, a restore's ``.restoring``) are deleted at sign-in and counted in the audit.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from workstation.vault import settings
from workstation.vault.driver import sqlite_utils
from workstation.vault.files import atomic_write, fsync_dir
from workstation.vault.keyslots import KeySlotFile
from workstation.vault.location import VaultPaths

PENDING_SETTING = "pending_key_file_sha256"
#: Temporary files not written under the database lock are left alone this long, in case
#: another program on the same vault is still writing them.
UNLOCKED_LEFTOVER_AGE_S = 60.0


def pending_path(paths: VaultPaths) -> Path:
    return paths.key_file.with_name(paths.key_file.name + ".pending")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stage(paths: VaultPaths, slots: KeySlotFile, db: sqlite_utils.Database) -> None:
    """Step 1, inside the write transaction that audits the change."""
    data = slots.to_bytes()
    atomic_write(pending_path(paths), data)
    settings.put(db, PENDING_SETTING, _sha256(data))


def publish(paths: VaultPaths) -> None:
    """Step 4, after the commit (and the rekey)."""
    os.replace(pending_path(paths), paths.key_file)
    fsync_dir(paths.key_file.parent)


def load_pending(paths: VaultPaths) -> KeySlotFile | None:
    path = pending_path(paths)
    try:
        return KeySlotFile.from_bytes(path.read_bytes())
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a torn or foreign file: settle() removes it


def committed(paths: VaultPaths, db: sqlite_utils.Database) -> bool | None:
    """Whether the pending file is the one the database recorded; None when there is none."""
    try:
        data = pending_path(paths).read_bytes()
    except FileNotFoundError:
        return None
    return settings.get(db, PENDING_SETTING) == _sha256(data)


def discard(paths: VaultPaths) -> None:
    pending_path(paths).unlink(missing_ok=True)


def _leftovers(paths: VaultPaths) -> list[Path]:
    folder, name = paths.database.parent, paths.database.name
    under_lock = list(folder.glob(f".{name}.keys*.tmp")) + list(
        folder.glob(f".{name}.anchors*.tmp")
    )
    unlocked = [
        *folder.glob(f".{name}.failures*.tmp"),
        *folder.glob(f".{name}.restoring"),
        *folder.glob(".*.partial"),
    ]
    now = time.time()
    old = []
    for path in unlocked:
        try:
            if now - path.stat().st_mtime > UNLOCKED_LEFTOVER_AGE_S:
                old.append(path)
        except FileNotFoundError:
            continue
    return under_lock + old


def remove_leftovers(paths: VaultPaths) -> list[str]:
    """Delete what interrupted writes left beside the vault; the names, for the audit."""
    removed = []
    for path in _leftovers(paths):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.name)
    return removed
