"""A reportlab canvas that writes reproducible, privacy-minded PDFs with "page n of m" footers.

- Reproducible: ``invariant=1`` fixes the document id and reportlab's own timestamps, and the
  creation/modification dates are the report's time, so the same session and time give the
  same bytes (a stored report can be re-derived and compared byte for byte).
- Privacy: the document information dictionary holds only what ``PdfMetadata`` states, which
  callers fill with generator, version and report kind, never patient data: file managers and
  document indexes show metadata without opening the page.
- Page numbers: a footer needs the total page count, known only at the end, so pages are kept
  until ``save`` and the footer callback draws on each with the total.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportlab import Version as REPORTLAB_VERSION
from reportlab.pdfgen.canvas import Canvas

from workstation import __version__

GENERATOR = f"Clinician Workstation {__version__}"

FooterDrawer = Callable[[Canvas, int, int], None]


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    """The PDF information dictionary; keep patient data out of every field."""

    title: str
    subject: str
    author: str = GENERATOR
    creator: str = GENERATOR
    producer: str = f"{GENERATOR} (ReportLab {REPORTLAB_VERSION})"
    keywords: str = ""


def pdf_date(when: datetime) -> Callable[..., str]:
    """A reportlab date formatter that always writes ``when`` in UTC."""
    utc = when.astimezone(UTC)
    text = utc.strftime("D:%Y%m%d%H%M%S+00'00'")

    def formatter(*_ignored: Any) -> str:
        return text

    return formatter


class NumberedCanvas(Canvas):
    """Holds finished pages until ``save`` so the footer can say "page n of m"."""

    def __init__(self, *args: Any, footer: FooterDrawer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


def render_pdf(
    pagesize: tuple[float, float],
    metadata: PdfMetadata,
    created: datetime,
    draw_pages: Callable[[Canvas], None],
    footer: FooterDrawer,
) -> bytes:
    """Run ``draw_pages`` (which calls ``showPage`` after each page) and return the PDF bytes.

    Built in memory: no temporary file ever holds the patient's page.
    """
    buffer = io.BytesIO()
    canvas = NumberedCanvas(
        buffer, pagesize=pagesize, invariant=1, pageCompression=1, footer=footer
    )
    canvas.setTitle(metadata.title)
    canvas.setSubject(metadata.subject)
    canvas.setAuthor(metadata.author)
    canvas.setCreator(metadata.creator)
    canvas.setProducer(metadata.producer)
    canvas.setKeywords(metadata.keywords)
    canvas.setDateFormatter(pdf_date(created))
    draw_pages(canvas)
    canvas.save()
    return buffer.getvalue()
