"""``workstation report SESSION_ID --out FILE.pdf``, ``workstation verify-report FILE.pdf`` and
the PDF of ``analyze ecg --pdf``.

``report`` signs in to the vault like the vault commands (``--vault``, ``--user``, password
from the terminal or ``--password-stdin``), stores the report with the session and exports
it, an audited action. ``write_file_report`` serves scripted use without a vault: the PDF says
it is not signed and names no patient. ``verify-report`` checks an exported PDF against the
signature file written beside it; with ``--vault`` it also signs in to check that the key is
one the vault gave the named signer.

Only ``argparse``-level names are imported at module level: the main program builds the
``report`` parser on every start. The handlers import the PDF code, the settings file reader
and the vault when they run.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.reports.paper import Paper
from workstation.vault.location import ENV_VAR

if TYPE_CHECKING:
    from workstation.ecg.analysis import EcgAnalysis
    from workstation.recording import Recording
    from workstation.reports.settings import ReportSettings
    from workstation.vault import Vault


def add_report_parser(subparsers: Any) -> None:
    """Register ``report`` on the main program's ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "report",
        help="make a session's signed PDF report, store it in the vault and export it",
        description="Make the signed 12-lead ECG report of a vault session, store it with the "
        "session and export it to FILE (the export is written to the audit log). Password "
        "order with --password-stdin: the user's password.",
    )
    parser.add_argument("session_id", type=int, metavar="SESSION_ID")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    add_signing_options(parser)
    parser.add_argument(
        "--full-disclosure",
        choices=("capped", "all"),
        default="capped",
        help="a long ECG's full-disclosure pages: the first 16 pages (default) or every minute",
    )
    parser.set_defaults(func=report_command)
    add_serial_parser(subparsers)


def add_serial_parser(subparsers: Any) -> None:
    """``report-serial SESSION_A SESSION_B --out FILE.pdf``: two ECGs of one patient compared.

    A command of its own rather than ``report serial``: ``report`` takes a session id as its
    first argument, which a sub-command name there would make ambiguous.
    """
    parser = subparsers.add_parser(
        "report-serial",
        help="compare two ECG sessions of one patient in a signed PDF (serial comparison)",
        description="Compare two stored ECG sessions of the same patient (measurement changes, "
        "ST level per lead, statements added and removed, both ECGs on one sheet), store the "
        "report with the newer session and export it to FILE (audited).",
    )
    parser.add_argument("session_a", type=int, metavar="SESSION_A")
    parser.add_argument("session_b", type=int, metavar="SESSION_B")
    parser.add_argument("--out", "-o", type=Path, required=True, metavar="FILE.pdf")
    add_signing_options(parser)
    parser.set_defaults(func=serial_command)


def add_signing_options(parser: argparse.ArgumentParser) -> None:
    """The vault sign-in of a command that stores and signs a report, and its paper."""
    parser.add_argument("--user", required=True, help="the clinician signing the report")
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"vault database file (default: ${ENV_VAR}, else the user data folder)",
    )
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_paper_option(parser)


