"""PDF reports (reportlab, headless): the signed 12-lead ECG report and the shared layout.

``build_ecg_report(EcgReport(...)) -> bytes`` makes the PDF in memory; ``session_report``
builds it from a vault session and stores it there. ``page_layout`` and ``waveform`` are the
pieces EEG and video-vitals reports reuse.

The names below are imported on first use (see ``workstation.lazy``): the ``report``
command's parser needs only ``paper`` and ``settings``, not reportlab's canvas and the SciPy
filters the ECG layout draws with.
"""

from typing import TYPE_CHECKING

from workstation.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, for type checkers and PyInstaller's import scan
    from workstation.reports.ecg_content import Confirmation, PatientHeader, Signature
    from workstation.reports.ecg_report import EcgReport, build_ecg_report
    from workstation.reports.paper import Paper
    from workstation.reports.settings import ReportSettings, load_report_settings

__all__ = [
    "Confirmation",
    "EcgReport",
    "Paper",
    "PatientHeader",
    "ReportSettings",
    "Signature",
    "build_ecg_report",
    "load_report_settings",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "Confirmation": "ecg_content",
        "PatientHeader": "ecg_content",
        "Signature": "ecg_content",
        "EcgReport": "ecg_report",
        "build_ecg_report": "ecg_report",
        "Paper": "paper",
        "ReportSettings": "settings",
        "load_report_settings": "settings",
    },
)
