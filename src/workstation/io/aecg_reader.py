"""HL7 v3 annotated ECG (aECG) XML, the FDA's format for trial ECGs, parsed with a hardened lxml.

An aECG file holds ``AnnotatedECG → component/series → component/sequenceSet →
component/sequence``: one sequence of sample times (``TIME_ABSOLUTE`` or ``TIME_RELATIVE``,
a head and an increment) and one per lead (``MDC_ECG_LEAD_I`` …, an ``SLIST_PQ`` of integer
digits with an origin and a scale: value = origin + scale × digit). A series may carry its
median beats as a ``derivation/derivedSeries``; the workstation measures its own beats from
the rhythm, so medians are skipped, with a warning, and a file of medians alone is refused.

XML from outside is hostile until proven otherwise. The file is refused before it is parsed
when it declares entities (a DOCTYPE with ``<!ENTITY``: "billion laughs" expansion, external
entities that read local files such as ``/etc/passwd``); aECG never needs one. The parser
itself resolves no entity, loads no DTD, opens no network and keeps lxml's size limits, and
the parsed tree is checked again for entities, so a variant the byte scan missed is refused
too. The file's size, the number of digits of each lead and the rate are checked against
the shared limits (``limits``) before any sample is converted.
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
from lxml import etree

from workstation.channels import ECG_LEAD_LABELS, canonical_lead
from workstation.errors import InvalidRecording
from workstation.io.limits import LIMIT_ADVICE, check_declared_size
from workstation.recording import Modality, Recording, sha256_of_files

HL7 = "urn:hl7-org:v3"
_NS = {"h": HL7}
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
#: lxml keeps the whole tree in memory; a 10 s 12-lead aECG is well under 1 MiB, a long one
#: a few hundred MiB.
MAX_XML_BYTES = 1 << 30
_TIME_CODES = {"TIME_ABSOLUTE", "TIME_RELATIVE"}
_MEDIAN_CODES = {"REPRESENTATIVE_BEAT", "MEDIAN_BEAT"}
_LEAD_PREFIX = "MDC_ECG_LEAD_"
_SECONDS_PER_UNIT = {"s": 1.0, "ms": 1e-3, "us": 1e-6}
#: UCUM voltage units, case-sensitive as UCUM is.
_MICROVOLTS_PER_UNIT = {"uV": 1.0, "mV": 1e3, "V": 1e6, "nV": 1e-3}
#: "<!DOCTYPE" and "<!ENTITY" as they appear in the bytes of an ASCII-compatible or UTF-16 file.
_ENTITY_MARKS = tuple(
    ("<!DOCTYPE".encode(codec), "<!ENTITY".encode(codec))
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)
_TOKEN = re.compile(r"\S+")
#: HL7 TS: YYYYMMDD[HH[MM[SS[.f]]]][+/-ZZZZ].
_TS = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,6})\d*)?([+-]\d{4})?$")
_EXPORT_ADVICE = "Export the ECG again from the cart or the trial's ECG system as HL7 aECG."


def read_aecg(path: Path) -> Recording:
    """Read the rhythm leads of an HL7 aECG file."""
    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise InvalidRecording(
            path,
            f"the XML file is {size / (1 << 30):,.1f} GiB; the workstation reads aECG files of "
            f"at most {MAX_XML_BYTES / (1 << 30):g} GiB.",
            LIMIT_ADVICE,
        )
    raw = path.read_bytes()
    _refuse_entities(raw, path)
    root = _parse(raw, path)
    sequences, notes = _rhythm_sequences(root, path)
    fs, head = _time_axis(sequences, path)
    leads = [s for s in sequences if _code(s) not in _TIME_CODES]
    names, name_notes = _lead_names(leads)
    counts = [_count(_digits_text(s)) for s in leads]
    _check_lengths(names, counts, path)
    check_declared_size(path, channels=len(leads), samples=max(counts), fs=fs)
    signals = np.empty((len(leads), counts[0]), dtype=np.float32)
    for row, (name, sequence) in enumerate(zip(names, leads, strict=True)):
        signals[row] = _microvolts(sequence, name, counts[row], path)
    start, start_notes = _start_time(root, head)
    return Recording(
        signals=signals,
        fs=fs,
        channel_names=names,
        units=("µV",) * len(names),
        modality=Modality.ECG,
        start_time=start,
        source_name=path.name,
        source_sha256=sha256_of_files([path]),
        source_format="HL7 aECG",
        warnings=(*notes, *name_notes, *start_notes),
    )


def _refuse_entities(raw: bytes, path: Path) -> None:
    """Refuse a document type declaration with entities, before the parser sees it."""
    for doctype, entity in _ENTITY_MARKS:
        if doctype in raw and entity in raw:
            _entities_refused(path)


def _entities_refused(path: Path) -> None:
    raise InvalidRecording(
        path,
        "the XML file declares entities in a document type declaration (<!DOCTYPE … "
        "<!ENTITY …>). HL7 aECG files never do, and such declarations can make a reader "
        "expand text without limit or read other files, so the file was not opened.",
        _EXPORT_ADVICE,
    )


def _parse(raw: bytes, path: Path) -> etree._Element:
    """The document parsed without entities, DTDs, network or lxml's huge-tree mode."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidRecording(
            path, "the XML file is not well-formed: it is damaged or truncated.", _EXPORT_ADVICE
        ) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if (dtd is not None and any(True for _ in dtd.iterentities())) or any(
        True for _ in root.iter(etree.Entity)
    ):
        _entities_refused(path)
    if root.tag != f"{{{HL7}}}AnnotatedECG":
        raise InvalidRecording(
            path,
            "the XML file is not an HL7 annotated ECG (its root element is not AnnotatedECG in "
            "the HL7 v3 namespace).",
            _EXPORT_ADVICE,
        )
    return root


