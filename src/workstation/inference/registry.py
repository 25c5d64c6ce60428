"""The model registry: a model is a file in models/ plus its card, verified before use.

The card (``<name>.json`` beside ``<name>.onnx``) records what the model does, what it was
trained on and how well it did; its sha256 is checked against the file on every load so an
altered or swapped model is refused rather than run on a patient's recording. The verified
bytes are handed to onnxruntime, so the file cannot change between check and load. Reading
cards and hashing files needs no runtime and lives in ``cards`` (``--version`` uses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import onnxruntime as ort

from workstation.errors import ModelMissing, ModelTampered
from workstation.inference.cards import models_dir, read_card, sha256_of
from workstation.inference.sessions import active_provider, create_session


@dataclass(frozen=True)
class LoadedModel:
    """A running session with the card it was verified against and the device it runs on."""

    name: str
    card: dict[str, Any]
    session: ort.InferenceSession
    sha256: str

    @property
    def version(self) -> str:
        return str(self.card.get("version", ""))

    @property
    def provider(self) -> str:
        return active_provider(self.session)

    def describe(self) -> dict[str, str]:
        """Name, version and hash, as analyses record which model produced them."""
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


def load_model(
    name: str, directory: Path | None = None, threads: int = 1, prefer_gpu: bool = True
) -> LoadedModel:
    """Verify the model's sha256 against its card, then open a session on the verified bytes."""
    directory = directory or models_dir()
    card = read_card(name, directory)
    path = directory / f"{name}.onnx"
    if not path.is_file():
        raise ModelMissing(name, path)
    data = path.read_bytes()
    digest = sha256_of(data)
    if digest != card.get("sha256"):
        raise ModelTampered(name, str(card.get("sha256")), digest)
    return LoadedModel(name, card, create_session(data, threads, prefer_gpu), digest)
