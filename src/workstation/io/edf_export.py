"""Export a Recording and the clinician's annotations as an EDF+ file, through edfio.

The file is meant to be opened elsewhere (EDFbrowser, another hospital's system) and read by a
person who cannot ask the workstation what it meant, so every compromise EDF forces is made
visible in the file itself rather than hidden:

* **Gaps.** EDF has no "missing sample" value. A gap (NaN) is written as 0 (or, when 0 lies
  outside the channel's physical range, as the range limit nearest to 0) *and* marked with an
  EDF+ annotation ``"Signal gap (no data)"`` covering it: record-wide when every channel is
  missing there, otherwise with the ``@@channel`` suffix of the channel concerned. A reader
  that ignores annotations sees a flat line there; the annotation says that it is not one,
  and the workstation's own reader turns it back into NaN (``io.edf_reader``).
* **Padding.** EDF stores whole data records. When no data-record duration divides the
  recording exactly (e.g. 2579 samples at 256 Hz), the end is padded to the next whole record
  with the same fill value and the padding carries the same gap annotation, so the file is up
  to one record longer than the recording. Whenever an exact division exists it is used.
* **Resolution.** Samples are 16-bit. Each channel's physical range is the range of its
  measured values widened by 1 % (never zero-width), so the quantisation step is
  (physical maximum − physical minimum) / 65535. A channel whose values cannot be written with
  at least ``MIN_LEVELS`` distinct levels in EDF's 8-character range fields is refused.
* **Labels and units.** EDF labels are 16 ASCII characters and units 8: a longer channel name
  is truncated, and two names that would become the same label are refused (annotations name
  channels by label, so they would become ambiguous). ``µV`` is written ``uV``; a unit EDF
  cannot hold is refused, never shortened.
* **Identity.** The patient field is ``X X X X`` (code, sex, birth date and name anonymised)
  and the recording field holds nothing but the start date: an exported file leaves the
  hospital's protected storage, so it carries no patient-identifying data. The file names the
  recording only by its start date and time.

Refusals raise ``EdfExportError`` (a ``WorkstationError``) with a message for the clinician;
nothing is left at ``path`` then, because the file is written beside it and renamed into place
only when complete.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from pathlib import Path

import edfio
import numpy as np

from workstation.errors import WorkstationError
from workstation.io.edf_reader import GAP_ANNOTATION
from workstation.recording import Recording

#: Text of the annotation that marks samples the recording does not have.
#: EDF+ convention (EDFbrowser, and our reader) for an annotation tied to one channel.
CHANNEL_SEPARATOR = "@@"
#: EDF field widths.
LABEL_LENGTH = 16
UNIT_LENGTH = 8
PREFILTER_LENGTH = 80
#: 16-bit EDF samples.
DIGITAL_RANGE = (-32768, 32767)
#: The physical range is the measured range widened by this fraction of its span.
RANGE_MARGIN = 0.01
#: Fewest digital levels a channel's measured span may cover before its export is refused.
MIN_LEVELS = 1024
#: The EDF specification's recommended largest data record.
MAX_RECORD_BYTES = 61440

_UNIT_SPELLINGS = {"µ": "u", "μ": "u", "°": "deg", "Ω": "Ohm", "²": "^2", "³": "^3"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class EdfExportError(WorkstationError):
    """The recording cannot be written as EDF+ without misleading; nothing was written."""

    def __init__(self, problem: str, advice: str = "") -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(f"The EDF+ export failed: {problem} {advice}".strip())


def write_edf_plus(
    recording: Recording,
    path: Path,
    clinician_annotations: Iterable[Mapping[str, object]] = (),
) -> Path:
    """Write ``recording`` with its annotations and the clinician's as an EDF+ file at ``path``.

    ``clinician_annotations`` are dicts with ``onset`` (seconds from the start), ``label`` and
    ``author``, optionally ``duration`` (seconds, None or absent for a point event) and
    ``lead`` or ``channel`` (a channel name, empty for the whole recording). Each is written
    as ``"label (by author)"``; the recording's own annotations are written as they are, with
    ``@@channel`` for channel-specific ones. See the module docstring for how gaps, padding,
    resolution, labels, units and the patient's identity are handled. Returns ``path``.
    """
    path = Path(path)
    labels = _labels(recording.channel_names)
    dimensions = [
        _dimension(unit, name)
        for unit, name in zip(recording.units, recording.channel_names, strict=True)
    ]
    spr, record_duration = _record_layout(recording.fs, recording.n_samples, recording.n_channels)
    n_records = math.ceil(recording.n_samples / spr)
    padding = n_records * spr - recording.n_samples
    prefilters = _prefiltering(recording, labels)
    signals = [
        _signal(recording, row, labels[row], dimensions[row], prefilters[row], padding)
        for row in range(recording.n_channels)
    ]
    annotations = [
        *_recording_annotations(recording, labels),
        *_gap_annotations(recording, labels, padding),
        *_clinician_annotations(clinician_annotations, recording, labels),
    ]
    recording_field, start_clock = _header(recording.start_time)
    try:
        edf = edfio.Edf(
            signals,
            patient=edfio.Patient(),
            recording=recording_field,
            starttime=start_clock,
            data_record_duration=record_duration,
            annotations=annotations,
        )
    except ValueError as exc:  # edfio's own consistency checks; ours should have caught it
        raise EdfExportError(f"edfio refused the file layout ({exc}).") from exc
    _write_atomically(edf, path)
    return path


# Channels ---------------------------------------------------------------------------------


def _labels(names: Sequence[str]) -> list[str]:
    """EDF labels: printable ASCII, at most 16 characters, unique regardless of case."""
    labels = []
    for name in names:
        if not _is_header_text(name):
            raise EdfExportError(
                f"the channel name '{name}' contains characters an EDF label cannot hold "
                "(only printable ASCII is allowed).",
                "Rename the channel before exporting.",
            )
        label = name.strip()[:LABEL_LENGTH].strip()
        if label.casefold() in ("edf annotations", "bdf annotations"):
            raise EdfExportError(
                f"a channel is named '{name}', which EDF reserves for its annotation signal.",
                "Rename the channel before exporting.",
            )
        labels.append(label)
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        key = label.casefold()
        if key in seen:
            first, second = names[seen[key]], names[index]
            why = (
                f"both become the label '{label}' once cut to EDF's {LABEL_LENGTH} characters"
                if (first.strip(), second.strip()) != (labels[seen[key]], label)
                else f"EDF readers cannot tell '{labels[seen[key]]}' and '{label}' apart"
            )
            raise EdfExportError(
                f"the channels '{first}' and '{second}' would share one EDF label: {why}, so "
                "their signals and annotations would be confused.",
                "Rename or leave out one of the channels before exporting.",
            )
        seen[key] = index
    return labels


def _dimension(unit: str, channel: str) -> str:
    """The EDF physical dimension: µV → uV, °C → degC, Ω → Ohm; anything else unchanged."""
    text = unit.strip()
    for char, spelling in _UNIT_SPELLINGS.items():
        text = text.replace(char, spelling)
    if not _is_header_text(text) or len(text) > UNIT_LENGTH:
        raise EdfExportError(
            f"the unit '{unit}' of channel '{channel}' cannot be written in EDF's "
            f"{UNIT_LENGTH}-character ASCII unit field, and a shortened unit could be misread.",
            "Convert the channel to a standard unit (e.g. uV, mV, %) before exporting.",
        )
    return text


def _prefiltering(recording: Recording, labels: list[str]) -> list[str]:
    """Per channel, the device's filter description the reader kept ('name: text; …')."""
    out = [""] * recording.n_channels
    index = {name.casefold(): i for i, name in enumerate(recording.channel_names)}
    for part in str(recording.metadata.get("prefiltering", "")).split("; "):
        name, sep, text = part.partition(": ")
        row = index.get(name.strip().casefold())
        text = text.strip()
        if sep and row is not None and _is_header_text(text) and len(text) <= PREFILTER_LENGTH:
            out[row] = text
    return out


