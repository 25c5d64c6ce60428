"""What the note extractor hands back: typed entities with their ConText flags.

JSON appears only at the edges (the vault's ``note_entities`` table and the CLI), through
``to_dict``/``from_dict`` here, so both write the same fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

LABELS = ("SYMPTOM", "CONDITION", "MEDICATION")
FLAGS = ("negated", "historical", "family", "hypothetical", "uncertain")


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention in a note: characters ``start:end`` of the text, what it names, and how
    the note speaks of it. ``trigger`` holds the phrases that set the flags ("denies",
    "history of"), empty when none did, so a reader can check why a mention was flagged."""

    text: str
    label: str
    start: int
    end: int
    negated: bool
    historical: bool
    family: bool
    hypothetical: bool
    uncertain: bool
    trigger: str
    concept: str  # the canonical name ("CP" and "chest pains" are both "chest pain")

    @property
    def affirmed(self) -> bool:
        """Present in this patient now, as far as the note says: no flag set."""
        return not any(getattr(self, flag) for flag in FLAGS)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(flag for flag in FLAGS if getattr(self, flag))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class NoteEntities:
    """Every entity found in one text, in text order, and the extractor that found them."""

    entities: tuple[Entity, ...]
    extractor_version: str

    def of_label(self, label: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.label == label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "extractor_version": self.extractor_version,
            "entities": [e.to_dict() for e in self.entities],
        }
