"""Reading back the filled rectangles and the text of a PDF page, from pypdf.

The video report promises grey gaps where a window was not measurable; the test measures
the rectangles in the content stream rather than trusting the code that drew them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream


@dataclass(frozen=True)
class FilledRect:
    color: tuple[float, ...]
    x: float
    y: float
    width: float
    height: float


def filled_rects(pdf: bytes, page: int = 0) -> list[FilledRect]:
    """Rectangles drawn with ``re`` and filled (``f``), with the fill colour (``rg``)."""
    reader = PdfReader(io.BytesIO(pdf))
    stream = ContentStream(reader.pages[page].get_contents(), reader)
    color: tuple[float, ...] = (0.0, 0.0, 0.0)
    pending: list[tuple[float, ...]] = []
    rects: list[FilledRect] = []
    for operands, operator in stream.operations:
        op = operator.decode()
        if op == "rg":
            color = tuple(round(float(v), 3) for v in operands)
        elif op == "re":
            pending.append(tuple(float(v) for v in operands))
        elif op in ("f", "f*"):
            rects += [FilledRect(color, *r) for r in pending]
            pending = []
        elif op in ("S", "s", "n", "B", "b", "B*", "b*", "W"):
            if op != "W":
                pending = []
    return rects


def pdf_text(pdf: bytes) -> str:
    """All pages' text with runs of white space made single spaces (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def one_line(text: str) -> str:
    return " ".join(text.split())