def _code(element: etree._Element) -> str:
    code = element.find("h:code", _NS)
    return "" if code is None else str(code.get("code", "")).strip()


def _rhythm_sequences(root: etree._Element, path: Path) -> tuple[list[etree._Element], list[str]]:
    """The sequences of the first rhythm series' first sequence set, and notes on the rest."""
    series = root.findall("h:component/h:series", _NS)
    medians = [s for s in series if _code(s) in _MEDIAN_CODES]
    medians += [d for s in series for d in s.findall("h:derivation/h:derivedSeries", _NS)]
    found = [
        seq_set
        for s in series
        if _code(s) not in _MEDIAN_CODES
        for seq_set in s.findall("h:component/h:sequenceSet", _NS)
        if seq_set.findall("h:component/h:sequence", _NS)
    ]
    if not found:
        if medians:
            raise InvalidRecording(
                path,
                "the file holds median beats only, no rhythm recording: the workstation "
                "measures its own beats from the recorded rhythm.",
                "Export the ECG again with its rhythm series.",
            )
        raise InvalidRecording(path, "the aECG file holds no ECG waveform.", _EXPORT_ADVICE)
    notes = []
    if medians:
        notes.append(
            "the file's median beats were skipped; the rhythm recording is shown and the "
            "workstation measures its own beats from it."
        )
    if len(found) > 1:
        notes.append(f"the file holds {len(found)} rhythm sequence sets; only the first is shown.")
    return found[0].findall("h:component/h:sequence", _NS), notes


def _time_axis(sequences: list[etree._Element], path: Path) -> tuple[float, str]:
    """The sampling rate from the time sequence's increment, and its head when that is a time
    stamp (TIME_ABSOLUTE; a TIME_RELATIVE head is an offset such as '0 s')."""
    times = [s for s in sequences if _code(s) in _TIME_CODES]
    if not times:
        raise InvalidRecording(
            path,
            "the file has no time sequence (TIME_ABSOLUTE or TIME_RELATIVE), so its sampling "
            "rate is unknown.",
            _EXPORT_ADVICE,
        )
    value = times[0].find("h:value", _NS)
    increment = None if value is None else value.find("h:increment", _NS)
    head = None if value is None else value.find("h:head", _NS)
    if increment is None:
        raise InvalidRecording(
            path,
            "the file's time sequence states no increment (the time between samples), so its "
            "sampling rate is unknown.",
            _EXPORT_ADVICE,
        )
    unit = str(increment.get("unit", "s")).strip()
    try:
        step = float(increment.get("value", "")) * _SECONDS_PER_UNIT[unit]
    except (KeyError, ValueError):
        step = math.nan
    if not (math.isfinite(step) and step > 0):
        raise InvalidRecording(
            path,
            f"the time between samples ('{increment.get('value')}' {unit}) is not a positive "
            "time in s or ms.",
            _EXPORT_ADVICE,
        )
    absolute = _code(times[0]) == "TIME_ABSOLUTE" and head is not None
    return round(1.0 / step, 9), str(head.get("value", "")).strip() if absolute else ""


