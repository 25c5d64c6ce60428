"""PDF reports (reportlab, headless): the signed 12-lead ECG report and the shared layout.

``build_ecg_report(EcgReport(...)) -> bytes`` makes the PDF in memory; ``session_report``
builds it from a vault session and stores it there. ``page_layout`` and ``waveform`` are the
pieces EEG and video-vitals reports reuse.
"""

from workstation.reports.ecg_content import Confirmation, PatientHeader, Signature
from workstation.reports.ecg_report import EcgReport, build_ecg_report
from workstation.reports.page_layout import Paper
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
