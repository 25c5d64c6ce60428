"""The term lists and trigger phrases the note extractor matches, read from resources/notes/.

The lists are plain text so that a clinician can read and extend them without code; their
headers state source and licence. No spaCy here: the CLI's parser and the tests of the lists
load this without the pipeline.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: resources/ sits two folders above the package in a checkout and in an installed bundle
#: (packaging/README.md), like models/.
RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "notes"

TERM_FILES = {
    "SYMPTOM": "symptoms.txt",
    "CONDITION": "conditions.txt",
    "MEDICATION": "medications.txt",
}


class Category(enum.StrEnum):
    """What a ConText trigger does (Harkema et al. 2009): four modifiers of an entity, and two
    kinds that only shape other triggers' scope."""

    NEGATED = "negated"
    HISTORICAL = "historical"
    FAMILY = "family"
    HYPOTHETICAL = "hypothetical"
    UNCERTAIN = "uncertain"
    PSEUDO = "pseudo"
    TERMINATE = "terminate"


class Direction(enum.StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    BOTH = "both"
    NONE = "-"


@dataclass(frozen=True, slots=True)
class Term:
    """One name to match (``phrase``) and what it stands for (``concept`` under ``label``)."""

    phrase: str
    concept: str
    label: str


@dataclass(frozen=True, slots=True)
class Trigger:
    phrase: str
    category: Category
    direction: Direction


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    triggers: tuple[Trigger, ...]
    digest: str  # sha256 of the files read: part of the extractor's version

    def concept_of(self, words: str) -> str | None:
        """The concept a name (any case, abbreviations too) stands for, if it is a term."""
        key = " ".join(words.lower().split())
        for term in self.terms:
            if term.phrase.lower() == key or term.concept == key:
                return term.concept
        return None


def _rows(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def plurals(phrase: str) -> list[str]:
    """The phrase and the plural of its last word, because notes write "headaches" and
    "pleural effusions" as often as the singular; an English plural rule of thumb is enough
    here, wrong forms ("dizzies") simply never match."""
    head, _, last = phrase.rpartition(" ")
    if not last.isalpha() or len(last) < 3 or last.endswith("s"):
        return [phrase]
    if last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("ch", "sh", "x", "z")):
        plural = last + "es"
    else:
        plural = last + "s"
    return [phrase, f"{head} {plural}".strip()]


def _terms(folder: Path) -> list[Term]:
    terms: list[Term] = []
    for label, name in TERM_FILES.items():
        for row in _rows(folder / name):
            names = [" ".join(n.lower().split()) for n in row.split("|")]
            concept = names[0]
            for phrase in names:
                forms = [phrase] if label == "MEDICATION" else plurals(phrase)
                terms.extend(Term(form, concept, label) for form in forms)
    for row in _rows(folder / "abbreviations.tsv"):
        abbreviation, concept, label = (cell.strip() for cell in row.split("\t"))
        terms.append(Term(abbreviation, concept, label))
    return terms


def _triggers(folder: Path) -> list[Trigger]:
    triggers = []
    for row in _rows(folder / "context_triggers.tsv"):
        phrase, category, direction = (cell.strip() for cell in row.split("\t"))
        triggers.append(Trigger(phrase.lower(), Category(category), Direction(direction)))
    return triggers


@cache
def load_lexicon(folder: Path = RESOURCES) -> Lexicon:
    """Read the five files once per process."""
    digest = hashlib.sha256()
    for name in [*TERM_FILES.values(), "abbreviations.tsv", "context_triggers.tsv"]:
        digest.update((folder / name).read_bytes())
    return Lexicon(tuple(_terms(folder)), tuple(_triggers(folder)), digest.hexdigest())
