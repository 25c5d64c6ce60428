"""The clinician's ECG review as a plain model: what the review panel draws and saves."""

from __future__ import annotations

from workstation.app.review import EcgReview

ENGINE = [
    {"code": "sinus_rhythm", "text": "Sinus rhythm", "evidence": {"hr": 72}, "abnormal": False},
    {"code": "lad", "text": "Left axis deviation", "evidence": {"axis": -40}, "abnormal": True},
]


def review() -> tuple[EcgReview, list[int]]:
    model = EcgReview(statements=[dict(s) for s in ENGINE], confirmed={"Sinus rhythm": "dr.a"})
    calls: list[int] = []
    model.subscribe(lambda: calls.append(1))
    return model, calls


def test_an_untouched_review_has_nothing_to_save():
    model, calls = review()
    assert not model.has_changes and calls == []
    changes = model.changes()
    assert changes.statements is None and changes.annotations is None
    assert changes.confirm == [] and changes.notes == []


def test_editing_a_statement_makes_it_the_clinicians_and_notifies():
    model, calls = review()
    model.edit_statement(1, "  Left anterior fascicular block ")
    assert model.statements[1] == {
        "code": "clinician",
        "text": "Left anterior fascicular block",
        "evidence": {},
        "abnormal": True,
    }
    assert calls == [1] and model.has_changes
    assert model.changes().statements[0] == ENGINE[0]
    model.edit_statement(1, "Left anterior fascicular block")  # unchanged text: no event
    assert calls == [1]


def test_confirmations_are_pending_until_saved_and_never_twice():
    model, _ = review()
    model.confirm_statements([0, 1, 1])
    assert model.pending_confirmations == ["Left axis deviation"]  # 0 is confirmed already
    assert model.status_of("Sinus rhythm") == "Confirmed by dr.a"
    assert model.status_of("Left axis deviation") == "Confirmed (saved with the session)"
    assert model.changes().confirm == ["Left axis deviation"]
    assert model.changes().statements is None  # confirming edits nothing


def test_add_delete_annotate_and_note():
    model, calls = review()
    model.add_statement("   ")  # blank: ignored
    model.add_statement("No acute change")
    model.delete_statements([0])
    model.add_annotation(2.34567, "artefact?", "dr.b", "ii")
    model.add_note("Discussed with cardiology")
    changes = model.changes()
    assert [s["text"] for s in changes.statements] == ["Left axis deviation", "No acute change"]
    assert changes.annotations == [
        {"onset": 2.346, "label": "artefact?", "author": "dr.b", "lead": "ii"}
    ]
    assert changes.notes == ["Discussed with cardiology"]
    assert len(calls) == 4
