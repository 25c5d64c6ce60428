"""`workstation notes extract` and `workstation notes search`: the note extractor from a
terminal.

Only argparse-level imports here: the parser is built on every start, and spaCy alone takes
seconds to import, so the handlers import the pipeline (and the vault) when they run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.errors import NoteInputRejected

if TYPE_CHECKING:
    from workstation.notes.entities import Entity

#: A note longer than this is almost certainly a whole record or a wrong file, not a note.
MAX_NOTE_BYTES = 1_000_000
DISCLAIMER = "Found by rules from term lists: for clinical review, not diagnosis."


def add_notes_parser(subparsers: argparse._SubParsersAction) -> None:
    notes = subparsers.add_parser(
        "notes", help="find symptoms, conditions and medications in clinical notes"
    )
    commands = notes.add_subparsers(dest="notes_command", metavar="COMMAND", required=True)

    extract = commands.add_parser(
        "extract",
        help="list the entities in a note, with negation and context flags",
        description="List the symptoms, conditions and medications named in a note, each "
        "flagged negated, historical, family, hypothetical or uncertain where the note says "
        "so. Offline, rule-based. " + DISCLAIMER,
    )
    source = extract.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the note's text")
    source.add_argument("--file", type=Path, metavar="NOTE.txt", help="a UTF-8 text file")
    extract.add_argument(
        "--json", type=Path, metavar="OUT.json", help="write the entities as JSON ('-': print)"
    )
    extract.set_defaults(func=extract_command)

    search = commands.add_parser(
        "search",
        help="find every patient whose notes mention a term",
        description="Search the notes of every patient in a vault for a symptom, condition "
        "or medication (any synonym or abbreviation of it). Negated, family-history and "
        "hypothetical mentions are left out unless --include-negated. " + DISCLAIMER,
    )
    search.add_argument("term", help='e.g. "chest pain" or CP')
    search.add_argument(
        "--include-negated", action="store_true", help="list every mention, negated ones too"
    )
    search.add_argument("--user", required=True, help="the user signing in")
    search.add_argument("--vault", type=Path, help="vault database (default: the user's vault)")
    search.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    search.add_argument("--json", action="store_true", help="print the hits as JSON")
    search.set_defaults(func=search_command)


def read_note(args: argparse.Namespace) -> str:
    """The note's text, refused with a plain reason when it is no note at all."""
    if args.text is not None:
        data = args.text.encode("utf-8")
        where = "The note given with --text"
    else:
        where = f"'{args.file.name}'"
        try:
            data = args.file.read_bytes()
        except OSError as error:
            raise NoteInputRejected(
                f"{where} could not be read ({error.strerror or 'unreadable'}).",
                "Check the file name and that you may read it.",
            ) from None
    if len(data) > MAX_NOTE_BYTES:
        raise NoteInputRejected(
            f"{where} is {len(data):,} bytes, more than a note ({MAX_NOTE_BYTES:,} at most).",
            "Give one note at a time.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise NoteInputRejected(
            f"{where} is not text (it holds binary data).",
            "Give a plain-text note saved as UTF-8.",
        )
    if not text.strip():
        raise NoteInputRejected(f"{where} is empty.", "Give a note with some text.")
    return text


def extract_command(args: argparse.Namespace) -> int:
    text = read_note(args)
    from workstation.notes.pipeline import extract

    found = extract(text)
    if args.json is not None:
        document = json.dumps(found.to_dict(), indent=2, ensure_ascii=False)
        if str(args.json) == "-":
            print(document)
            return 0
        try:
            from workstation.vault.files import create_private_file  # exports are owner-only (0600)

            create_private_file(args.json, (document + "\n").encode("utf-8"))
        except OSError as error:
            raise NoteInputRejected(
                f"'{args.json.name}' could not be written ({error.strerror or 'unwritable'}).",
                "Choose a folder you may write to.",
            ) from None
    print(format_entities(found.entities))
    return 0


def format_entities(entities: tuple[Entity, ...] | list[Entity]) -> str:
    """A plain table: one entity a line, with where it is and why it is flagged."""
    if not entities:
        return f"No symptom, condition or medication found.\n{DISCLAIMER}"
    rows = [("text", "label", "concept", "flags", "trigger", "chars")]
    rows += [
        (
            e.text,
            e.label,
            e.concept,
            ",".join(e.flags) or "affirmed",
            e.trigger,
            f"{e.start}-{e.end}",
        )
        for e in entities
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([*(line.rstrip() for line in lines), DISCLAIMER])


def search_command(args: argparse.Namespace) -> int:
    from workstation.app.notes import search_entities
    from workstation.app.progress import Progress
    from workstation.vault import Vault
    from workstation.vault.cli import Prompter

    password = Prompter(args.password_stdin).secret(f"Password for {args.user}: ")
    with Vault(args.vault) as vault:
        vault.unlock(args.user, password)
        hits = search_entities(vault, args.term, Progress(), include_negated=args.include_negated)
    rows: list[dict[str, Any]] = [
        {
            "patient": hit.patient_identifier,
            "name": hit.patient_name,
            "session_id": hit.session_id,
            "note_id": hit.note_id,
            **hit.entity.to_dict(),
        }
        for hit in hits
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for hit in hits:
        print(
            f"{hit.patient_identifier}  {hit.patient_name}  session {hit.session_id}  "
            f"note {hit.note_id}  {hit.entity.text!r}  {','.join(hit.entity.flags) or 'affirmed'}"
        )
    patients = len({hit.patient_id for hit in hits})
    print(f"{len(hits)} mentions in the notes of {patients} patients. {DISCLAIMER}")
    return 0
