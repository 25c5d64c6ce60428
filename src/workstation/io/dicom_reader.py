"""DICOM waveform ECG (12-lead, general and ambulatory ECG Waveform Storage), through pydicom.

Hospital ECG carts and PACS export resting ECGs as DICOM waveform objects. A file holds one
or more multiplex groups: the rhythm recording (10 s of every lead, "ORIGINAL") and often
the cart's median beats ("DERIVED"). The workstation measures its own beats from the rhythm,
so the rhythm group is read and the medians are skipped, said in a warning.

What is read is what the file states, checked before it is decoded:

* the SOP class must be an ECG waveform; anything else (a CT image, a hemodynamic waveform,
  a structured report) is refused by what it is;
* the declared channel and sample counts go through the shared limits (``limits``) before
  pydicom allocates, and the data must be as long as declared;
* samples must be plain integers of 8, 16 or 32 bits (not audio companding), in a native,
  little-endian transfer syntax: a compressed (encapsulated) one is refused by name;
* each channel's lead comes from its Channel Source code (its meaning, else its SCP-ECG or
  MDC lead number) through ``channels.canonical_lead``; a lead that is not one of the 12
  standard ones is kept under its own name, with a warning;
* each channel must state its sensitivity and unit; volts become µV, the workstation's unit.
  A channel without calibration is refused: raw counts shown as microvolts would mislead.

No patient identifier is read into the recording, its warnings or its errors.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID
from pydicom.valuerep import DT

from workstation.channels import ECG_LEAD_LABELS, canonical_lead
from workstation.errors import InvalidRecording
from workstation.io.limits import LIMIT_ADVICE, check_declared_size
from workstation.recording import Modality, Recording, sha256_of_files

#: The ECG waveform SOP classes (DICOM PS3.4 B.5): what the workstation reads.
ECG_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.9.1.1": "12-lead ECG",
    "1.2.840.10008.5.1.4.1.1.9.1.2": "general ECG",
    "1.2.840.10008.5.1.4.1.1.9.1.3": "ambulatory ECG",
    "1.2.840.10008.5.1.4.1.1.9.1.4": "general 32-bit ECG",
}
#: SCP-ECG lead numbers (EN 1064, reused by ISO/IEEE 11073 MDC as code 2:n) of the 12 leads.
_SCP_LEADS = {
    1: "I",
    2: "II",
    61: "III",
    62: "aVR",
    63: "aVL",
    64: "aVF",
    **{2 + k: f"V{k}" for k in range(1, 7)},
}
#: 'Lead I' code values: SCP-ECG '5.6.3-9-1', MDC '2:1', or MDC's context-free 131073.
_LEAD_CODE = re.compile(r"^(?:5\.6\.3-9-|2:)(\d+)$")
_MDC_PARTITION_2 = 2 << 16
#: A DICOM DT to at least the day (pydicom reads '2013-13-45' as 1 January 2013).
_DATE_TIME = re.compile(r"^\d{8}(\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?)?([+-]\d{4})?$")
#: Readable sample encodings (bits allocated, interpretation); mu-law and A-law (MB, AB)
#: are companded audio, and 64-bit samples no ECG needs.
_READABLE_SAMPLES = {(8, "SB"), (8, "UB"), (16, "SS"), (16, "US"), (32, "SL"), (32, "UL")}
_SAMPLE_NAMES = {
    "MB": "8-bit mu-law (companded audio)",
    "AB": "8-bit A-law (companded audio)",
    "SV": "64-bit signed",
    "UV": "64-bit unsigned",
}
#: UCUM voltage units, case-sensitive as UCUM is ('MV' would be megavolts).
_MICROVOLTS_PER_UNIT = {"uV": 1.0, "mV": 1e3, "V": 1e6, "nV": 1e-3}
_MICROVOLTS_PER_MEANING = {"microvolt": 1.0, "millivolt": 1e3, "volt": 1e6, "nanovolt": 1e-3}
_EXPORT_ADVICE = (
    "Export the ECG from the cart or the archive as a DICOM ECG waveform (12-lead, general "
    "or ambulatory ECG), or as HL7 aECG XML."
)
#: Elements larger than this are read from the file only when asked for, so the declared
#: sizes are checked before the waveform data is loaded.


#: A DICOM ECG of three days, 12 leads at 500 Hz in 16 bits, is about 3 GiB; the file is read
#: into memory whole, so a damaged length field can ask for no more than the file holds.
MAX_DICOM_BYTES = 3 << 30
#: What pydicom raises on a field it cannot decode once the file has parsed (a VR it does not
#: know, a channel attribute missing from its arithmetic): the file is damaged, said in words.
_DAMAGED = (AttributeError, IndexError, KeyError, NotImplementedError, TypeError, ValueError)


def read_dicom(path: Path) -> Recording:
    """Read the rhythm recording of a DICOM ECG waveform file."""
    try:
        return _read(path)
    except _DAMAGED as exc:
        raise InvalidRecording(
            path,
            "the DICOM file is damaged: one of its waveform fields cannot be read.",
            _EXPORT_ADVICE,
        ) from exc


def _read(path: Path) -> Recording:
    ds = _open(path)
    sop = _check_sop_class(ds, path)
    _check_transfer_syntax(ds, path)
    index, notes = _rhythm_group(ds, path)
    group = ds.WaveformSequence[index]
    n_channels, n_samples, fs = _declared(group, path)
    check_declared_size(path, channels=n_channels, samples=n_samples, fs=fs)
    _check_samples(group, n_channels, n_samples, path)
    definitions = list(group.ChannelDefinitionSequence)
    names, name_notes = _channel_names(definitions)
    scales, units, unit_notes = _units(definitions, names, path)
    data = ds.waveform_array(index)
    signals = np.empty((n_channels, n_samples), dtype=np.float32)
    for row in range(n_channels):
        signals[row] = data[:, row] * scales[row]
    start, start_notes = _start_time(ds)
    return Recording(
        signals=signals,
        fs=fs,
        channel_names=names,
        units=units,
        modality=Modality.ECG,
        start_time=start,
        source_name=path.name,
        source_sha256=sha256_of_files([path]),
        source_format=f"DICOM {sop} waveform",
        warnings=(*notes, *name_notes, *unit_notes, *start_notes),
        metadata={"prefiltering": _prefiltering(definitions, names)},
    )


def _open(path: Path) -> Dataset:
    """The dataset, large values left in the file; pydicom's own warnings are not passed on
    because they may quote patient fields."""
    size = path.stat().st_size
    if size > MAX_DICOM_BYTES:
        raise InvalidRecording(
            path,
            f"the DICOM file is {size / (1 << 30):.1f} GiB; the workstation opens DICOM "
            f"waveforms of at most {MAX_DICOM_BYTES / (1 << 30):g} GiB.",
            LIMIT_ADVICE,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # From memory: a file object would allocate whatever a damaged length declares.
            return pydicom.dcmread(io.BytesIO(path.read_bytes()), force=False)
    except InvalidDicomError as exc:
        raise InvalidRecording(
            path,
            "the file is not a DICOM file: it lacks the 'DICM' marker that every DICOM file "
            "carries after its 128-byte preamble.",
            _EXPORT_ADVICE,
        ) from exc
    except Exception as exc:
        raise InvalidRecording(
            path, "the DICOM file cannot be parsed: it is damaged or truncated."
        ) from exc


def _check_sop_class(ds: Dataset, path: Path) -> str:
    """The ECG kind of the file, or a refusal that says what the file is instead."""
    uid = str(ds.get("SOPClassUID", "") or ds.file_meta.get("MediaStorageSOPClassUID", ""))
    if uid in ECG_SOP_CLASSES:
        return ECG_SOP_CLASSES[uid]
    name = UID(uid).name if uid else ""
    if not uid:
        what = "a DICOM file that does not say what it holds (no SOP class)"
    elif "Image" in name:
        what = f"a DICOM image ({name}), not a waveform"
    elif "Waveform" in name:
        what = f"a DICOM waveform of another kind ({name}), not an ECG"
    elif name == uid:
        what = f"a DICOM object of a kind the workstation does not know (SOP class {uid})"
    else:
        what = f"a DICOM object of another kind ({name}), not a waveform"
    raise InvalidRecording(path, f"the file is {what}.", _EXPORT_ADVICE)


def _check_transfer_syntax(ds: Dataset, path: Path) -> None:
    syntax = ds.file_meta.get("TransferSyntaxUID")
    if syntax is None:
        return
    syntax = UID(syntax)
    if syntax.is_encapsulated or syntax.is_compressed:
        raise InvalidRecording(
            path,
            f"the file is stored compressed ({syntax.name}), which the workstation does not "
            "read for waveforms.",
            "Export the ECG again without compression (Explicit or Implicit VR Little Endian).",
        )
    if syntax.is_transfer_syntax and not syntax.is_little_endian:
        raise InvalidRecording(
            path,
            f"the file is stored in the retired big-endian byte order ({syntax.name}).",
            "Export the ECG again as Explicit or Implicit VR Little Endian.",
        )


def _rhythm_group(ds: Dataset, path: Path) -> tuple[int, list[str]]:
    """The index of the rhythm multiplex group, and notes on the groups left out."""
    groups = list(ds.get("WaveformSequence") or [])
    if not groups:
        raise InvalidRecording(path, "the DICOM file holds no waveform.", _EXPORT_ADVICE)
    medians = [i for i, g in enumerate(groups) if _is_median(g)]
    rhythms = [i for i in range(len(groups)) if i not in medians]
    if not rhythms:
        raise InvalidRecording(
            path,
            "the file holds median beats only, no rhythm recording: the workstation measures "
            "its own beats from the recorded rhythm.",
            "Export the ECG again with its rhythm (original) waveform.",
        )
    notes = []
    if medians:
        notes.append(
            "the file's median beats were skipped; the rhythm recording is shown and the "
            "workstation measures its own beats from it."
        )
    for i in rhythms[1:]:
        notes.append(
            f"waveform group {i + 1} ({_label(groups[i])}) was left out: only the first rhythm "
            "group is shown."
        )
    return rhythms[0], notes


def _is_median(group: Dataset) -> bool:
    label = str(group.get("MultiplexGroupLabel", "")).upper()
    return str(group.get("WaveformOriginality", "")).upper() == "DERIVED" or "MEDIAN" in label


def _label(group: Dataset) -> str:
    return str(group.get("MultiplexGroupLabel", "") or "unlabelled").strip()


def _declared(group: Dataset, path: Path) -> tuple[int, int, float]:
    """Channels, samples per channel and rate as the group declares them."""
    try:
        n_channels = int(group.NumberOfWaveformChannels)
        n_samples = int(group.NumberOfWaveformSamples)
        fs = float(group.SamplingFrequency)
    except (AttributeError, TypeError, ValueError) as exc:
        raise InvalidRecording(
            path,
            "the waveform does not state its number of channels, number of samples and "
            "sampling frequency.",
        ) from exc
    if n_channels <= 0 or n_samples <= 0:
        raise InvalidRecording(path, "the waveform declares no channels or no samples.")
    if not math.isfinite(fs) or fs <= 0:
        raise InvalidRecording(path, f"the waveform's sampling frequency ({fs:g}) is not valid.")
    return n_channels, n_samples, fs


def _check_samples(group: Dataset, n_channels: int, n_samples: int, path: Path) -> None:
    """Refuse sample encodings read wrongly as integers, and data shorter than declared."""
    bits = int(group.get("WaveformBitsAllocated") or 0)
    kind = str(group.get("WaveformSampleInterpretation") or "").strip()
    if (bits, kind) not in _READABLE_SAMPLES:
        shown = _SAMPLE_NAMES.get(kind, f"{bits}-bit '{kind or 'unstated'}'")
        raise InvalidRecording(
            path,
            f"the waveform's samples are stored as {shown} values, which the workstation does "
            "not read (it reads 8, 16 or 32-bit integers).",
            _EXPORT_ADVICE,
        )
    definitions = group.get("ChannelDefinitionSequence") or []
    if len(definitions) != n_channels:
        raise InvalidRecording(
            path,
            f"the waveform declares {n_channels} channels but defines {len(definitions)}.",
        )
    needed = n_channels * n_samples * bits // 8
    have = len(group.get("WaveformData") or b"")
    if have < needed:
        raise InvalidRecording(
            path,
            f"the waveform data holds {have:,} bytes but {n_channels} channels of "
            f"{n_samples:,} samples need {needed:,}: the file is truncated.",
        )


def _channel_names(definitions: list[Dataset]) -> tuple[tuple[str, ...], list[str]]:
    """Each channel's lead name, and a note for each channel kept under a name of its own."""
    names, notes = [], []
    for i, definition in enumerate(definitions):
        source = (definition.get("ChannelSourceSequence") or [Dataset()])[0]
        meaning = str(source.get("CodeMeaning", "") or "").strip()
        value = str(source.get("CodeValue", "") or "").strip()
        lead = _lead_name(meaning, value)
        if lead is None:
            lead = meaning or value or f"channel {i + 1}"
            notes.append(
                f"channel {i + 1} ('{lead}') is not one of the 12 standard leads; it is kept "
                "under its own name."
            )
        names.append(lead)
    return tuple(names), notes


