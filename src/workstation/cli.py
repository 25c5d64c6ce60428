"""The `workstation` command: the GUI by default, and headless subcommands for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from workstation import __version__
from workstation.errors import WorkstationError


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, built on each start, ``--version`` and ``inspect`` too.

    So the modules that register commands must import only argparse-level things; each
    handler imports its engine when it runs (tests/test_cli.py checks what gets loaded).
    """
    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Clinician Workstation: offline review of ECG, EEG and video vitals. "
        "For clinical review, not diagnosis.",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="show the version and the shipped models, then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="start the desktop application (the default)")
    gui.add_argument("--screenshot", type=Path, help=argparse.SUPPRESS)
    gui.set_defaults(func=_gui)

    inspect = sub.add_parser("inspect", help="summarise a recording file")
    inspect.add_argument(
        "file", type=Path, help="WFDB .hea, EDF/BDF, DICOM .dcm, HL7 aECG .xml, .zip or CSV file"
    )
    inspect.add_argument("--json", action="store_true", help="print the summary as JSON")
    inspect.add_argument(
        "--fs", type=float, help="sampling rate (Hz) of a CSV without a time column"
    )
    inspect.set_defaults(func=_inspect)

    from workstation.app.cli import add_import_parser
    from workstation.ecg.cli import add_analyze_ecg_parser
    from workstation.eeg.commands import add_analyze_eeg_parser
    from workstation.reports.cli import add_report_parser, add_verify_parser
    from workstation.rppg.cli import add_analyze_ppg_parser, add_analyze_video_parser
    from workstation.vault.cli import add_parser as add_vault_parser

    analyze = sub.add_parser("analyze", help="analyse a recording (ecg, eeg, video)")
    analyze_kinds = analyze.add_subparsers(dest="analysis", metavar="KIND", required=True)
    add_analyze_ecg_parser(analyze_kinds)
    add_analyze_eeg_parser(analyze_kinds)
    add_analyze_video_parser(analyze_kinds)
    add_analyze_ppg_parser(analyze_kinds)
    from workstation.vitals.cli import add_analyze_vitals_parser

    add_analyze_vitals_parser(analyze_kinds)
    from workstation.wellness.cli import add_analyze_wellness_parser

    add_analyze_wellness_parser(analyze_kinds)
    try:  # the ward bundle leaves training (and torch) out
        from workstation.training.cli import add_train_parser
        from workstation.training.eeg_cli import add_eeg_train_parsers
    except ImportError:
        pass
    else:
        train = sub.add_parser("train", help="train a model from the shared data sets")
        train_models = train.add_subparsers(dest="model", metavar="MODEL", required=True)
        add_train_parser(train_models)
        add_eeg_train_parsers(train_models)
    add_import_parser(sub)
    add_vault_parser(sub)
    add_report_parser(sub)
    add_verify_parser(sub)
    from workstation.batch.cli import add_batch_parser

    add_batch_parser(sub)
    from workstation.notes.cli import add_notes_parser

    add_notes_parser(sub)
    return parser


class _VersionAction(argparse.Action):
    """Print the app version and each shipped model's name, version and sha256, then exit.

    A ward can then tell exactly what it runs. Cards and hashes come from
    ``workstation.inference.cards``, imported only when asked; the registry would load
    onnxruntime, which takes longer than the whole listing.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from workstation.inference.cards import models_dir, read_card, sha256_of

        lines = [f"workstation {__version__}", f"models in {models_dir()}:"]
        for card_file in sorted(models_dir().glob("*.json")):
            card = read_card(card_file.stem)
            model = card_file.with_suffix(".onnx")
            digest = sha256_of(model.read_bytes()) if model.is_file() else "missing"
            check = "" if digest == card.get("sha256") else f"  MISMATCH: file is {digest}"
            lines.append(
                f"  {card_file.stem} {card.get('version')} sha256:{card.get('sha256')}{check}"
            )
        print("\n".join(lines))
        parser.exit()


def _inspect(args: argparse.Namespace) -> int:
    from workstation.io import read_recording
    from workstation.summary import format_summary, summarize

    summary = summarize(read_recording(args.file, fs=args.fs))
    print(json.dumps(summary, indent=2) if args.json else format_summary(summary))
    return 0


def _gui(args: argparse.Namespace) -> int:
    from workstation.ui.app import run_app

    return run_app(screenshot=getattr(args, "screenshot", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", _gui)
    try:
        return int(func(args))
    except WorkstationError as exc:
        print(f"workstation: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
