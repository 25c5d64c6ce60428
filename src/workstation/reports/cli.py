"""``workstation report SESSION_ID --out FILE.pdf`` and the PDF of ``analyze ecg --pdf``.

``report`` signs in to the vault like the vault commands (``--vault``, ``--user``, password
from the terminal or ``--password-stdin``), stores the report with the session and exports
it, an audited action. ``write_file_report`` serves scripted use without a vault: the PDF says
it is not signed and names no patient.

Only ``argparse``-level names are imported at module level: the main program builds the
``report`` parser on every start. The handlers import the PDF code, the settings file reader
and the vault when they run.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.reports.paper import Paper
from workstation.vault.location import ENV_VAR

if TYPE_CHECKING:
    from workstation.ecg.analysis import EcgAnalysis
    from workstation.recording import Recording
    from workstation.reports.settings import ReportSettings


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
    parser.set_defaults(func=report_command)


def add_paper_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--paper",
        choices=[p.value for p in Paper],
        help="paper size (default: the report settings, else A4)",
    )


def settings_for(args: argparse.Namespace) -> ReportSettings:
    from workstation.reports.settings import ReportSettings, load_report_settings

    settings = load_report_settings()
    if getattr(args, "paper", None):
        return ReportSettings(settings.institution, Paper(args.paper))
    return settings


def report_command(args: argparse.Namespace) -> int:
    from workstation.app.progress import Progress
    from workstation.app.reports import export_session_report
    from workstation.vault import Vault
    from workstation.vault.cli import Prompter

    settings = settings_for(args)
    prompter = Prompter(args.password_stdin)
    with Vault(args.vault) as vault:
        vault.unlock(args.user, prompter.secret(f"Password for {args.user}: "))
        report_id, target = export_session_report(
            vault, args.session_id, args.out, Progress(), settings
        )
    print(f"Report {report_id} stored with session {args.session_id} and exported to {target}.")
    return 0


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
