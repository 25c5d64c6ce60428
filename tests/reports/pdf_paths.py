"""Reading back what a PDF page really draws: stroked paths with their colour, from pypdf.

The report promises true scale, so tests measure the coordinates in the content stream
instead of trusting the code that wrote them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ContentStream

MM = 72 / 25.4


@dataclass
class StrokedPath:
    color: tuple[float, ...]
    subpaths: list[list[tuple[float, float]]] = field(default_factory=list)

    @property
    def points(self) -> list[tuple[float, float]]:
        return [p for sub in self.subpaths for p in sub]


@dataclass
class PageDrawing:
    paths: list[StrokedPath]
    transforms: list[tuple[float, ...]]


def page_drawing(pdf: bytes, page: int = 0) -> PageDrawing:
    reader = PdfReader(io.BytesIO(pdf))
    stream = ContentStream(reader.pages[page].get_contents(), reader)
    color: tuple[float, ...] = (0.0, 0.0, 0.0)
    current: list[list[tuple[float, float]]] = []
    paths: list[StrokedPath] = []
    transforms: list[tuple[float, ...]] = []
    for operands, operator in stream.operations:
        op = operator.decode()
        if op == "RG":
            color = tuple(round(float(v), 3) for v in operands)
        elif op == "cm":
            transforms.append(tuple(float(v) for v in operands))
        elif op == "m":
            current.append([(float(operands[0]), float(operands[1]))])
        elif op == "l":
            current[-1].append((float(operands[0]), float(operands[1])))
        elif op in ("S", "s"):
            paths.append(StrokedPath(color, current))
            current = []
        elif op in ("n", "f", "B", "b", "f*", "B*", "re"):
            current = []
    return PageDrawing(paths, transforms)
