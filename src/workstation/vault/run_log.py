"""How analyses and batch jobs ran: timings, device, cache hits, throughput.

The performance panel reads these rows; nothing clinical is in them (no patient, no result),
only which models ran, on which device, how long it took and whether the prediction cache
answered. They live in the vault because that is the one place the workstation writes, and
in tables of their own created on first use, apart from the clinical migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from workstation.vault.driver import sqlite_utils

if TYPE_CHECKING:
    from workstation.vault.vault import Vault

_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS model_runs(
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        models TEXT NOT NULL,
        provider TEXT NOT NULL,
        ms REAL NOT NULL,
        cache_hit INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS batch_jobs(
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        engine TEXT NOT NULL,
        workers INTEGER NOT NULL,
        records INTEGER NOT NULL,
        analysed INTEGER NOT NULL,
        cached INTEGER NOT NULL,
        refused INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        seconds REAL NOT NULL
    )
    """,
)


@dataclass(frozen=True)
class ModelRun:
    """One analysis: the models it ran (``name version`` joined by ' + '), the device, its
    duration and whether the cache served it (then ``ms`` is the time to fetch it)."""

    models: str
    provider: str
    ms: float
    cache_hit: bool


@dataclass(frozen=True)
class BatchJob:
    """One batch run as the coordinator finished it."""

    started: str
    engine: str
    workers: int
    records: int
    analysed: int
    cached: int
    refused: int
    failed: int
    seconds: float

    @property
    def records_per_s(self) -> float:
        done = self.analysed + self.cached + self.refused + self.failed
        return done / self.seconds if self.seconds > 0 else 0.0


def _ensure(db: sqlite_utils.Database) -> None:
    for sql in _TABLES:
        db.execute(sql)


def add_runs(vault: Vault, runs: list[ModelRun]) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with vault._writing() as store:
        _ensure(store.db)
        store.db["model_runs"].insert_all(
            {
                "time": now,
                "models": r.models,
                "provider": r.provider,
                "ms": r.ms,
                "cache_hit": int(r.cache_hit),
            }
            for r in runs
        )


def recent_runs(vault: Vault, limit: int = 5000) -> list[ModelRun]:
    with vault._writing() as store:
        _ensure(store.db)
        rows = store.db.execute(
            "SELECT models, provider, ms, cache_hit FROM model_runs ORDER BY id DESC LIMIT ?",
            [limit],
        ).fetchall()
    return [ModelRun(m, p, float(ms), bool(hit)) for m, p, ms, hit in rows]


def add_batch_job(vault: Vault, job: BatchJob) -> None:
    with vault._writing() as store:
        _ensure(store.db)
        store.db["batch_jobs"].insert(
            {
                "started": job.started,
                "engine": job.engine,
                "workers": job.workers,
                "records": job.records,
                "analysed": job.analysed,
                "cached": job.cached,
                "refused": job.refused,
                "failed": job.failed,
                "seconds": job.seconds,
            }
        )


def recent_batch_jobs(vault: Vault, limit: int = 10) -> list[BatchJob]:
    with vault._writing() as store:
        _ensure(store.db)
        rows = store.db.execute(
            "SELECT started, engine, workers, records, analysed, cached, refused, failed, "
            "seconds FROM batch_jobs ORDER BY id DESC LIMIT ?",
            [limit],
        ).fetchall()
    return [BatchJob(*row) for row in rows]