def _lead_name(meaning: str, value: str) -> str | None:
    """'Lead I (Einthoven)', '5.6.3-9-1', '2:1' or '131073' -> 'I'; None for another lead."""
    lead = canonical_lead(re.sub(r"\(.*?\)", "", meaning))
    if lead is not None:
        return ECG_LEAD_LABELS[lead]
    found = _LEAD_CODE.match(value)
    if found:
        return _SCP_LEADS.get(int(found.group(1)))
    if value.isdigit() and int(value) > _MDC_PARTITION_2:
        return _SCP_LEADS.get(int(value) - _MDC_PARTITION_2)
    return None


def _units(
    definitions: list[Dataset], names: tuple[str, ...], path: Path
) -> tuple[np.ndarray, tuple[str, ...], list[str]]:
    """Per channel: the factor to µV, the unit shown, and a note for a non-voltage unit.

    A channel without a sensitivity or its unit is refused: its samples are raw counts, and
    showing them as microvolts (or millivolts) would mislead every amplitude measurement.
    """
    scales, units, notes = [], [], []
    for name, definition in zip(names, definitions, strict=True):
        unit_items = definition.get("ChannelSensitivityUnitsSequence") or []
        if definition.get("ChannelSensitivity") in (None, "") or not unit_items:
            raise InvalidRecording(
                path,
                f"channel '{name}' states no sensitivity or unit, so its values cannot be "
                "shown in microvolts.",
                _EXPORT_ADVICE,
            )
        code = str(unit_items[0].get("CodeValue", "") or "").strip()
        meaning = str(unit_items[0].get("CodeMeaning", "") or "").strip().lower()
        factor = _MICROVOLTS_PER_UNIT.get(code, _MICROVOLTS_PER_MEANING.get(meaning))
        if factor is None:
            notes.append(
                f"channel '{name}' is in '{code or meaning}', not a voltage; it is kept in that "
                "unit."
            )
            scales.append(1.0)
            units.append(code or meaning)
        else:
            scales.append(factor)
            units.append("µV")
    return np.asarray(scales), tuple(units), notes


