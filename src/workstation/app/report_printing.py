"""Printing a session's report: the same stored PDF that Export writes, as page images.

A printer takes pages, not PDF bytes, and this installation has no in-process PDF renderer
(PySide6-Essentials leaves QtPdf out; none is in the lock). The one renderer the project
already depends on is poppler's ``pdftoppm`` (``make system-deps``), so pages are rendered by
it, PDF in on stdin and PPM out on stdout: no page image touches the disk, where it would
sit outside the vault's encryption. Each page keeps the resolution it was rendered at, so
the GUI can paint it at its true size (25 mm/s stays 25 mm/s on paper). Without
``pdftoppm`` printing refuses with a reason and the way round it (export, then print).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from workstation.app.progress import Progress
from workstation.app.reports import store_session_report
from workstation.errors import PrintingUnavailable
from workstation.reports import ReportSettings
from workstation.vault import Vault

MM_PER_INCH = 25.4
#: Highest resolution pages are rendered at: 300 dpi puts 11.8 dots in each 1 mm square of
#: the ECG grid; beyond it an A4 page's image grows with the square of the resolution.
MAX_DPI = 300
RENDER_TIMEOUT_S = 120


@dataclass(frozen=True, slots=True)
class PageImage:
    """One rendered page: RGB rows (3 bytes a pixel) at ``dpi`` dots per inch of paper."""

    width: int
    height: int
    dpi: float
    rgb: bytes

    @property
    def size_mm(self) -> tuple[float, float]:
        return self.width / self.dpi * MM_PER_INCH, self.height / self.dpi * MM_PER_INCH


def session_report_for_print(
    vault: Vault, session_id: int, progress: Progress, settings: ReportSettings | None = None
) -> bytes:
    """The session's report as Export makes it (analysed first when needed, stored in the
    vault), read back from the vault: what is printed is what is stored."""
    return vault.load_report(store_session_report(vault, session_id, progress, settings))


def render_pages(pdf: bytes, dpi: float) -> list[PageImage]:
    """Every page of ``pdf`` rendered at ``dpi`` (at most MAX_DPI), in page order."""
    renderer = shutil.which("pdftoppm")
    if renderer is None:
        raise PrintingUnavailable("the page renderer 'pdftoppm' is not installed.")
    resolution = round(min(dpi, MAX_DPI))
    done = subprocess.run(  # noqa: S603 (a fixed program; the PDF goes in on stdin)
        [renderer, "-r", str(resolution), "-"],
        input=pdf,
        capture_output=True,
        timeout=RENDER_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrintingUnavailable(f"'pdftoppm' could not render it ({'; '.join(reason[-2:])}).")
    pages = _ppm_pages(done.stdout, resolution)
    if not pages:
        raise PrintingUnavailable("'pdftoppm' rendered no page.")
    return pages


def _ppm_pages(data: bytes, dpi: float) -> list[PageImage]:
    """Split pdftoppm's concatenated binary PPM (P6, maxval 255) images."""
    pages, at = [], 0
    while at < len(data):
        fields: list[bytes] = []
        while len(fields) < 4:
            while data[at : at + 1].isspace():
                at += 1
            end = at
            while end < len(data) and not data[end : end + 1].isspace():
                end += 1
            fields.append(data[at:end])
            at = end
        if fields[0] != b"P6" or fields[3] != b"255":
            raise PrintingUnavailable("'pdftoppm' returned pages in an unexpected format.")
        width, height = int(fields[1]), int(fields[2])
        at += 1  # the single whitespace byte before the pixels
        size = width * height * 3
        pages.append(PageImage(width, height, dpi, data[at : at + size]))
        at += size
    return pages