def _signal(
    recording: Recording, row: int, label: str, dimension: str, prefilter: str, padding: int
) -> edfio.EdfSignal:
    """One channel as 16-bit EDF: range from its measured values, gaps and padding filled."""
    values = recording.signals[row].astype(np.float64)
    finite = np.isfinite(values)
    measured = values[finite]
    low, high = (float(measured.min()), float(measured.max())) if measured.size else (0.0, 0.0)
    phys_min, phys_max = _physical_range(low, high, recording.channel_names[row], dimension)
    fill = min(max(0.0, phys_min), phys_max)
    values[~finite] = fill
    if padding:
        values = np.concatenate([values, np.full(padding, fill)])
    signal = edfio.EdfSignal(
        values,
        sampling_frequency=recording.fs,
        label=label,
        physical_dimension=dimension,
        physical_range=(phys_min, phys_max),
        digital_range=DIGITAL_RANGE,
        prefiltering=prefilter,
    )
    if not (signal.physical_min <= low and high <= signal.physical_max):  # pragma: no cover
        raise EdfExportError(f"the range of channel '{recording.channel_names[row]}' is wrong.")
    return signal


def _physical_range(low: float, high: float, channel: str, unit: str) -> tuple[float, float]:
    """The measured range widened by 1 %, as numbers that fit EDF's 8-character fields."""
    span = high - low
    margin = span * RANGE_MARGIN if span > 0 else (abs(low) * RANGE_MARGIN or 1.0)
    phys_min = _fit_8_characters(low - margin, ROUND_FLOOR, channel)
    phys_max = _fit_8_characters(high + margin, ROUND_CEILING, channel)
    if span > 0 and span / (phys_max - phys_min) * (DIGITAL_RANGE[1] - DIGITAL_RANGE[0]) < (
        MIN_LEVELS
    ):
        raise EdfExportError(
            f"the values of channel '{channel}' ({low:.10g} to {high:.10g} {unit}) vary too little "
            "for their size to be written with EDF's 8-character range fields without losing "
            "most of their resolution.",
            "Convert the channel to a smaller unit or remove its constant offset, then export "
            "again.",
        )
    return phys_min, phys_max


