"""Encrypted backups: written with ``sqlcipher_export``, verified before they count.

A backup is ``NAME`` (the database, encrypted with the same key, so the recovery key opens it
too), ``NAME.keys`` (a copy of the key slots, so the same passwords open it), ``NAME.anchors``
(a copy of the anchor file) and ``NAME.manifest.json`` (the audit head the backup ends at, to
print or file away: it proves later which state the backup held). The
export reads one consistent snapshot of the live database, even while other programs write,
into a hidden ``.NAME.partial`` beside the destination; only after the copy opens with the
key, passes the page checks and the audit chain, contains at least the rows the vault had when
the backup began, and is refused by plain ``sqlite3`` (so it really is encrypted) is it renamed
to its final name. A backup is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from workstation.errors import VaultCorrupt, VaultExists
from workstation.vault import anchors, audit, schema, settings
from workstation.vault.accounts import Role
from workstation.vault.connection import (
    DEFAULT_BUSY_TIMEOUT_S,
    close,
    open_keyed,
    translate_errors,
)
from workstation.vault.driver import sqlite_utils
from workstation.vault.files import (
    atomic_write,
    create_private,
    ensure_private_dir,
    fsync_dir,
    make_private,
)
from workstation.vault.integrity import check_pages, refused_by_plain_sqlite
from workstation.vault.location import VaultPaths
from workstation.vault.store import Store


@dataclass(frozen=True, slots=True)
class BackupInfo:
    database: Path
    key_file: Path
    audit_rows: int
    audit_head: str
    manifest: Path | None = None


MANIFEST_FORMAT = "workstation-vault-backup-manifest"


def manifest_path(database: Path) -> Path:
    return database.with_name(database.name + ".manifest.json")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_backup_database(path: Path, key: bytes, min_audit_rows: int = 0) -> audit.ChainHead:
    """Everything a backup must pass before it is trusted; VaultCorrupt says what failed."""
    if not refused_by_plain_sqlite(path):
        raise VaultCorrupt(f"The backup '{path}' is not encrypted.")
    db = open_keyed(path, key, read_only=True)
    try:
        with translate_errors(DEFAULT_BUSY_TIMEOUT_S):
            head = audit.verify_chain(db)
            check_pages(db)
    finally:
        close(db)
    if head.rows < min_audit_rows:
        raise VaultCorrupt(
            f"The backup '{path}' holds {head.rows} audit rows, fewer than the {min_audit_rows} "
            "the vault had when the backup started."
        )
    return head


def account_role(path: Path, key: bytes, username: str) -> Role | None:
    """The role of an active account in a backup, or None: checked before anything is replaced."""
    db = open_keyed(path, key, read_only=True)
    try:
        with translate_errors(DEFAULT_BUSY_TIMEOUT_S):
            user = Store(db).user(username)
    finally:
        close(db)
    return None if user is None else user.role


def write_backup(
    db: sqlite_utils.Database,
    key: bytes,
    vault: VaultPaths,
    destination: Path,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    *,
    written_by: str = "",
    written_at: str = "",
) -> BackupInfo:
    """Export, verify, then publish the database, its key file, anchor file and manifest."""
    target = VaultPaths(destination)
    manifest = manifest_path(target.database)
    for existing in (target.database, target.key_file, target.anchor_file, manifest):
        if existing.exists():
            raise VaultExists(
                existing, "Choose a new backup file name; backups are never overwritten."
            )
    ensure_private_dir(target.database.parent)
    partial = target.database.with_name(f".{target.database.name}.partial")
    rows_before = int(db.execute("SELECT count(*) FROM audit").fetchone()[0])
    try:
        partial.unlink(missing_ok=True)
        create_private(partial)
        with translate_errors(busy_timeout_s):
            db.execute("ATTACH DATABASE ? AS backup KEY ?", [str(partial), f"x'{key.hex()}'"])
            try:
                db.execute("SELECT sqlcipher_export('backup')")
                db.execute(f"PRAGMA backup.user_version = {schema.current_version(db)}")
            finally:
                db.execute("DETACH DATABASE backup")
        _fsync_file(partial)
        head = check_backup_database(partial, key, rows_before)
        os.replace(partial, target.database)
        fsync_dir(target.database.parent)
        atomic_write(target.key_file, vault.key_file.read_bytes())
        if vault.anchor_file.exists():
            atomic_write(target.anchor_file, vault.anchor_file.read_bytes())
        document = {
            "format": MANIFEST_FORMAT,
            "vault_id": settings.get(db, settings.VAULT_ID),
            "audit_rows": head.rows,
            "audit_head": head.hash,
            "written_by": written_by,
            "written_at": written_at,
        }
        atomic_write(manifest, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(target.database, target.key_file, head.rows, head.hash, manifest)


def anchors_of_vault(path: Path, vault_id: str) -> bytes | None:
    """The live anchor file's bytes when it belongs to ``vault_id`` (kept across a restore)."""
    contents = anchors.read(path)
    if contents is None or contents.header is None or contents.header.vault_id != vault_id:
        return None
    return path.read_bytes()


def set_aside(paths: VaultPaths) -> Path:
    """Move a vault's files into a dated folder beside it (a restore never deletes data)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = paths.database.with_name(f"{paths.database.name}.replaced-{stamp}")
    ensure_private_dir(folder)
    for path in paths.all_files():
        if path.exists():
            os.replace(path, folder / path.name)
    fsync_dir(paths.database.parent)
    return folder


def install_backup(backup: VaultPaths, target: VaultPaths, live_anchors: bytes | None) -> None:
    """Copy a checked backup into place: database through a temp name, then the key file,
    then the anchor file: the vault's own (``live_anchors``) when it had one, else the
    backup's copy."""
    ensure_private_dir(target.database.parent)
    partial = target.database.with_name(f".{target.database.name}.restoring")
    try:
        shutil.copyfile(backup.database, partial)
        make_private(partial)
        _fsync_file(partial)
        os.replace(partial, target.database)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_dir(target.database.parent)
    atomic_write(target.key_file, backup.key_file.read_bytes())
    if live_anchors is not None:
        atomic_write(target.anchor_file, live_anchors)
    elif backup.anchor_file.exists():
        atomic_write(target.anchor_file, backup.anchor_file.read_bytes())
