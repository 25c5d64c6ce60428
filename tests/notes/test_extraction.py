"""The note extractor: terms, abbreviations, plurals, and the ConText flags with their scope."""

from __future__ import annotations

import pytest

from workstation.notes.entities import Entity
from workstation.notes.lexicon import RESOURCES, TERM_FILES, Category, load_lexicon, plurals
from workstation.notes.pipeline import context_of_span, extract


def entity(text: str, name: str) -> Entity:
    """The one entity of ``text`` whose words are ``name`` (any case)."""
    found = [e for e in extract(text).entities if e.text.lower() == name.lower()]
    assert len(found) == 1, f"{name!r} in {text!r}: {extract(text).entities}"
    return found[0]


def test_entities_carry_label_concept_and_exact_character_span():
    text = "Complains of chest pain; takes aspirin for CAD."
    found = extract(text).entities
    assert [(e.text, e.label, e.concept) for e in found] == [
        ("chest pain", "SYMPTOM", "chest pain"),
        ("aspirin", "MEDICATION", "aspirin"),
        ("CAD", "CONDITION", "coronary artery disease"),
    ]
    assert all(text[e.start : e.end] == e.text for e in found)
    assert all(e.affirmed and e.trigger == "" for e in found)


@pytest.mark.parametrize(
    ("text", "name", "concept"),
    [
        ("SOB on exertion.", "SOB", "shortness of breath"),
        ("Intermittent CP overnight.", "CP", "chest pain"),
        ("Old MI on the ECG.", "MI", "myocardial infarction"),
        ("HTN, well controlled.", "HTN", "hypertension"),
        ("Known DM2.", "DM2", "diabetes mellitus"),
        ("New afib today.", "afib", "atrial fibrillation"),
        ("Given ASA 300 mg.", "ASA", "aspirin"),
        ("NTG sublingual given.", "NTG", "nitroglycerin"),
        ("sob and cp at rest", "sob", "shortness of breath"),
    ],
)
def test_abbreviations_map_to_their_concept_in_any_case(text, name, concept):
    assert entity(text, name).concept == concept


def test_plurals_and_the_longest_match_win():
    assert entity("Recurrent headaches.", "headaches").concept == "headache"
    assert entity("Bilateral pleural effusions.", "pleural effusions").concept == "pleural effusion"
    assert [e.text for e in extract("Severe chest pain.").entities] == ["chest pain"]
    assert plurals("palpitation") == ["palpitation", "palpitations"]
    assert plurals("dizziness") == ["dizziness"]  # already ends in s


@pytest.mark.parametrize(
    ("text", "name", "flag", "trigger"),
    [
        ("Patient denies chest pain.", "chest pain", "negated", "denies"),
        ("No fever, chills, cough or shortness of breath.", "shortness of breath", "negated", "No"),
        ("Pulmonary embolism was ruled out.", "Pulmonary embolism", "negated", "was ruled out"),
        ("Dizziness has resolved.", "Dizziness", "negated", "has resolved"),
        ("Negative for hematuria.", "hematuria", "negated", "Negative for"),
        ("Mother had MI at 50.", "MI", "family", "Mother"),
        ("Family history of diabetes.", "diabetes", "family", "Family history of"),
        ("History of stroke in 2019.", "stroke", "historical", "History of"),
        ("Status post MI.", "MI", "historical", "Status post"),
        ("Return if chest pain recurs.", "chest pain", "hypothetical", "Return if"),
        ("Possible pneumonia at the right base.", "pneumonia", "uncertain", "Possible"),
        ("Heart failure cannot be excluded.", "Heart failure", "uncertain", "cannot be excluded"),
    ],
)
def test_context_flags_and_the_trigger_that_set_them(text, name, flag, trigger):
    found = entity(text, name)
    assert found.flags == (flag,)
    assert found.trigger == trigger


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("No increase in dyspnea since admission.", "dyspnea"),  # pseudo-trigger
        ("Not only fatigue but also weight loss.", "fatigue"),  # pseudo-trigger
        ("Gram negative sepsis.", "sepsis"),  # pseudo-trigger
        ("Denies fever but reports cough.", "cough"),  # "but" ends the scope
        ("No rash. Chest pain since noon.", "Chest pain"),  # a sentence ends the scope
        ("No rash; nausea after meals.", "nausea"),  # so does a semicolon
        ("Chest pain, history of present illness as above.", "Chest pain"),  # pseudo
    ],
)
def test_scope_stops_at_pseudo_triggers_terminators_and_boundaries(text, name):
    assert entity(text, name).affirmed


def test_negation_reaches_a_list_but_not_past_its_window():
    long_list = "Denies fever, chills, sweats, nausea, vomiting, diarrhea, dysuria, rash, headache."
    negated = {e.text: e.negated for e in extract(long_list).entities}
    assert negated["fever"] and negated["dysuria"]
    far = "No " + "really " * 12 + "chest pain."
    assert entity(far, "chest pain").affirmed


def test_a_trigger_inside_an_entity_is_not_a_trigger():
    # "non" is a negation trigger, but here it belongs to the name of the infarction
    found = entity(
        "Non-ST elevation myocardial infarction.", "Non-ST elevation myocardial infarction"
    )
    assert found.concept == "myocardial infarction" and found.affirmed


def test_context_of_a_given_span_judges_a_concept_found_elsewhere():
    text = "The chest X-ray showed NO PNEUMOTHORAX."
    start = text.index("PNEUMOTHORAX")
    assert Category.NEGATED in context_of_span(text, start, start + len("PNEUMOTHORAX"))
    start = text.index("chest X-ray")
    assert context_of_span(text, start, start + len("chest X-ray")) == {}


def test_term_files_state_source_and_licence_and_abbreviations_name_known_concepts():
    for name in [*TERM_FILES.values(), "abbreviations.tsv", "context_triggers.tsv"]:
        header = (RESOURCES / name).read_text(encoding="utf-8")[:1500].lower()
        assert "source:" in header and "licence" in header, name
    lexicon = load_lexicon()
    listed = {(t.concept, t.label) for t in lexicon.terms if t.phrase == t.concept}
    abbreviations = [
        t for t in lexicon.terms if (t.concept, t.label) not in listed or t.phrase.isupper()
    ]
    assert all((t.concept, t.label) in listed for t in abbreviations)
    assert lexicon.concept_of("  Chest   PAIN ") == "chest pain"
    assert lexicon.concept_of("cp") == "chest pain"
    assert lexicon.concept_of("not a term") is None


def test_empty_and_entity_free_text_give_no_entities():
    assert extract("").entities == ()
    assert extract("Seen on the ward round; reviewed with the team.").entities == ()
