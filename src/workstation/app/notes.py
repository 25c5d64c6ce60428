"""Clinical notes' entities as use cases: extract and store, list per session and per
patient, search across patients, and re-extract a whole vault.

Entities are kept current lazily: listing a session's or a patient's notes, or searching,
first extracts any note whose stored entities are missing or stale (the note's text or the
extractor changed, see vault/note_entities.py), so no hook in the vault's ``add_note`` is
needed and a vault written before this feature is filled in as it is used. Only free-text
notes are read; confirmations of ECG statements are not clinical prose.

The GUI reaches the extractor only through this module (``note_entities``), as the
architecture contract requires.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from workstation.app.progress import Progress
from workstation.errors import NoteInputRejected
from workstation.notes.entities import FLAGS, LABELS, Entity, NoteEntities
from workstation.notes.lexicon import load_lexicon
from workstation.notes.pipeline import extract, extractor_version, is_built
from workstation.vault import NoteKind, Vault
from workstation.vault import note_entities as stored

__all__ = [
    "FLAGS",
    "LABELS",
    "Entity",
    "EntityHit",
    "NoteEntities",
    "NoteWithEntities",
    "ReextractSummary",
    "extract_and_store",
    "extractor_ready",
    "note_entities",
    "patient_entities",
    "prepare_extractor",
    "reextract_all",
    "search_entities",
    "session_entities",
]


@dataclass(frozen=True, slots=True)
class NoteWithEntities:
    note_id: int
    session_id: int
    patient_id: int
    text: str
    entities: tuple[Entity, ...]


@dataclass(frozen=True, slots=True)
class EntityHit:
    """One mention found by a search, with the patient and session it belongs to."""

    patient_id: int
    patient_identifier: str
    patient_name: str
    session_id: int
    note_id: int
    entity: Entity


@dataclass(frozen=True, slots=True)
class ReextractSummary:
    notes: int
    extracted: int
    unchanged: int
    extractor_version: str


def note_entities(text: str) -> NoteEntities:
    """Entities of a text not (yet) stored: the notes editor highlights as one types."""
    return extract(text)


def prepare_extractor() -> None:
    """Build the extractor now (spaCy's import takes seconds), so the first note is quick."""
    extractor_version()


def extractor_ready() -> bool:
    """Whether the extractor is built, so a call will not stall the caller for seconds."""
    return is_built()


def _entities_json(found: NoteEntities) -> str:
    return json.dumps([e.to_dict() for e in found.entities], ensure_ascii=False)


def _parsed(entities_json: str) -> tuple[Entity, ...]:
    return tuple(Entity.from_dict(item) for item in json.loads(entities_json))


def _refreshed(
    vault: Vault,
    rows: list[tuple[stored.NoteText, stored.StoredEntities | None]],
    progress: Progress,
    force: bool = False,
) -> tuple[list[NoteWithEntities], int]:
    """Each free-text note with current entities, extracting (and storing) where needed;
    also returns how many were extracted."""
    version = extractor_version()
    notes = [(note, entry) for note, entry in rows if note.kind == NoteKind.NOTE]
    result: list[NoteWithEntities] = []
    extracted = 0
    for i, (note, entry) in enumerate(notes):
        if entry is not None and not force and entry.is_current(note.text, version):
            entities = _parsed(entry.entities_json)
        else:
            progress.step(int(100 * i / len(notes)), f"Reading note {i + 1} of {len(notes)}")
            found = extract(note.text)
            stored.save_entities(
                vault, note.note_id, note.text, version, _entities_json(found), len(found.entities)
            )
            entities = found.entities
            extracted += 1
        result.append(
            NoteWithEntities(note.note_id, note.session_id, note.patient_id, note.text, entities)
        )
    return result, extracted


def extract_and_store(vault: Vault, note_id: int, progress: Progress) -> NoteWithEntities:
    """Extract one note's entities again and store them, whatever is stored now."""
    rows = stored.notes_with_entities(vault, note_id=note_id)
    if not rows or rows[0][0].kind != NoteKind.NOTE:
        raise NoteInputRejected(
            f"There is no free-text note {note_id} in the vault.",
            "Refresh the session and choose the note again.",
        )
    return _refreshed(vault, rows, progress, force=True)[0][0]


def session_entities(vault: Vault, session_id: int, progress: Progress) -> list[NoteWithEntities]:
    """The session's notes with their entities (stale or missing ones extracted first)."""
    vault.get_session(session_id)  # a missing session is NotInVault, not an empty list
    rows = stored.notes_with_entities(vault, session_id=session_id)
    return _refreshed(vault, rows, progress)[0]


def patient_entities(vault: Vault, patient_id: int, progress: Progress) -> list[NoteWithEntities]:
    """All the patient's notes, across sessions, with their entities."""
    vault.get_patient(patient_id)
    rows = stored.notes_with_entities(vault, patient_id=patient_id)
    return _refreshed(vault, rows, progress)[0]


def search_entities(
    vault: Vault, term: str, progress: Progress, *, include_negated: bool = False
) -> list[EntityHit]:
    """Every mention of ``term`` (any synonym or abbreviation of it) across all patients.

    By default only mentions that say the patient has it: negated, family-history and
    hypothetical mentions are left out ("denies chest pain", "mother had chest pain",
    "return if chest pain"); historical and uncertain ones stay, flagged. ``include_negated``
    returns every mention. A term the extractor does not know is refused rather than
    answered with an empty list, which would read as "no patient has it".
    """
    concept = load_lexicon().concept_of(term)
    if concept is None:
        raise NoteInputRejected(
            f"'{term.strip()}' is not in the workstation's term lists, so notes are never "
            "searched for it.",
            "Search for a symptom, condition or medication by its usual name or abbreviation "
            "(the lists are in resources/notes/).",
        )
    progress.step(0, "Reading the notes of every patient")
    rows = stored.notes_with_entities(vault)
    patients = {note.note_id: note for note, _ in rows}
    notes, _ = _refreshed(vault, rows, progress)
    progress.step(100, "Searching")
    return [
        EntityHit(
            note.patient_id,
            patients[note.note_id].patient_identifier,
            patients[note.note_id].patient_name,
            note.session_id,
            note.note_id,
            entity,
        )
        for note in notes
        for entity in _wanted(note.entities, concept, include_negated)
    ]


def _wanted(entities: Iterable[Entity], concept: str, include_negated: bool) -> list[Entity]:
    return [
        e
        for e in entities
        if e.concept == concept
        and (include_negated or not (e.negated or e.family or e.hypothetical))
    ]


def reextract_all(vault: Vault, progress: Progress, *, force: bool = False) -> ReextractSummary:
    """Bring every note of the vault up to date (all of them again with ``force``), e.g.
    after the term lists were extended."""
    progress.step(0, "Reading the notes of every patient")
    rows = stored.notes_with_entities(vault)
    notes, extracted = _refreshed(vault, rows, progress, force=force)
    progress.step(100, f"{extracted} notes extracted")
    return ReextractSummary(len(notes), extracted, len(notes) - extracted, extractor_version())