def _fit_8_characters(value: float, rounding: str, channel: str) -> float:
    """The finest number at or beyond ``value`` (outward) that EDF's 8-character field holds.

    edfio writes the field as ``str(float)``, which switches to exponent notation below 1e-4,
    so such magnitudes are rounded outward to 0 or ±0.0001 instead.
    """
    exact = Decimal(value)
    for decimals in range(7, -1, -1):
        candidate = float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=rounding))
        if candidate != 0 and abs(candidate) < 1e-4:
            continue
        text = str(int(candidate)) if candidate.is_integer() else str(candidate)
        if len(text) <= 8 and "e" not in text:
            return candidate
    raise EdfExportError(
        f"the values of channel '{channel}' (about {value:g}) are too large for EDF's "
        "8-character range fields.",
        "Convert the channel to a larger unit before exporting.",
    )


# Data records -----------------------------------------------------------------------------


def _record_layout(fs: float, n_samples: int, n_channels: int) -> tuple[int, float]:
    """Samples per data record and the record duration.

    The duration must be written exactly in the 8-character header field (so a reader
    recomputes exactly ``fs``) and hold a whole number of samples. Among such durations,
    one that divides the recording into whole records is always preferred (no padding);
    then records within the specification's 61440 bytes; then the one closest to 1 s.
    """
    rate = Fraction(fs).limit_denominator(1_000_000)
    exact = [s for s in _divisors(n_samples) if _duration_text(s, rate, fs) is not None]
    candidates = exact or _padded_candidates(rate, fs)
    if not candidates:
        raise EdfExportError(
            f"the sampling rate {fs:g} Hz cannot be written exactly in EDF, whose header "
            "gives it as samples per data record over an 8-character record duration.",
            "Resample the recording to a rate such as 250, 256, 500 or 1000 Hz first.",
        )

    def score(spr: int) -> tuple[bool, float]:
        duration = spr / fs
        return (n_channels * spr * 2 > MAX_RECORD_BYTES, abs(math.log(duration)))

    spr = min(candidates, key=score)
    return spr, float(_duration_text(spr, rate, fs))  # type: ignore[arg-type]


def _duration_text(spr: int, rate: Fraction, fs: float) -> str | None:
    """The header text of the duration ``spr / rate`` if EDF can hold it exactly, else None.

    Exactly means: a terminating decimal of at most 8 characters without an exponent, written
    by edfio as that same number, from which a reader recomputes exactly ``fs``.
    """
    duration = Fraction(spr) / rate
    denominator = duration.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return None
    value = float(duration)
    text = str(int(value)) if value.is_integer() else str(value)
    if len(text) > 8 or "e" in text or Fraction(Decimal(text)) != duration:
        return None
    return text if spr / value == fs else None


#: Record durations tried (besides the shortest ones) when the recording has to be padded.
_PADDED_DURATIONS = (0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 30, 60)


def _padded_candidates(rate: Fraction, fs: float) -> list[int]:
    """Record lengths in samples whose duration EDF holds exactly, for a padded recording."""
    step = rate.numerator  # the duration terminates iff spr has p's factors other than 2, 5
    for prime in (2, 5):
        while step % prime == 0:
            step //= prime
    lengths = {step * k for k in range(1, 2001)}
    lengths |= {step * max(1, math.ceil(fs * d / step)) for d in _PADDED_DURATIONS}
    return sorted(spr for spr in lengths if _duration_text(spr, rate, fs) is not None)


