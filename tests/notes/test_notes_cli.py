"""`workstation notes extract` and `notes search`: output, JSON, and exit code 2 with a plain
message for what is not a note."""

from __future__ import annotations

import io
import json
import sys

import pytest
from notes_helpers import PASSWORD, USER

from workstation.cli import main
from workstation.notes import cli as notes_cli


def test_extract_prints_a_table_with_flags_and_the_disclaimer(capsys):
    assert main(["notes", "extract", "--text", "Denies CP. History of HTN. On ASA."]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["text", "label", "concept", "flags", "trigger", "chars"]
    assert lines[1].split()[:2] == ["CP", "SYMPTOM"] and "negated" in lines[1]
    assert "historical" in lines[2] and "History of" in lines[2]
    assert "affirmed" in lines[3]
    assert "not diagnosis" in lines[-1]


def test_extract_writes_json_to_a_file_and_to_stdout(tmp_path, capsys):
    note = tmp_path / "note.txt"
    note.write_text("Possible pneumonia; mother had afib.\n", encoding="utf-8")
    out = tmp_path / "entities.json"
    assert main(["notes", "extract", "--file", str(note), "--json", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["extractor_version"].startswith("context-")
    assert [(e["concept"], e["uncertain"], e["family"]) for e in written["entities"]] == [
        ("pneumonia", True, False),
        ("atrial fibrillation", False, True),
    ]
    capsys.readouterr()
    assert main(["notes", "extract", "--file", str(note), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == written


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not text"),
        ("chest pain".encode("utf-16"), "is not text"),
    ],
)
def test_a_file_that_is_no_note_gives_a_message_and_exit_code_2(tmp_path, capsys, content, message):
    note = tmp_path / "note.txt"
    note.write_bytes(content)
    assert main(["notes", "extract", "--file", str(note)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workstation: 'note.txt'") and message in err
    assert str(tmp_path) not in err


def test_missing_file_and_oversized_text_give_exit_code_2(tmp_path, capsys, monkeypatch):
    assert main(["notes", "extract", "--file", str(tmp_path / "absent.txt")]) == 2
    assert "'absent.txt' could not be read" in capsys.readouterr().err
    monkeypatch.setattr(notes_cli, "MAX_NOTE_BYTES", 100)
    assert main(["notes", "extract", "--text", "chest pain " * 20]) == 2
    assert "more than a note" in capsys.readouterr().err


def test_search_signs_in_and_lists_patients_with_the_term(
    vault_path, vault, ward, monkeypatch, capsys
):
    vault.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    args = ["notes", "search", "CP", "--user", USER, "--vault", str(vault_path)]
    assert main([*args, "--password-stdin", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(h["patient"], h["text"], h["negated"]) for h in hits] == [
        ("P-001", "chest pain", False)
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*args, "--password-stdin", "--include-negated"]) == 0
    out = capsys.readouterr().out
    assert "P-002" in out and "negated" in out and "3 mentions in the notes of 2 patients" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*args[:2], "unheard-of", *args[3:], "--password-stdin"]) == 2
    assert "not in the workstation's term lists" in capsys.readouterr().err
