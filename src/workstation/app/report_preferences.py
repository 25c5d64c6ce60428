"""The ward's report settings for the GUI's Preferences: the one file the reports read.

The UI reaches ``reports`` only through the application layer; this is that path for the
institution name, the paper size and the unit of ST levels (``reports.settings`` keeps the
file and its format). The Measurements tab writes ST levels in the unit the report prints.
"""

from workstation.reports.paper import Paper
from workstation.reports.settings import (
    ReportSettings,
    StUnits,
    load_report_settings,
    save_report_settings,
    settings_path,
)

__all__ = [
    "Paper",
    "ReportSettings",
    "StUnits",
    "load_report_settings",
    "save_report_settings",
    "settings_path",
]
