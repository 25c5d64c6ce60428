import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT

from workstation import __version__
from workstation.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.splitlines()[0] == f"workstation {__version__}"


def test_inspect_json_matches_the_record(ludb_dir, capsys):
    assert main(["inspect", str(ludb_dir / "1.hea"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["format"] == "WFDB (format 16)"
    assert summary["modality"] == "ecg"
    assert summary["n_channels"] == 12 and summary["channels"][0] == {"name": "i", "unit": "mV"}
    assert summary["sampling_rate_hz"] == 500 and summary["duration_s"] == 10
    assert summary["n_annotations"] > 100
    assert len(summary["sha256"]) == 64


def test_inspect_text(edf_file, capsys):
    assert main(["inspect", str(edf_file)]) == 0
    out = capsys.readouterr().out
    assert "Sampling rate  256 Hz" in out and "Fp1 (uV)" in out and "2025-03-14T09:26:53" in out


def test_inspect_csv_with_rate_option(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("A,B\n" + "\n".join(f"{i},{i}" for i in range(50)))
    assert main(["inspect", str(path), "--fs", "25", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["duration_s"] == 2


def test_bad_file_gives_a_message_and_exit_code_2(wfdb_samples, capsys):
    assert main(["inspect", str(wfdb_samples / "n16.hea")]) == 2
    err = capsys.readouterr().err
    assert "'n16.dat'" in err and "missing" in err and "Traceback" not in err


def test_console_script_is_installed():
    script = shutil.which("workstation", path=os.path.dirname(sys.executable))
    assert script, "the console script is not installed in the environment"
    out = subprocess.run(
        [script, "--version"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert __version__ in out.stdout


#: Libraries no command may import before it knows it needs them: each adds from a tenth of a
#: second (onnxruntime) to well over a second (SciPy's signal module) to every start, and
#: `--version` or `inspect` should take a fraction of a second (benchmarks/RESULTS.md).
ENGINES = {
    "onnxruntime",
    "torch",
    "PySide6",
    "pyqtgraph",
    "scipy",
    "mne",
    "neurokit2",
    "reportlab",
    "sklearn",
    "cv2",
    "sqlcipher3",
    "sqlite_utils",
}


def packages_loaded_by(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after ``code`` ran in a new interpreter (its
    output and any ``SystemExit`` are swallowed)."""
    script = (
        "import contextlib, io, sys\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    {code}\n"
        "print(' '.join({name.partition('.')[0] for name in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_parser_and_version_load_no_engine():
    code = "from workstation.cli import build_parser, main; build_parser(); main(['--version'])"
    loaded = packages_loaded_by(code)
    assert sorted(loaded & (ENGINES | {"numpy", "pandas", "wfdb", "edfio"})) == []


def test_inspect_loads_only_the_reader_the_file_needs(ludb_dir):
    loaded = packages_loaded_by(
        f"from workstation.cli import main; main(['inspect', {str(ludb_dir / '1.hea')!r}])"
    )
    assert "wfdb" in loaded
    assert sorted(loaded & (ENGINES | {"edfio"})) == []


def test_core_modules_load_no_engine():
    loaded = packages_loaded_by("import workstation.io, workstation.recording, workstation.summary")
    assert sorted(loaded & ENGINES) == []


def test_video_choices_are_the_engines():
    """The parser lists rPPG methods from a light module; they must be the engine's."""
    from workstation.rppg.methods import METHODS
    from workstation.rppg.options import METHOD_NAMES

    assert sorted(METHOD_NAMES) == sorted(METHODS)


def test_vault_commands_are_reachable_from_the_workstation_command(tmp_path, monkeypatch, capsys):
    import io

    vault = tmp_path / "ward" / "vault.db"
    fast = ["--argon2-memory-kib", "8", "--argon2-time-cost", "1", "--argon2-parallelism", "1"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("first admin password\n"))
    assert (
        main(["vault", "init", "--admin", "root", *fast, "--vault", str(vault), "--password-stdin"])
        == 0
    )
    assert "RECOVERY KEY" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("first admin password\n"))
    assert (
        main(["vault", "verify", "--user", "root", "--vault", str(vault), "--password-stdin"]) == 0
    )


@pytest.mark.parametrize(
    "command",
    [
        ["analyze", "ecg", "{ludb}/1.hea"],
        ["analyze", "vitals", "{vitals}"],
        ["notes", "extract", "--text", "Denies chest pain."],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_json_exports_are_owner_only(command, ludb_dir, tmp_path, capsys):
    """A JSON export is patient data outside the vault's encryption: created 0600."""
    from helpers import shared

    vitals = shared("physionet2012-a", "set-a", "132551.txt")
    argv = [a.format(ludb=ludb_dir, vitals=vitals) for a in command]
    out = tmp_path / "out.json"
    assert main([*argv, "--json", str(out)]) == 0
    assert json.loads(out.read_text())
    assert out.stat().st_mode & 0o777 == 0o600