def _lead_names(leads: list[etree._Element]) -> tuple[tuple[str, ...], list[str]]:
    """'MDC_ECG_LEAD_AVR' -> 'aVR'; another lead keeps its own name, with a note."""
    names, notes = [], []
    for i, sequence in enumerate(leads):
        code = _code(sequence)
        own = code.removeprefix(_LEAD_PREFIX) or f"lead {i + 1}"
        lead = canonical_lead(own)
        if lead is None:
            notes.append(
                f"lead '{own}' is not one of the 12 standard leads; it is kept under its own name."
            )
            names.append(own)
        else:
            names.append(ECG_LEAD_LABELS[lead])
    return tuple(names), notes


def _digits_text(sequence: etree._Element) -> str:
    digits = sequence.find("h:value/h:digits", _NS)
    return "" if digits is None or digits.text is None else digits.text


def _count(text: str) -> int:
    """The number of values in a digits list, counted without splitting it into a list."""
    return sum(1 for _ in _TOKEN.finditer(text))


def _check_lengths(names: tuple[str, ...], counts: list[int], path: Path) -> None:
    if not names:
        raise InvalidRecording(path, "the file's rhythm series holds no leads.", _EXPORT_ADVICE)
    empty = [n for n, c in zip(names, counts, strict=True) if c == 0]
    if empty:
        raise InvalidRecording(
            path, f"lead {empty[0]} holds no samples (its digits are empty).", _EXPORT_ADVICE
        )
    if len(set(counts)) > 1:
        shown = ", ".join(f"{n}: {c:,}" for n, c in zip(names, counts, strict=True))
        raise InvalidRecording(
            path,
            f"the leads hold different numbers of samples ({shown}); they cannot be placed on "
            "one time axis.",
            _EXPORT_ADVICE,
        )


def _microvolts(sequence: etree._Element, name: str, count: int, path: Path) -> np.ndarray:
    """origin + scale × digits, in µV; a lead that is not a calibrated voltage is refused."""
    value = sequence.find("h:value", _NS)
    kind = "" if value is None else str(value.get(_XSI_TYPE, "")).split(":")[-1]
    scale = None if value is None else value.find("h:scale", _NS)
    if kind != "SLIST_PQ" or scale is None:
        raise InvalidRecording(
            path,
            f"lead {name} states no scale with a unit (an SLIST_PQ value), so its values "
            "cannot be shown in microvolts.",
            _EXPORT_ADVICE,
        )
    origin = value.find("h:origin", _NS)
    scale_uv = _quantity(scale, name, path)
    origin_uv = 0.0 if origin is None else _quantity(origin, name, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        try:
            digits = np.fromstring(_digits_text(sequence), dtype=np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            digits = np.empty(0)
    if digits.size != count or not np.isfinite(digits).all():
        raise InvalidRecording(
            path, f"lead {name} holds values that are not numbers.", _EXPORT_ADVICE
        )
    return origin_uv + scale_uv * digits


def _quantity(element: etree._Element, name: str, path: Path) -> float:
    """A physical quantity (value and UCUM voltage unit) in µV."""
    unit = str(element.get("unit", "")).strip()
    if unit not in _MICROVOLTS_PER_UNIT:
        raise InvalidRecording(
            path,
            f"lead {name} is in '{unit or 'no unit'}', not in volts, millivolts or microvolts.",
            _EXPORT_ADVICE,
        )
    try:
        number = float(element.get("value", ""))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidRecording(
            path, f"lead {name} has a scale or origin that is not a number.", _EXPORT_ADVICE
        )
    return number * _MICROVOLTS_PER_UNIT[unit]


def _start_time(root: etree._Element, head: str) -> tuple[datetime | None, list[str]]:
    """The series' effectiveTime, else the document's, else an absolute time axis' head; a
    warning (without the value, which dates the visit) when the one stated is unreadable."""
    stated = [
        str(low.get("value", "")).strip()
        for low in (
            root.find("h:component/h:series/h:effectiveTime/h:low", _NS),
            root.find("h:effectiveTime/h:low", _NS),
        )
        if low is not None
    ]
    text = next((t for t in [*stated, head] if t), "")
    if not text:
        return None, []
    start = _timestamp(text)
    if start is None:
        return None, [
            "the start time in the file is not a valid HL7 date and time; the recording is "
            "shown without a start time."
        ]
    return start, []


def _timestamp(text: str) -> datetime | None:
    """An HL7 TS as the device's local time (its time-zone offset, if any, dropped)."""
    found = _TS.match(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, _ = found.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
