"""What Help › Performance shows: model latency, device, cache hit rate and batch throughput.

Read from the vault's own timing rows (``vault.run_log``), written by every ECG analysis the
import and the batch run: no server, no metrics endpoint. Latency percentiles count computed
analyses only; a cache hit costs milliseconds and would make the models look faster than
they are, so hits are counted apart, in the hit rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.vault import Vault, run_log
from workstation.vault.run_log import BatchJob

__all__ = ["BatchJob", "ModelLatency", "PerformanceReport", "performance_report"]


@dataclass(frozen=True)
class ModelLatency:
    """Latency of the whole ECG analysis that ran these models on this device."""

    models: str
    device: str  # "CPU", "CUDA", as onnxruntime reported the session's provider
    runs: int
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class PerformanceReport:
    latencies: list[ModelLatency]
    analyses: int
    cache_hits: int
    batch_jobs: list[BatchJob]
    providers: list[str]  # what the installed onnxruntime offers, CUDA first when present

    @property
    def cache_hit_rate(self) -> float | None:
        return self.cache_hits / self.analyses if self.analyses else None

    @property
    def gpu_note(self) -> str:
        """Whether the GPU path is available here, in plain words."""
        if "CUDA" in self.providers:
            return "CUDA is available: models run on the GPU."
        return (
            "No GPU here: this installation's model runtime offers only the CPU. With "
            "onnxruntime-gpu installed and an NVIDIA GPU present, models run on CUDA."
        )


def performance_report(vault: Vault) -> PerformanceReport:
    """Percentiles per model set and device, hit rate, and the latest batch jobs."""
    from workstation.inference.sessions import available_providers

    runs = run_log.recent_runs(vault)
    groups: dict[tuple[str, str], list[float]] = {}
    for run in runs:
        if not run.cache_hit:
            device = run.provider.removesuffix("ExecutionProvider")
            groups.setdefault((run.models, device), []).append(run.ms)
    latencies = [
        ModelLatency(
            models,
            device,
            len(ms),
            float(np.percentile(ms, 50)),
            float(np.percentile(ms, 95)),
        )
        for (models, device), ms in sorted(groups.items())
    ]
    return PerformanceReport(
        latencies,
        len(runs),
        sum(r.cache_hit for r in runs),
        run_log.recent_batch_jobs(vault),
        [p.removesuffix("ExecutionProvider") for p in available_providers()],
    )