def _start_time(ds: Dataset) -> tuple[datetime | None, list[str]]:
    """AcquisitionDateTime as the device's local time; a warning (without the value, which
    dates the patient's visit) when it is unreadable."""
    text = str(ds.get("AcquisitionDateTime", "") or "").strip()
    if not text:
        return None, []
    try:
        if not _DATE_TIME.match(text):
            raise ValueError(text)
        return DT(text).replace(tzinfo=None), []
    except (TypeError, ValueError):
        return None, [
            "the acquisition date and time in the file is not a valid DICOM date and time; the "
            "recording is shown without a start time."
        ]


def _prefiltering(definitions: list[Dataset], names: tuple[str, ...]) -> str:
    """The cart's filters as stated per channel ('HP:0.05Hz LP:300Hz'), once when shared."""
    per_channel = []
    for definition in definitions:
        stated = (
            (label, _frequency(definition, keyword))
            for label, keyword in (
                ("HP", "FilterLowFrequency"),
                ("LP", "FilterHighFrequency"),
                ("N", "NotchFilterFrequency"),
            )
        )
        per_channel.append(" ".join(f"{label}:{hz:g}Hz" for label, hz in stated if hz))
    if len(set(per_channel)) == 1:
        return per_channel[0]
    return "; ".join(f"{n}: {p}" for n, p in zip(names, per_channel, strict=True) if p)


def _frequency(definition: Dataset, keyword: str) -> float | None:
    """A filter frequency in Hz; None when absent, zero (no filter) or not a number."""
    try:
        hz = float(definition.get(keyword))
    except (TypeError, ValueError):
        return None
    return hz if math.isfinite(hz) and hz > 0 else None