def _divisors(n: int) -> list[int]:
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small)})


# Annotations ------------------------------------------------------------------------------


def _recording_annotations(recording: Recording, labels: list[str]) -> list[edfio.EdfAnnotation]:
    return [
        edfio.EdfAnnotation(
            a.onset,
            a.duration or None,
            _text(a.label) + _channel_suffix(a.channel, recording, labels),
        )
        for a in recording.annotations
    ]


def _gap_annotations(
    recording: Recording, labels: list[str], padding: int
) -> list[edfio.EdfAnnotation]:
    """One annotation per run of missing samples: record-wide where all channels miss it."""
    fs = recording.fs
    out = []
    missing = np.isnan(recording.signals)
    everywhere = missing.all(axis=0)
    runs = _runs(everywhere)
    if padding:
        if runs and runs[-1][1] == recording.n_samples:
            runs[-1] = (runs[-1][0], recording.n_samples + padding)
        else:
            runs.append((recording.n_samples, recording.n_samples + padding))
    out += [edfio.EdfAnnotation(a / fs, (b - a) / fs, GAP_ANNOTATION) for a, b in runs]
    for row, label in enumerate(labels):
        for a, b in _runs(missing[row] & ~everywhere):
            out.append(
                edfio.EdfAnnotation(
                    a / fs, (b - a) / fs, f"{GAP_ANNOTATION}{CHANNEL_SEPARATOR}{label}"
                )
            )
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) sample indices of each run of True."""
    if not mask.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _clinician_annotations(
    items: Iterable[Mapping[str, object]], recording: Recording, labels: list[str]
) -> list[edfio.EdfAnnotation]:
    out = []
    for number, item in enumerate(items, start=1):
        try:
            onset = float(item["onset"])  # type: ignore[arg-type]
            raw_duration = item.get("duration")
            duration = None if raw_duration is None else float(raw_duration)  # type: ignore[arg-type]
            label = str(item["label"]).strip()
            author = str(item["author"]).strip()
        except (KeyError, TypeError, ValueError) as exc:
            raise EdfExportError(
                f"clinician annotation {number} is incomplete or malformed ({exc!r}); it "
                "needs an onset in seconds, a label and an author."
            ) from exc
        if not math.isfinite(onset) or (
            duration is not None and not (math.isfinite(duration) and duration >= 0)
        ):
            raise EdfExportError(
                f"clinician annotation {number} ('{label}') has an invalid onset or duration."
            )
        if not author:
            raise EdfExportError(
                f"clinician annotation {number} ('{label}') names no author, and an exported "
                "annotation must say who made it."
            )
        channel = str(item.get("lead") or item.get("channel") or "").strip() or None
        text = f"{_text(label)} (by {_text(author)})"
        out.append(
            edfio.EdfAnnotation(
                onset, duration or None, text + _channel_suffix(channel, recording, labels)
            )
        )
    return out


def _channel_suffix(channel: str | None, recording: Recording, labels: list[str]) -> str:
    """``@@label`` naming the channel as it is labelled in the file ('' for none)."""
    if not channel:
        return ""
    wanted = channel.casefold()
    for name, label in zip(recording.channel_names, labels, strict=True):
        if name.casefold() == wanted:
            return CHANNEL_SEPARATOR + label
    return CHANNEL_SEPARATOR + _text(channel)


def _text(text: str) -> str:
    """Annotation text without the control characters EDF+ uses as separators."""
    return _CONTROL.sub(" ", text).strip()


# Header and file --------------------------------------------------------------------------


def _header(start: datetime | None) -> tuple[edfio.Recording, time | None]:
    """The recording field (start date only) and the start time; 'X' when unknown.

    A time-zone-aware start is written as its own wall-clock time: EDF has no time zone.
    """
    if start is None:
        return edfio.Recording(), None
    if not 1985 <= start.year <= 2084:
        raise EdfExportError(
            f"the recording's start date {start:%Y-%m-%d} is outside the years EDF can hold "
            "(1985–2084), so the device clock was probably wrong.",
            "Correct the recording's start date before exporting.",
        )
    return edfio.Recording(startdate=start.date()), start.time().replace(tzinfo=None)


def _write_atomically(edf: edfio.Edf, path: Path) -> None:
    """Write beside ``path`` and rename into place, so a failure leaves no partial file.

    The file keeps ``mkstemp``'s owner-only permissions (0600): it is clinical data.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        edf.write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _is_header_text(text: str) -> bool:
    return text.isascii() and text.isprintable()
