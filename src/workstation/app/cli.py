"""`workstation import FILE --patient ID`: the GUI's import, from a terminal.

It runs the same use case as File › Import recording… (``app.sessions.import_recording``):
the file is read, analysed and explained before anything is written, then stored as a new
session of the patient, so the GUI opens it exactly as if it had been imported there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.errors import VaultError

if TYPE_CHECKING:
    from workstation.app.ecg_result import StoredEcg


def add_import_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="read, analyse and store a recording as a new session of a patient",
        description="Read, analyse and store a recording as a new session of a patient "
        "(the same steps as File › Import recording… in the app).",
    )
    parser.add_argument("file", type=Path, help="recording file (WFDB .hea, EDF/BDF, .zip, CSV)")
    parser.add_argument("--patient", required=True, metavar="ID", help="the patient's identifier")
    parser.add_argument(
        "--name", help="create the patient with this name ('Family, Given') if not in the vault"
    )
    parser.add_argument("--sex", choices=["F", "M", ""], default="", help="with --name")
    parser.add_argument("--user", required=True, help="the user signing in")
    parser.add_argument("--vault", type=Path, help="vault database (default: the user's vault)")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=import_command)


def import_command(args: argparse.Namespace) -> int:
    from workstation.app.progress import Progress
    from workstation.app.sessions import import_recording
    from workstation.vault import Vault
    from workstation.vault.cli import Prompter

    password = Prompter(args.password_stdin).secret(f"Password for {args.user}: ")
    with Vault(args.vault) as vault:
        vault.unlock(args.user, password)
        patient = vault.find_patient(args.patient)
        if patient is None and not args.name:
            raise VaultError(
                f"There is no patient with identifier '{args.patient}' in the vault.",
                "Check the identifier, or give --name (and --sex) to create the patient.",
            )
        if patient is None:
            patient = vault.add_patient(args.patient, args.name, args.sex)
        progress = Progress(_print_step if not args.json else _quiet)
        opened = import_recording(vault, patient.id, args.file, progress)
    summary = _summary(opened.session.id, opened.recording.modality, opened.result)
    print(json.dumps(summary, indent=2) if args.json else _words(summary))
    return 0


def _print_step(percent: int, message: str) -> None:
    print(f"[{percent:3d}%] {message}", file=sys.stderr)


def _quiet(_percent: int, _message: str) -> None:
    """No progress lines: standard output carries only the JSON."""


def _summary(session_id: int, modality: str, result: StoredEcg | None) -> dict[str, Any]:
    summary: dict[str, Any] = {"session_id": session_id, "modality": str(modality)}
    if result is not None:
        summary["heart_rate_bpm"] = result.heart_rate_bpm
        summary["statements"] = [s.get("text") for s in result.statements]
        summary["models"] = [f"{m.name} {m.version}" for m in result.models]
    return summary


def _words(summary: dict[str, Any]) -> str:
    lines = [f"Stored as session {summary['session_id']} ({summary['modality']})."]
    if "heart_rate_bpm" in summary:
        lines.append(f"Heart rate: {summary['heart_rate_bpm']} bpm")
        lines += [f"  {text}" for text in summary["statements"]]
    lines.append("For clinical review, not diagnosis.")
    return "\n".join(lines)
