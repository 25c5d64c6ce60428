"""A test-side HL7 aECG writer: a Recording (a real LUDB record) as annotated-ECG XML.

The workstation only reads aECG; this writer exists so the reader can be checked against
samples known from another format. It writes what carts and trial systems write: one rhythm
series with a TIME_ABSOLUTE sequence (head and increment) and one SLIST_PQ sequence per lead
(value = origin + scale × digit), optionally a derived series of median beats.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from lxml import etree

from workstation.channels import canonical_lead
from workstation.recording import Recording

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_MICROVOLTS = {"uv": 1.0, "µv": 1.0, "mv": 1e3, "v": 1e6}
_PER_UV = {"uV": 1.0, "mV": 1e-3}


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{HL7}}}{tag}", attrs)


def lead_code(name: str) -> str:
    """'ii' -> 'MDC_ECG_LEAD_II', 'avr' -> 'MDC_ECG_LEAD_AVR'; another name as it is."""
    lead = canonical_lead(name)
    return f"MDC_ECG_LEAD_{lead.upper()}" if lead else name


def aecg_tree(
    recording: Recording,
    *,
    unit: str = "uV",
    scale: float = 0.5,
    start: str = "20210314092653.000",
    rhythm: bool = True,
    medians: bool = False,
) -> etree._ElementTree:
    """The recording as an aECG document; ``scale`` in ``unit`` per digit (0.5 µV rounds each
    sample by at most 0.25 µV)."""
    root = etree.Element(f"{{{HL7}}}AnnotatedECG", nsmap={None: HL7, "xsi": XSI})
    _el(root, "id", root="2.16.840.1.113883.3.1234")
    _el(root, "code", code="93000", codeSystem="2.16.840.1.113883.6.12")
    effective = _el(root, "effectiveTime")
    _el(effective, "low", value=start)
    series = _el(_el(root, "component"), "series")
    _el(series, "code", code="RHYTHM", codeSystem="2.16.840.1.113883.5.4")
    if rhythm:
        _sequence_set(series, recording, unit, scale, start, recording.n_samples)
    if medians:
        derived = _el(_el(series, "derivation"), "derivedSeries")
        _el(derived, "code", code="REPRESENTATIVE_BEAT", codeSystem="2.16.840.1.113883.5.4")
        _sequence_set(derived, recording, unit, scale, start, int(recording.fs))
    return etree.ElementTree(root)


def _sequence_set(
    series: etree._Element, recording: Recording, unit: str, scale: float, start: str, n: int
) -> None:
    sequence_set = _el(_el(series, "component"), "sequenceSet")
    time = _el(_el(sequence_set, "component"), "sequence")
    _el(time, "code", code="TIME_ABSOLUTE", codeSystem="2.16.840.1.113883.5.4")
    value = _el(time, "value", **{f"{{{XSI}}}type": "GLIST_TS"})
    _el(value, "head", value=start, unit="s")
    _el(value, "increment", value=f"{1 / recording.fs:.6g}", unit="s")
    for row, name in enumerate(recording.channel_names):
        microvolts = recording.signals[row, :n] * _MICROVOLTS[recording.units[row].lower()]
        digits = np.round(microvolts * _PER_UV[unit] / scale).astype(np.int64)
        sequence = _el(_el(sequence_set, "component"), "sequence")
        _el(sequence, "code", code=lead_code(name), codeSystem="2.16.840.1.113883.6.24")
        lead = _el(sequence, "value", **{f"{{{XSI}}}type": "SLIST_PQ"})
        _el(lead, "origin", value="0", unit=unit)
        _el(lead, "scale", value=f"{scale:g}", unit=unit)
        _el(lead, "digits").text = " ".join(str(d) for d in digits)


def write_aecg(path: Path, tree: etree._ElementTree) -> Path:
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path
