"""Export a session's signed report: make sure it is analysed, build, store, export (audited).

The report follows the session's modality (``reports.session_report`` picks the ECG, EEG
or video-vitals report); an ECG or EEG session stored without an analysis is analysed first,
exactly as the app would, so the report and the screen show the same analysis. The exported
PDF is signed with the exporting user's key: ``FILE.pdf.sig`` beside it
(``reports.signature``; ``workstation verify-report FILE.pdf`` checks it)."""

from __future__ import annotations

from pathlib import Path

from workstation.app.eeg_review import ensure_eeg_analysis
from workstation.app.progress import Progress
from workstation.app.sessions import ensure_ecg_analysis
from workstation.recording import Modality
from workstation.reports import ReportSettings, load_report_settings
from workstation.reports.session_report import create_session_report
from workstation.reports.signature import write_signature
from workstation.vault import Vault


def store_session_report(
    vault: Vault, session_id: int, progress: Progress, settings: ReportSettings | None = None
) -> int:
    """Analyse the session first when it has no analysis yet (as the app would), then build
    its report and store it with the session; the report id. Export and Print both start
    here, so what is printed is what is exported."""
    modality = vault.get_session(session_id).modality
    if modality == Modality.ECG:
        ensure_ecg_analysis(vault, session_id, progress)
    elif modality == Modality.EEG:
        ensure_eeg_analysis(vault, session_id, progress)
    progress.step(40, "Building the report…")
    return create_session_report(vault, session_id, settings or load_report_settings())


def export_signed_report(vault: Vault, report_id: int, path: Path, progress: Progress) -> Path:
    """Export a stored report (audited) and sign the exported bytes with the vault user's
    key, the signature file beside it; the file written."""
    progress.step(80, "Writing the PDF…")
    target = vault.export_report(report_id, path)
    progress.step(90, "Signing the PDF…")
    write_signature(vault.sign_report(report_id), target)
    return target


def export_session_report(
    vault: Vault,
    session_id: int,
    path: Path,
    progress: Progress,
    settings: ReportSettings | None = None,
) -> tuple[int, Path]:
    """Store the session's report, export it and sign the exported bytes with the vault
    user's key (the signature file beside it); (report id, file)."""
    report_id = store_session_report(vault, session_id, progress, settings)
    return report_id, export_signed_report(vault, report_id, path, progress)
