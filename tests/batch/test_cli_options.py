"""`workstation batch` refuses contradictory options in plain words, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.cli import main


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--into", "folder"], "--into folder needs --out DIR"),
        (["--into", "vault"], "--into vault needs --user"),
        (["--into", "folder", "--out", "o", "--scheduler", "tcp://h:1"], "needs --engine dask"),
        (["--into", "folder", "--out", "o", "--workers", "0"], "--workers must be 1 or more"),
    ],
)
def test_contradictory_options_are_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    options = [str(tmp_path / o) if o == "o" else o for o in options]
    assert main(["batch", str(tmp_path), *options]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert not (tmp_path / "o").exists()


def test_a_missing_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-archive"
    assert main(["batch", str(missing), "--into", "folder", "--out", str(tmp_path / "o")]) == 2
    assert f"These paths do not exist: {missing}" in capsys.readouterr().err
