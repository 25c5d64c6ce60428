"""The prediction cache: an analysis result kept in the vault under the hash of what made it.

A result may be reused only when everything that decides it is the same: the input's bytes,
the model files' bytes, the analysis code and its parameters. The key is the SHA-256 of those
four, so a retrained or swapped model (another sha256) or a new engine version simply misses;
nothing has to be invalidated by hand. Results are patient data derived from a recording, so
they live inside the encrypted vault, in a table of their own created on first use (the
vault's migrations belong to the clinical schema; this table is a cache that can be emptied
at any time without losing anything a clinician saved). Cache rows are not audited: the
clinical writes a cached result leads to (a session, an analysis) are.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from workstation.vault import arrays
from workstation.vault.driver import sqlite_utils

if TYPE_CHECKING:
    from workstation.vault.vault import Vault

_TABLE = """
CREATE TABLE IF NOT EXISTS prediction_cache(
    key TEXT PRIMARY KEY,
    input_sha256 TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    params_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    array_dtype TEXT,
    array_shape TEXT,
    array_data BLOB,
    created TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class CacheKey:
    """What decides an analysis result; ``digest`` is the table's primary key."""

    input_sha256: str
    model_sha256: str
    engine_version: str
    params: dict[str, Any]

    @property
    def params_json(self) -> str:
        return json.dumps(self.params, sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        parts = (self.input_sha256, self.model_sha256, self.engine_version, self.params_json)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True, eq=False)
class CachedResult:
    """A stored result: its JSON and the one array that goes with it (or None)."""

    result: dict[str, Any]
    array: np.ndarray | None
    created: str


def ensure_table(db: sqlite_utils.Database) -> None:
    db.execute(_TABLE)


def lookup(vault: Vault, key: CacheKey) -> CachedResult | None:
    """The cached result for the key, counting the hit; None on a miss."""
    with vault._writing() as store:
        ensure_table(store.db)
        row = store.db.execute(
            "SELECT result_json, array_dtype, array_shape, array_data, created "
            "FROM prediction_cache WHERE key = ?",
            [key.digest],
        ).fetchone()
        if row is None:
            return None
        store.db.execute("UPDATE prediction_cache SET hits = hits + 1 WHERE key = ?", [key.digest])
    result_json, dtype, shape, data, created = row
    array = None if data is None else arrays.decode(dtype, shape, data)
    return CachedResult(json.loads(result_json), array, created)


def put(vault: Vault, key: CacheKey, result: dict[str, Any], array: np.ndarray | None) -> None:
    """Keep a result under its key (a second put of the same key replaces it)."""
    dtype, shape, data = (None, None, None) if array is None else arrays.encode(array)
    row = {
        "key": key.digest,
        "input_sha256": key.input_sha256,
        "model_sha256": key.model_sha256,
        "engine_version": key.engine_version,
        "params_json": key.params_json,
        "result_json": json.dumps(result, separators=(",", ":")),
        "array_dtype": dtype,
        "array_shape": shape,
        "array_data": data,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "hits": 0,
    }
    with vault._writing() as store:
        ensure_table(store.db)
        store.db["prediction_cache"].upsert(row, pk="key")
