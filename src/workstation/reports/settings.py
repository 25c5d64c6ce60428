"""Report settings an administrator sets once per ward: institution name, paper size and the
unit ST levels are given in (mm at the report's 10 mm/mV, as on paper, or µV).

Kept in a small TOML file (``reports.toml`` in the user's configuration folder, or the file
``WORKSTATION_REPORT_SETTINGS`` names) because it is not patient data and must be readable
before anyone signs in to the vault. It is the one place: the GUI's Preferences write it
(``save_report_settings``) and every report, from the GUI or the ``report`` command, reads it.
"""

from __future__ import annotations

import enum
import json
import os
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from workstation.errors import ReportSettingsInvalid
from workstation.reports.paper import Paper
from workstation.vault.location import APP_NAME

ENV_VAR = "WORKSTATION_REPORT_SETTINGS"
FILE_NAME = "reports.toml"


class StUnits(enum.StrEnum):
    """How ST levels (and J-point amplitudes) are written: millimetres at the report gain,
    as a clinician reads them off the paper, or microvolts, as guidelines state thresholds."""

    MM = "mm"
    UV = "uV"

    @property
    def label(self) -> str:
        return "mm at report gain (10 mm/mV)" if self is StUnits.MM else "µV"


@dataclass(frozen=True, slots=True)
class ReportSettings:
    institution: str = ""
    paper: Paper = Paper.A4
    st_units: StUnits = StUnits.MM
    #: Print every minute of a long ECG's full disclosure (default: the first pages only).
    full_disclosure_all: bool = False


def settings_path() -> Path:
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / FILE_NAME


def load_report_settings(path: Path | None = None) -> ReportSettings:
    """The settings file's values; defaults (no institution, A4, ST in mm) when there is no
    file or it predates a setting."""
    path = path or settings_path()
    if not path.is_file():
        return ReportSettings()
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ReportSettingsInvalid(path, f"it is not valid TOML ({error}).") from error
    paper = str(values.get("paper", Paper.A4))
    if paper not in {p.value for p in Paper}:
        raise ReportSettingsInvalid(path, f"paper '{paper}' is neither 'A4' nor 'Letter'.")
    st_units = str(values.get("st_units", StUnits.MM))
    if st_units not in {u.value for u in StUnits}:
        raise ReportSettingsInvalid(path, f"st_units '{st_units}' is neither 'mm' nor 'uV'.")
    return ReportSettings(
        institution=str(values.get("institution", "")),
        paper=Paper(paper),
        st_units=StUnits(st_units),
    )


def save_report_settings(settings: ReportSettings, path: Path | None = None) -> Path:
    """Write the settings where ``load_report_settings`` reads them, replacing the file whole.

    The institution becomes one line of printable text (a report heading has one line;
    control characters would also need TOML escapes); JSON's string escapes are valid TOML.
    """
    path = path or settings_path()
    institution = "".join(
        " " if unicodedata.category(c) == "Cc" else c for c in settings.institution
    )
    text = (
        f"institution = {json.dumps(' '.join(institution.split()), ensure_ascii=False)}\n"
        f'paper = "{Paper(settings.paper).value}"\n'
        f'st_units = "{StUnits(settings.st_units).value}"\n'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.new")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)
    return path
