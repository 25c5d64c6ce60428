"""The choices ``workstation analyze video`` offers: rPPG methods and skin regions.

They live apart from the engine so the command-line parser can list them without NumPy,
SciPy and OpenCV, which every ``workstation`` command would otherwise load at start-up.
"""

from __future__ import annotations

from enum import StrEnum

#: The rPPG methods by name: the keys of ``workstation.rppg.methods.METHODS`` (a test keeps
#: the two equal).
METHOD_NAMES = ("chrom", "green", "ica", "lgi", "omit", "pca", "pos")


class Roi(StrEnum):
    """Where the skin colour is taken: the tracked face, or the whole frame (skin-only clips)."""

    FACE = "face"
    FULL_FRAME = "full-frame"
