"""The choices ``workstation analyze video`` offers (rPPG methods and skin regions), and the
words every screen and report uses for the methods and the engine's statuses.

They live apart from the engine so the command-line parser can list them without NumPy,
SciPy and OpenCV, which every ``workstation`` command would otherwise load at start-up.
"""

from __future__ import annotations

from enum import StrEnum

#: The rPPG methods by name: the keys of ``workstation.rppg.methods.METHODS`` (a test keeps
#: the two equal).
METHOD_NAMES = ("chrom", "contact", "green", "ica", "lgi", "omit", "pca", "pos")

#: Each method as a reader knows it: its name and the paper that defined it.
METHOD_TITLES = {
    "pos": "POS (Wang 2017)",
    "chrom": "CHROM (de Haan 2013)",
    "green": "GREEN (Verkruysse 2008)",
    "lgi": "LGI (Pilz 2018)",
    "omit": "OMIT (Casado 2023)",
    "pca": "PCA (Lewandowska 2011)",
    "ica": "ICA (Poh 2010)",
    "contact": "Contact PPG (finger on the camera)",
}

#: The engine's status codes (``VideoVitals.status``) in words.
STATUS_TITLES = {
    "ok": "Measured",
    "too_short": "Too short to measure",
    "too_dark": "Too dark to measure",
    "covered": "Camera covered",
    "no_face": "No face found",
    "low_quality": "Pulse not distinguishable from noise",
    "frozen": "The picture does not change",
}


class Roi(StrEnum):
    """Where the skin colour is taken: the tracked face, or the whole frame (skin-only clips)."""

    FACE = "face"
    FULL_FRAME = "full-frame"
