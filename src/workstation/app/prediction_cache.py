"""ECG analyses served from the vault's prediction cache when nothing that decides them changed.

A ward re-opens and re-imports the same files (a batch run, then the same file from the GUI,
a report on an archive); the ECG analysis with its explanations takes about a second per
record, the cached answer milliseconds. A result is reused only when the recording's bytes,
both ECG models' files, the analysis code and its parameters are the same (see
``vault.prediction_cache``), and the caller is told it was reused (``from_cache``), so the
screen and the command line can say so. Each analysis, computed or cached, leaves a timing row
for the performance panel.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from workstation import __version__
from workstation.app.ecg_result import StoredEcg
from workstation.app.progress import Progress
from workstation.app.sessions import ecg_explained
from workstation.ecg.abnormality import MODEL_NAME as ABNORMALITY
from workstation.ecg.segmentation import MODEL_NAME as SEGMENTATION
from workstation.inference.cards import card_path, read_card
from workstation.recording import Recording
from workstation.vault import ModelInfo, Vault, run_log
from workstation.vault import prediction_cache as cache

ECG_MODELS = (SEGMENTATION, ABNORMALITY)
#: What the cached value is: the import's analysis with Shapley values and waveform attribution.
ECG_PARAMS: dict[str, Any] = {"use_case": "ecg_explained"}
#: The code whose change must invalidate cached results (filters, ECG analysis, model runtime).
_ENGINE_PACKAGES = ("dsp", "ecg", "inference")
_ENGINE_MODULES = ("reports/ecg_inputs.py", "app/ecg_result.py", "app/sessions.py")
SERVED_FROM_CACHE = (
    "Served from the prediction cache: this recording was analysed before with the same models."
)


@dataclass(frozen=True, eq=False)
class EcgOutcome:
    """An ECG analysis as import stores it, and whether the cache served it."""

    result: StoredEcg
    attribution: np.ndarray | None
    from_cache: bool
    ms: float

    @property
    def pair(self) -> tuple[StoredEcg, np.ndarray | None]:
        return self.result, self.attribution


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The package version plus a digest of the analysis code, so that a changed engine misses
    the cache even before anyone bumps the version number."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(f for p in _ENGINE_PACKAGES for f in (root / p).glob("*.py"))
    files += [root / m for m in _ENGINE_MODULES]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def ecg_models() -> tuple[ModelInfo, ...]:
    """The ECG models as their cards describe them. ``load_model`` refuses a file whose hash
    differs from its card, so a card's sha256 is the hash of the model that would run."""
    cards = [read_card(name) for name in ECG_MODELS]
    return tuple(ModelInfo(c["name"], str(c.get("version", "")), c["sha256"]) for c in cards)


def models_sha256(models: tuple[ModelInfo, ...]) -> str:
    """A digest of the models' names, card versions and file hashes: a card rewritten
    around the same model file (card 1.4.2 changed only the explanation's reference) takes
    a new version, so its analyses are not served from before."""
    text = "\n".join(sorted(f"{m.name}:{m.version}:{m.sha256}" for m in models))
    return hashlib.sha256(text.encode()).hexdigest()


def models_label(models: tuple[ModelInfo, ...]) -> str:
    """'ecg-segmentation 1.0.0 + ecg-abnormality 1.0.0': how the performance panel names them."""
    return " + ".join(f"{m.name} {m.version}" for m in models)


def cards_sha256(directory: Path | None = None) -> str:
    """A digest of the ECG models' cards as they are on disk: a card holds what the analysis
    reads besides the model file (calibration, threshold, the explanation's reference), and
    is rewritten by training even when the model file comes out the same."""
    digest = hashlib.sha256()
    for name in ECG_MODELS:
        digest.update((name + "\0").encode() + card_path(name, directory).read_bytes())
    return digest.hexdigest()


def ecg_cache_key(input_sha256: str, models: tuple[ModelInfo, ...]) -> cache.CacheKey:
    params = {**ECG_PARAMS, "cards_sha256": cards_sha256()}
    return cache.CacheKey(input_sha256, models_sha256(models), engine_version(), params)


def ran_expected_models(result: StoredEcg, models: tuple[ModelInfo, ...]) -> bool:
    """True when every model the analysis reports is the one the key names (a model file
    replaced while the app ran is loaded only at the next start: keep its result out)."""
    expected = {m.name: m.sha256 for m in models}
    return all(expected.get(m.name) == m.sha256 for m in result.models)


def cached_result(vault: Vault, key: cache.CacheKey) -> tuple[StoredEcg, np.ndarray | None] | None:
    """The cached analysis for the key, or None."""
    hit = cache.lookup(vault, key)
    if hit is None:
        return None
    return StoredEcg.from_json(hit.result), hit.array


def keep_result(
    vault: Vault,
    key: cache.CacheKey,
    models: tuple[ModelInfo, ...],
    result: StoredEcg,
    attribution: np.ndarray | None,
) -> None:
    """Cache a freshly computed analysis when it ran the models its key names."""
    if key.input_sha256 and ran_expected_models(result, models):
        cache.put(vault, key, result.to_json(), attribution)


def record_runs(vault: Vault, outcomes: list[tuple[StoredEcg, float, bool]]) -> None:
    """Timing rows (result, milliseconds, served from cache) for the performance panel."""
    run_log.add_runs(
        vault,
        [run_log.ModelRun(models_label(r.models), r.device, ms, hit) for r, ms, hit in outcomes],
    )


def cached_ecg_analysis(vault: Vault, recording: Recording, progress: Progress) -> EcgOutcome:
    """``sessions.ecg_explained`` unless the vault already holds its result for these bytes,
    models and code; the outcome says which."""
    started = time.perf_counter()
    models = ecg_models()
    key = ecg_cache_key(recording.source_sha256, models)
    hit = cached_result(vault, key) if recording.source_sha256 else None
    if hit is not None:
        progress.step(60, SERVED_FROM_CACHE)
        result, attribution = hit
    else:
        result, attribution = ecg_explained(recording, progress)
        keep_result(vault, key, models, result, attribution)
    ms = (time.perf_counter() - started) * 1000.0
    record_runs(vault, [(result, ms, hit is not None)])
    return EcgOutcome(result, attribution, hit is not None, ms)
