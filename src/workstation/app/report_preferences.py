"""The ward's report settings for the GUI's Preferences: the one file the reports read.

The UI reaches ``reports`` only through the application layer; this is that path for the
institution name and the paper size (``reports.settings`` keeps the file and its format).
"""

from workstation.reports.paper import Paper
from workstation.reports.settings import (
    ReportSettings,
    load_report_settings,
    save_report_settings,
    settings_path,
)

__all__ = [
    "Paper",
    "ReportSettings",
    "load_report_settings",
    "save_report_settings",
    "settings_path",
]
