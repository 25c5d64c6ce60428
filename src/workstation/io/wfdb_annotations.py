"""WFDB annotations: the annotation files beside a record, read and fitted to the recording.

Kept apart from the reading flow in ``wfdb_reader`` because annotations come from their own
files (read with ``wfdb.rdann``), after the signals: finding the files, converting WFDB symbols
and spans to ``Annotation`` objects, and dropping or cutting what lies outside the recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import wfdb

from workstation.errors import InvalidRecording
from workstation.io.plausibility import within_recording as _within_recording
from workstation.recording import Annotation

#: Files sharing the record's name that are never WFDB annotation files.
_NOT_ANNOTATIONS = {
    ".hea",
    ".dat",
    ".mat",
    ".edf",
    ".bdf",
    ".rec",
    ".zip",
    ".csv",
    ".tsv",
    ".txt",
    ".wav",
    ".json",
    ".xml",
    ".pdf",
    ".png",
    ".jpg",
    ".md",
}
#: Annotation symbols that open and close a waveform span in WFDB (LUDB marks P, QRS and T
#: as "(", peak symbol, ")").
_SPAN_OPEN, _SPAN_CLOSE = "(", ")"


def _annotation_files(base: Path, data_files: list[Path]) -> Iterator[Path]:
    taken = {f.name for f in data_files}
    for candidate in sorted(base.parent.glob(f"{base.name}.*")):
        if candidate.name in taken or candidate.suffix.lower() in _NOT_ANNOTATIONS:
            continue
        if candidate.is_file() and candidate.stem == base.name:
            yield candidate


def _read_annotations(
    base: Path, channels: tuple[str, ...], fs: float, n_frames: float, data_files: list[Path]
) -> tuple[tuple[Annotation, ...], tuple[str, ...]]:
    """Annotation files beside the record; a file named after a lead belongs to that lead.

    A file that wfdb cannot parse as annotations (another signal file sharing the record
    name, such as a PTB record's .xyz) is reported in the warnings, not dropped silently.
    Annotations outside the recording (``n_frames`` frames at ``fs``) are dropped, and spans
    running past its end cut at the end, each file's with one warning.
    """
    by_name = {c.casefold(): c for c in channels}
    annotations: list[Annotation] = []
    warnings: list[str] = []
    for path in _annotation_files(base, data_files):
        extension = path.suffix[1:]
        try:
            ann = wfdb.rdann(str(base), extension)
        except Exception:
            warnings.append(
                f"'{path.name}' was not read as annotations: it is damaged or is not a WFDB "
                "annotation file."
            )
            continue
        channel = by_name.get(extension.casefold())
        inside, note = _within_recording(_convert(ann, fs, channel, path), n_frames / fs)
        annotations.extend(inside)
        if note:
            warnings.append(f"'{path.name}': {note}")
    annotations.sort(key=lambda a: (a.onset, a.channel or "", a.label))
    return tuple(annotations), tuple(warnings)


def _convert(ann: wfdb.Annotation, fs: float, channel: str | None, path: Path) -> list[Annotation]:
    """WFDB annotations to Annotation objects, pairing "(" X ")" into one span labelled X."""
    samples = np.asarray(ann.sample, dtype=np.int64)
    symbols = list(ann.symbol or [])
    notes = list(ann.aux_note or [""] * len(symbols))
    if len(symbols) != len(samples):
        raise InvalidRecording(path, "the annotation file is inconsistent (symbols ≠ samples).")
    out: list[Annotation] = []
    i = 0
    while i < len(symbols):
        if (
            symbols[i] == _SPAN_OPEN
            and i + 2 < len(symbols)
            and symbols[i + 2] == _SPAN_CLOSE
            and samples[i + 2] >= samples[i]
        ):
            onset, offset = samples[i] / fs, samples[i + 2] / fs
            out.append(Annotation(onset, offset - onset, symbols[i + 1], channel))
            i += 3
            continue
        note = (notes[i] or "").strip("\x00").strip()
        label = f"{symbols[i]} {note}".strip() if note else symbols[i]
        out.append(Annotation(samples[i] / fs, 0.0, label, channel))
        i += 1
    return out
