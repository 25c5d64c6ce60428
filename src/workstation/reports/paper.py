"""The paper sizes a ward prints on, apart from the drawing code.

``Paper`` is all that the report settings and the ``report`` command's ``--paper`` choices
need; keeping it out of ``page_layout`` (and reportlab out of it until a size is asked for)
lets the ``workstation`` command build its parser without loading the PDF machinery.
"""

from __future__ import annotations

import enum


class Paper(enum.StrEnum):
    """Paper the ward prints on; reports are landscape like an ECG cart's."""

    A4 = "A4"
    LETTER = "Letter"

    @property
    def size(self) -> tuple[float, float]:
        from reportlab.lib.pagesizes import A4, LETTER, landscape

        return landscape(A4 if self is Paper.A4 else LETTER)
