"""The wave classes the segmentation model labels every sample with."""

from __future__ import annotations

CLASSES: tuple[str, ...] = ("none", "p", "qrs", "t")
WAVES: tuple[str, ...] = ("p", "qrs", "t")
LUDB_LABELS: dict[str, str] = {"p": "p", "N": "qrs", "t": "t"}
