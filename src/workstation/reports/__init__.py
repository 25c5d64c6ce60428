"""PDF reports (reportlab, headless): the signed ECG, EEG and video-vitals reports.

``build_ecg_report(EcgReport(...)) -> bytes`` makes the ECG PDF in memory, and
``build_eeg_report``/``build_video_report`` the EEG and video-vitals ones; ``session_report``
picks the report by the vault session's modality, builds it and stores it there.
``page_layout``, ``waveform``, ``plots`` and ``session_parts`` are the shared pieces.

The names below are imported on first use (see ``workstation.lazy``): the ``report``
command's parser needs only ``paper`` and ``settings``, not reportlab's canvas and the SciPy
filters the ECG layout draws with.
"""

from typing import TYPE_CHECKING

from workstation.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, for type checkers and PyInstaller's import scan
    from workstation.reports.ecg_content import Confirmation, PatientHeader, Signature
    from workstation.reports.ecg_report import EcgReport, build_ecg_report
    from workstation.reports.eeg_report import EegReport, build_eeg_report
    from workstation.reports.paper import Paper
    from workstation.reports.settings import ReportSettings, load_report_settings
    from workstation.reports.video_report import VideoReport, build_video_report

__all__ = [
    "Confirmation",
    "EcgReport",
    "EegReport",
    "Paper",
    "PatientHeader",
    "ReportSettings",
    "Signature",
    "VideoReport",
    "build_ecg_report",
    "build_eeg_report",
    "build_video_report",
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
        "EegReport": "eeg_report",
        "build_eeg_report": "eeg_report",
        "VideoReport": "video_report",
        "build_video_report": "video_report",
        "Paper": "paper",
        "ReportSettings": "settings",
        "load_report_settings": "settings",
    },
)