def add_verify_parser(subparsers: Any) -> None:
    """Register ``verify-report`` on the main program's ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "verify-report",
        help="check an exported report against its signature file (FILE.pdf.sig)",
        description="Check that FILE.pdf is byte for byte the PDF its signer signed, with the "
        "key named in the signature file. Without --vault only that key is checked; with "
        "--vault (and --user to sign in) the vault also confirms the key is the signer's.",
    )
    parser.add_argument("file", type=Path, metavar="FILE.pdf")
    parser.add_argument(
        "--signature", type=Path, metavar="SIG", help="signature file (default: FILE.pdf.sig)"
    )
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="PATH",
        help="also check the key against this vault's users (needs --user)",
    )
    parser.add_argument("--user", help="the vault user to sign in as for --vault")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    parser.set_defaults(func=verify_command)


def verify_command(args: argparse.Namespace) -> int:
    from workstation.errors import SignatureInvalid
    from workstation.reports.ecg_content import format_time
    from workstation.reports.signature import verify_report

    if args.vault is not None and not args.user:
        print("workstation: --vault needs --user (the account to sign in with).", file=sys.stderr)
        return 2
    verified = verify_report(args.file, args.signature)
    s = verified.signature
    lines = [
        f"Valid signature: '{args.file.name}' is unchanged since {s.signer} signed it "
        f"at {format_time(datetime.fromisoformat(s.signed_at))}.",
        f"SHA-256 {s.sha256}; Ed25519 key {s.public_key}.",
    ]
    if args.vault is None:
        lines.append(
            "The key was checked against the signature file only, not against the vault: give "
            "--vault and --user to confirm it is the key of vault user " + f"'{s.signer}'."
        )
    elif _key_in_vault(args, s.signer, s.public_key):
        lines.append(f"The vault confirms this key belongs to its user '{s.signer}'.")
    else:
        raise SignatureInvalid(
            f"The signature is valid for its key, but the vault never gave that key to its "
            f"user '{s.signer}': the signature file was made with another key than the one it "
            "claims to be.",
            "Do not rely on this copy; export the report from the workstation again.",
        )
    print("\n".join(lines))
    return 0


def _key_in_vault(args: argparse.Namespace, signer: str, public_key: str) -> bool:
    with _signed_in(args) as vault:
        return vault.key_belonged_to(signer, public_key)


def add_paper_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paper",
        choices=[p.value for p in Paper],
        help="paper size (default: the report settings, else A4)",
    )


def settings_for(args: argparse.Namespace) -> ReportSettings:
    from dataclasses import replace

    from workstation.reports.settings import load_report_settings

    settings = load_report_settings()
    if getattr(args, "paper", None):
        settings = replace(settings, paper=Paper(args.paper))
    if getattr(args, "full_disclosure", "capped") == "all":
        settings = replace(settings, full_disclosure_all=True)
    return settings


def report_command(args: argparse.Namespace) -> int:
    from workstation.app.progress import Progress
    from workstation.app.reports import export_session_report

    settings = settings_for(args)
    with _signed_in(args) as vault:
        report_id, target = export_session_report(
            vault, args.session_id, args.out, Progress(), settings
        )
    print(
        f"Report {report_id} stored with session {args.session_id} and exported to {target}; "
        f"signed by {args.user} in {target.name}.sig (check it: workstation verify-report)."
    )
    return 0


def serial_command(args: argparse.Namespace) -> int:
    from workstation.app.progress import Progress
    from workstation.app.serial_comparison import export_serial_report

    settings = settings_for(args)
    with _signed_in(args) as vault:
        report_id, target = export_serial_report(
            vault, args.session_a, args.session_b, args.out, Progress(), settings
        )
    print(
        f"Serial comparison report {report_id} stored and exported to {target}; signed by "
        f"{args.user} in {target.name}.sig (check it: workstation verify-report)."
    )
    return 0


@contextmanager
def _signed_in(args: argparse.Namespace) -> Iterator[Vault]:
    """The vault of ``--vault``, unlocked as ``--user`` (password prompted or from stdin)."""
    from workstation.vault import Vault
    from workstation.vault.cli import Prompter

    prompter = Prompter(args.password_stdin)
    with Vault(args.vault) as vault:
        vault.unlock(args.user, prompter.secret(f"Password for {args.user}: "))
        yield vault


def write_file_report(
    recording: Recording, analysis: EcgAnalysis, out: Path, sex: str | None = None
) -> Path:
    """The unsigned report of a file analysed without the vault, written to ``out``."""
    from workstation.reports.ecg_content import Signature
    from workstation.reports.ecg_inputs import explained_json, patient_from_file
    from workstation.reports.ecg_report import EcgReport, build_ecg_report
    from workstation.reports.settings import load_report_settings

    report = EcgReport(
        recording=recording,
        analysis=explained_json(analysis),
        patient=patient_from_file(recording, sex),
        signature=Signature(getpass.getuser(), "no vault sign-in", False, datetime.now(UTC)),
        settings=load_report_settings(),
    )
    from workstation.vault.files import create_private_file  # 0600: the report leaves the vault

    create_private_file(out, build_ecg_report(report))
    return out
