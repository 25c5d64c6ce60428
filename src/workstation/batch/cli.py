"""`workstation batch PATH... --into vault|folder`: analyse an archive of recordings.

Registered by ``workstation.cli``; like every command module it imports only argparse-level
names here, and the handler loads the engines when it runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.errors import BatchError

if TYPE_CHECKING:
    from workstation.batch.runner import BatchSummary

DISCLAIMER = "For clinical review, not diagnosis."


def add_batch_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="analyse every ECG record under folders (into the vault or a folder)",
        description="Find the records under the given files and folders (recursively), analyse "
        "each ECG as an import does, and store the results in the vault (a session per record, "
        "for the patient an EDF+ file names, else the batch's patient) or in a folder (one "
        "JSON per record and summary.parquet). A run that was interrupted resumes: records "
        "finished earlier are not redone.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running Dask scheduler (tcp://HOST:PORT or tls://HOST:PORT); with --engine dask",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes on this machine (default 1)"
    )
    parser.add_argument("--into", choices=["vault", "folder"], required=True)
    parser.add_argument("--out", type=Path, help="output folder (with --into folder)")
    parser.add_argument("--user", help="the user signing in (with --into vault)")
    parser.add_argument("--vault", type=Path, help="vault database (default: the user's vault)")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    parser.add_argument(
        "--patient",
        metavar="ID",
        help="identifier of the patient for records whose file names none "
        "(default: BATCH- and a code of the folders given)",
    )
    parser.add_argument(
        "--redo",
        action="store_true",
        help="analyse records an earlier run finished again (the prediction cache still "
        "serves unchanged ones)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=batch_command)


def _check(args: argparse.Namespace) -> None:
    if args.workers < 1:
        raise BatchError("--workers must be 1 or more.")
    if args.scheduler and args.engine != "dask":
        raise BatchError("--scheduler needs --engine dask.")
    if args.into == "folder" and args.out is None:
        raise BatchError("--into folder needs --out DIR, the folder for the results.")
    if args.into == "vault" and not args.user:
        raise BatchError("--into vault needs --user, the user who signs in.")
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise BatchError(f"These paths do not exist: {', '.join(missing)}.")


def batch_command(args: argparse.Namespace) -> int:
    _check(args)
    from workstation.batch.engines import EngineChoice
    from workstation.batch.runner import run_batch
    from workstation.batch.sinks import FolderSink, VaultSink

    choice = EngineChoice(args.engine, args.workers, args.scheduler)
    options = {"redo": args.redo, "show_progress": not args.quiet}
    if args.into == "folder":
        summary = run_batch(args.paths, choice, FolderSink(args.out), **options)
    else:
        from workstation.vault import Vault
        from workstation.vault.cli import Prompter

        password = Prompter(args.password_stdin).secret(f"Password for {args.user}: ")
        with Vault(args.vault) as vault:
            vault.unlock(args.user, password)
            patient, name = _batch_patient(args.paths, args.patient)
            summary = run_batch(args.paths, choice, VaultSink(vault, patient, name), **options)
    print(json.dumps(_as_dict(summary), indent=2) if args.json else _words(summary))
    return summary.exit_code


def _batch_patient(paths: list[Path], given: str | None) -> tuple[str, str]:
    """The batch's patient: stable for the same folders, so a resumed run adds to it."""
    import hashlib

    if given:
        return given, given
    code = hashlib.sha256("\n".join(sorted(str(p.resolve()) for p in paths)).encode())
    identifier = f"BATCH-{code.hexdigest()[:8].upper()}"
    return identifier, f"Batch, {', '.join(p.resolve().name for p in paths)}"


def _as_dict(summary: BatchSummary) -> dict[str, Any]:
    return {
        "engine": summary.engine,
        "records_found": summary.found,
        "skipped_files": dict(summary.skipped),
        "analysed": summary.analysed,
        "served_from_cache": summary.cached,
        "refused": [{"record": n, "reason": r} for n, r in summary.refused],
        "failed": [{"record": n, "reason": r} for n, r in summary.failed],
        "done_in_earlier_run": summary.done_before,
        "duplicates": summary.duplicates,
        "seconds": round(summary.seconds, 3),
        "records_per_s": round(summary.records_per_s, 3),
    }


def _words(summary: BatchSummary) -> str:
    lines = [f"Records found: {summary.found} ({summary.engine})"]
    lines += [f"  skipped {n} file(s): {reason}" for reason, n in summary.skipped.most_common()]
    lines.append(f"Analysed: {summary.analysed + summary.cached}")
    if summary.cached:
        lines.append(f"  served from the prediction cache: {summary.cached}")
    lines.append(f"Refused: {len(summary.refused)}")
    lines += [f"  {reason}" for _name, reason in summary.refused]
    lines.append(f"Failed: {len(summary.failed)}")
    lines += [f"  {reason}" for _name, reason in summary.failed]
    if summary.done_before:
        lines.append(f"Finished in an earlier run (not redone): {summary.done_before}")
    if summary.duplicates:
        lines.append(f"Same bytes as another record (analysed once): {summary.duplicates}")
    lines.append(
        f"{summary.processed} record(s) in {summary.seconds:.1f} s "
        f"({summary.records_per_s:.2f} records/s)"
    )
    lines.append(DISCLAIMER)
    return "\n".join(lines)
