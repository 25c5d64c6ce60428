"""Where the records are analysed: a process pool on this machine, or Dask.

Both engines take the same tasks and yield outcomes as they complete (not in submission
order), so the coordinator stores each result as soon as it exists and a run killed half-way
loses only what was in flight. The local engine opens no socket at all. The Dask engine
starts a ``LocalCluster`` bound to 127.0.0.1 (its scheduler and workers talk over loopback
TCP, nothing leaves the machine) or connects to a scheduler the hospital runs on its own
network (see the README's "Batch analysis").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass

from workstation.batch.jobs import Outcome, Task, analyse_record, single_threaded_environment
from workstation.errors import BatchError


@dataclass(frozen=True)
class EngineChoice:
    """``local`` or ``dask``; ``scheduler`` (tcp:// or tls://) only with ``dask``."""

    engine: str = "local"
    workers: int = 1
    scheduler: str | None = None

    def describe(self) -> str:
        if self.scheduler:
            return f"dask (scheduler {self.scheduler})"
        return f"{self.engine}, {self.workers} worker{'s' if self.workers != 1 else ''}"


def run_tasks(tasks: Sequence[Task], choice: EngineChoice) -> Iterator[Outcome]:
    """Outcomes of the tasks in the order they finish; closing the iterator stops the rest."""
    if not tasks:
        return
    if choice.engine == "dask":
        yield from _run_dask(tasks, choice)
    else:
        yield from _run_local(tasks, choice.workers)


@contextmanager
def _worker_environment() -> Iterator[None]:
    """Start worker processes with one native thread each, then restore this process's env."""
    saved = {k: os.environ.get(k) for k in single_threaded_environment()}
    os.environ.update(single_threaded_environment())
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_local(tasks: Sequence[Task], workers: int) -> Iterator[Outcome]:
    # spawn, not fork: the coordinator may hold an onnxruntime session and a vault connection,
    # neither of which may be shared with a forked child.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        with _worker_environment():  # the pool spawns its processes on the first submits
            futures = [pool.submit(analyse_record, task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()
    except BrokenProcessPool as error:
        raise BatchError(
            "A worker process stopped unexpectedly (the computer may be out of memory).",
            "Run the same command again: finished records are kept and not redone; use fewer "
            "--workers if it happens again.",
        ) from error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(tasks: Sequence[Task], choice: EngineChoice) -> Iterator[Outcome]:
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    if choice.scheduler:  # TLS settings come from distributed's own configuration
        client = Client(choice.scheduler)
    else:
        with _worker_environment():
            cluster = LocalCluster(
                n_workers=choice.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
        client = Client(cluster)
    try:
        futures = client.map(analyse_record, list(tasks), pure=False)
        for future in dask_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
