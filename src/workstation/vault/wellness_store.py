"""Wellness observations: derived features only, in tables of their own, deletable by the
vault's retention setting, every write, read and deletion audited.

Why not the ``analyses`` table: analyses are covered by the audit's content hashes, so a
retention deletion there would read as tampering to ``vault verify``. These tables are
created on first use (``CREATE TABLE IF NOT EXISTS``), as ``note_entities.py`` does, and go
through the vault's own transaction and audit helpers; audit rows name observations by id
(``wellness:<id>``) and patients by id, never by content. Raw media is written only when a
session explicitly asks for it, into ``wellness_raw_media``, and goes with its observation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workstation.vault import settings
from workstation.vault.audit import Action

if TYPE_CHECKING:
    from workstation.vault.store import Store
    from workstation.vault.vault import Vault

RETENTION_KEY = "wellness_retention_days"
DEFAULT_RETENTION_DAYS = 365

_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS wellness_observations (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients(id),
        kind TEXT NOT NULL,
        results_json TEXT NOT NULL,
        features_json TEXT NOT NULL,
        raw_media_kept INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT
    """,
    """
    CREATE TABLE IF NOT EXISTS wellness_raw_media (
        observation_id INTEGER NOT NULL REFERENCES wellness_observations(id),
        name TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (observation_id, name)
    ) STRICT
    """,
)


@dataclass(frozen=True, slots=True)
class StoredObservation:
    id: int
    patient_id: int
    kind: str
    results_json: str
    features_json: str
    raw_media_kept: bool
    created_by: str
    created_at: str


def _ensure(store: Store) -> None:
    for sql in _TABLES:
        store.db.execute(sql)


def save_observation(
    vault: Vault,
    patient_id: int,
    kind: str,
    results_json: str,
    features_json: str,
    raw_media: dict[str, bytes] | None = None,
) -> int:
    """Store one observation (and raw media only when given) with its audit row."""
    with vault._writing() as store:
        _ensure(store)
        if store.db.execute("SELECT 1 FROM patients WHERE id = ?", [patient_id]).fetchone() is None:
            raise LookupError(f"patient {patient_id}")
        cursor = store.db.execute(
            "INSERT INTO wellness_observations (patient_id, kind, results_json, features_json,"
            " raw_media_kept, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                patient_id,
                kind,
                results_json,
                features_json,
                int(bool(raw_media)),
                vault.user.username,
                vault._now(),
            ],
        )
        observation_id = int(cursor.lastrowid)
        for name, data in (raw_media or {}).items():
            store.db.execute(
                "INSERT INTO wellness_raw_media VALUES (?, ?, ?)", [observation_id, name, data]
            )
        kept = f"; raw media kept as asked: {len(raw_media)} file(s)" if raw_media else ""
        vault._audit(
            store,
            Action.ANALYSIS,
            f"wellness:{observation_id}",
            detail=f"{kind} for patient:{patient_id}; derived features only{kept}",
        )
    return observation_id


def list_observations(vault: Vault, patient_id: int) -> list[StoredObservation]:
    """A patient's observations, oldest first; the read is audited first."""
    with vault._mutex:
        with vault._writing() as store:
            _ensure(store)
            vault._audit(
                store, Action.LIST, f"patient:{patient_id}", detail="wellness observations"
            )
        with vault._reading() as store:
            rows = store.db.execute(
                "SELECT * FROM wellness_observations WHERE patient_id = ? ORDER BY created_at, id",
                [patient_id],
            ).fetchall()
    return [StoredObservation(*row[:5], bool(row[5]), *row[6:]) for row in rows]


def raw_media_names(vault: Vault, observation_id: int) -> list[str]:
    with vault._mutex:
        with vault._writing() as store:
            _ensure(store)
            vault._audit(store, Action.OPEN, f"wellness:{observation_id}", detail="raw media list")
        with vault._reading() as store:
            rows = store.db.execute(
                "SELECT name FROM wellness_raw_media WHERE observation_id = ? ORDER BY name",
                [observation_id],
            ).fetchall()
    return [r[0] for r in rows]


def retention_days(vault: Vault) -> int:
    with vault._reading() as store:
        value = settings.get(store.db, RETENTION_KEY)
    return DEFAULT_RETENTION_DAYS if value is None else int(value)


def set_retention_days(vault: Vault, days: int) -> None:
    """Per-vault setting, administrators only, audited; takes effect at the next
    enforcement (sign-in)."""
    target = f"setting:{RETENTION_KEY}"
    vault._require_admin("change how long wellness data is kept", Action.EDIT, target)
    with vault._writing() as store:
        settings.put(store.db, RETENTION_KEY, str(int(days)))
        vault._audit(store, Action.EDIT, target, detail=f"{int(days)} days")


def enforce_retention(vault: Vault, now: datetime) -> list[int]:
    """Delete observations (and their raw media) older than the retention; one audit row
    per run naming the ids deleted, written in the same transaction as the deletion."""
    days = retention_days(vault)
    cutoff = (now - timedelta(days=days)).isoformat(timespec="microseconds")
    with vault._writing() as store:
        _ensure(store)
        ids = [
            r[0]
            for r in store.db.execute(
                "SELECT id FROM wellness_observations WHERE created_at < ? ORDER BY id", [cutoff]
            ).fetchall()
        ]
        if ids:
            marks = ",".join("?" * len(ids))
            store.db.execute(
                f"DELETE FROM wellness_raw_media WHERE observation_id IN ({marks})", ids
            )
            store.db.execute(f"DELETE FROM wellness_observations WHERE id IN ({marks})", ids)
        vault._audit(
            store,
            Action.CLEANUP,
            "wellness",
            detail=f"retention {days} days: deleted {len(ids)} observation(s)"
            + (f" ({', '.join(f'wellness:{i}' for i in ids)})" if ids else ""),
        )
    return ids
