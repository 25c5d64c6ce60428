"""Entities stored with the notes in a real vault: audited, re-extracted when the note changes,
listed per session and per patient, searched across patients."""

from __future__ import annotations

import json

import pytest

from workstation.app.notes import (
    extract_and_store,
    patient_entities,
    reextract_all,
    search_entities,
    session_entities,
)
from workstation.app.progress import Progress
from workstation.errors import NoteInputRejected, NotInVault
from workstation.vault import Vault
from workstation.vault.note_entities import text_sha256


def stored_rows(vault: Vault) -> dict[int, tuple]:
    with vault._reading() as store:
        rows = store.db.execute(
            "SELECT note_id, text_sha256, extractor_version, entities_json FROM note_entities"
        ).fetchall()
    return {row[0]: row for row in rows}


def extraction_audits(vault: Vault) -> list[tuple[str, str]]:
    return [
        (entry.target, entry.detail)
        for entry in vault.audit_log()
        if entry.action == "analysis" and entry.target.startswith("note:")
    ]


def test_listing_a_session_extracts_stores_and_audits_each_note_once(vault, ward):
    notes = session_entities(vault, ward["session2"], Progress())
    assert [n.note_id for n in notes] == [ward["note2"], ward["note3"]]
    first = {e.text: e for e in notes[0].entities}
    assert first["chest pain"].negated and first["MI"].family and first["CP"].family
    rows = stored_rows(vault)
    assert set(rows) == {ward["note2"], ward["note3"]}
    assert rows[ward["note2"]][1] == text_sha256("Denies chest pain. Mother had CP and an MI.")
    assert json.loads(rows[ward["note2"]][3])[0]["trigger"] == "Denies"
    audits = extraction_audits(vault)
    assert [t for t, _ in audits] == [f"note:{ward['note2']}", f"note:{ward['note3']}"]
    assert all("entities extracted; extractor context-" in d for _, d in audits)
    assert all("chest" not in d for _, d in audits)  # details name notes by id, not text
    again = session_entities(vault, ward["session2"], Progress())
    assert again == notes and len(extraction_audits(vault)) == 2  # nothing re-extracted
    assert vault.verify().audit_rows > 0  # raises VaultCorrupt if the chain broke


def test_a_changed_note_is_extracted_again_and_audited(vault, ward):
    session_entities(vault, ward["session1"], Progress())
    # The vault has no note-editing call yet; change the text as such a call would.
    with vault._writing() as store:
        store.db.execute(
            "UPDATE notes SET text = ? WHERE id = ?",
            ["No chest pain today. Off ASA.", ward["note1"]],
        )
    notes = session_entities(vault, ward["session1"], Progress())
    assert [(e.text, e.negated) for e in notes[0].entities] == [
        ("chest pain", True),
        ("ASA", False),
    ]
    assert stored_rows(vault)[ward["note1"]][1] == text_sha256("No chest pain today. Off ASA.")
    assert [d.split(";")[0] for t, d in extraction_audits(vault)] == [
        "2 entities extracted",
        "2 entities re-extracted",
    ]


def test_patient_list_spans_sessions_and_unknown_ids_are_refused(vault, ward):
    another = vault.create_session(ward["patient2"], "eeg")
    vault.add_note(another, "Known HTN on amlodipine.")
    notes = patient_entities(vault, ward["patient2"], Progress())
    assert [n.session_id for n in notes] == [ward["session2"], ward["session2"], another]
    with pytest.raises(NotInVault):
        patient_entities(vault, 999, Progress())
    with pytest.raises(NotInVault):
        session_entities(vault, 999, Progress())


def test_confirmed_statements_are_not_read_as_notes(vault, ward):
    vault.confirm_statement(ward["session1"], "Sinus rhythm; no acute MI")
    notes = session_entities(vault, ward["session1"], Progress())
    assert [n.note_id for n in notes] == [ward["note1"]]
    with pytest.raises(NoteInputRejected):
        extract_and_store(vault, 999, Progress())


def test_search_finds_patients_with_the_term_and_leaves_out_negated_and_family(vault, ward):
    hits = search_entities(vault, "chest pain", Progress())
    assert [(h.patient_identifier, h.entity.text) for h in hits] == [("P-001", "chest pain")]
    by_abbreviation = search_entities(vault, "CP", Progress())
    assert [h.note_id for h in by_abbreviation] == [ward["note1"]]
    every = search_entities(vault, "chest pain", Progress(), include_negated=True)
    assert sorted((h.patient_identifier, h.entity.text, h.entity.flags) for h in every) == [
        ("P-001", "chest pain", ()),
        ("P-002", "CP", ("family",)),
        ("P-002", "chest pain", ("negated",)),
    ]
    uncertain = search_entities(vault, "pneumonia", Progress())
    assert [h.entity.flags for h in uncertain] == [("uncertain",)]


def test_search_refuses_a_term_it_could_never_find(vault, ward):
    with pytest.raises(NoteInputRejected, match="not in the workstation's term lists"):
        search_entities(vault, "purple toes syndrome", Progress())


def test_reextract_all_brings_every_note_up_to_date(vault, ward):
    first = reextract_all(vault, Progress())
    assert (first.notes, first.extracted, first.unchanged) == (3, 3, 0)
    second = reextract_all(vault, Progress())
    assert (second.extracted, second.unchanged) == (0, 3)
    forced = reextract_all(vault, Progress(), force=True)
    assert forced.extracted == 3
    assert len(extraction_audits(vault)) == 6
    one = extract_and_store(vault, ward["note3"], Progress())
    assert [e.concept for e in one.entities] == ["pneumonia", "amoxicillin"]
    assert len(extraction_audits(vault)) == 7
