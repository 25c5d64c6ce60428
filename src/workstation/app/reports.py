"""Export a session's signed report: make sure it is analysed, build, store, export (audited)."""

from __future__ import annotations

from pathlib import Path

from workstation.app.progress import Progress
from workstation.app.sessions import ensure_ecg_analysis
from workstation.reports import ReportSettings, load_report_settings
from workstation.reports.session_report import create_session_report
from workstation.vault import Vault


def export_session_report(
    vault: Vault,
    session_id: int,
    path: Path,
    progress: Progress,
    settings: ReportSettings | None = None,
) -> tuple[int, Path]:
    """Store the session's report signed by the vault's user and export it; (report id, file).

    A session stored without an analysis is analysed first, exactly as an import would, so
    the report and the workspace show the same analysis.
    """
    ensure_ecg_analysis(vault, session_id, progress)
    progress.step(40, "Building the report…")
    report_id = create_session_report(vault, session_id, settings or load_report_settings())
    progress.step(80, "Writing the PDF…")
    return report_id, vault.export_report(report_id, path)
