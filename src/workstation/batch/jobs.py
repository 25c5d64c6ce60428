"""The worker's function: one record's path in, a typed outcome out, and no vault anywhere.

It runs in another process (a local pool or a Dask worker, possibly on another machine), so
it receives only what it needs to read the file and returns everything the coordinator needs
to store it. It never sees the vault key: the coordinating process, which holds the unlocked
vault, writes results. The analysis is the import's own (``app.sessions.ecg_explained``), so a
session stored by a batch is the one an import of the same file would store.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.errors import NotMeasurable, RecordingError, WorkstationError
from workstation.recording import Modality

if TYPE_CHECKING:
    import numpy as np

    from workstation.app.ecg_result import StoredEcg

#: Native thread pools each worker may start: one, so that N workers use N cores.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Task:
    """What a worker receives: where the record is and what to send back."""

    name: str
    path: Path
    sha256: str


@dataclass(frozen=True, eq=False)
class Analysed:
    """An ECG analysed as import analyses it, and how long the analysis took (reading
    excluded)."""

    name: str
    sha256: str
    result: StoredEcg
    attribution: np.ndarray  # leads × samples at the model rate
    ms: float


@dataclass(frozen=True)
class Refused:
    """The record was not analysed, for a reason a clinician can act on."""

    name: str
    sha256: str
    reason: str


@dataclass(frozen=True)
class Failed:
    """The analysis stopped on a problem nobody foresaw; the record is tried again next run."""

    name: str
    sha256: str
    reason: str


Outcome = Analysed | Refused | Failed

_threads_limited = False


def single_threaded_environment() -> dict[str, str]:
    """The environment variables that keep a worker process to one native thread each (set
    before the process starts, so NumPy's BLAS reads them)."""
    return dict.fromkeys(THREAD_VARIABLES, "1")


def limit_threads() -> None:
    """One native thread in this process's pools (BLAS, OpenMP), whatever started it."""
    global _threads_limited
    if not _threads_limited:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        os.environ.update(single_threaded_environment())
        _threads_limited = True


def analyse_record(task: Task) -> Outcome:
    """Read and analyse one record; never raises for a bad record (it is refused instead)."""
    limit_threads()
    from workstation.app.progress import Progress
    from workstation.app.sessions import ecg_explained
    from workstation.io import read_recording

    try:
        recording = read_recording(task.path)
    except RecordingError as error:
        return Refused(task.name, task.sha256, str(error))
    if recording.source_sha256 != task.sha256:
        return Refused(task.name, task.sha256, changed_while_running(task.name))
    if recording.modality != Modality.ECG:
        return Refused(
            task.name,
            task.sha256,
            f"'{task.name}' is a {recording.modality} recording: batch analysis covers ECG. "
            "Import it in the app to review it.",
        )
    started = time.perf_counter()
    try:
        result, attribution = ecg_explained(recording, Progress())
    except NotMeasurable as error:
        return Refused(task.name, task.sha256, f"'{task.name}': {error}")
    except WorkstationError as error:
        return Failed(task.name, task.sha256, f"'{task.name}': {error}")
    except Exception:  # a bug must not stop the other records; the record is retried next run
        return Failed(
            task.name,
            task.sha256,
            f"'{task.name}': the analysis stopped on an unexpected problem. Import the file "
            "on its own to see whether it repeats, and report it to the support team.",
        )
    ms = (time.perf_counter() - started) * 1000.0
    return Analysed(task.name, task.sha256, result, attribution, ms)


def changed_while_running(name: str) -> str:
    return (
        f"'{name}' changed while the batch ran (its bytes differ from those found at the "
        "start). Run the batch again once the file is complete."
    )
