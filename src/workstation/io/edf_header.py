"""EDF/BDF header fields as written, and the check that a channel can be calibrated.

edfio decodes the header for us but hides what it cannot decode (a physical minimum of
'inf' gives raw counts, 'nan' gives a channel of NaN), so each kept channel's fields are read
from the raw bytes and checked before any sample is converted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workstation.errors import InvalidRecording
from workstation.io.limits import check_declared_size

#: Size of the fixed part of an EDF/BDF header.
HEADER_BYTES = 256
#: Beyond this magnitude (in the channel's unit) a calibration is taken to be corrupt.
MAX_PLAUSIBLE_AMPLITUDE = 1e9


@dataclass(frozen=True, slots=True)
class SignalHeader:
    """One signal's header fields, as written (edfio hides what it cannot decode)."""

    label: str
    physical_min: str
    physical_max: str
    digital_min: str
    digital_max: str
    samples_per_record: int
    is_annotation: bool


CALIBRATION_ADVICE = (
    "Export the recording again from the device or the program that wrote it; the channel's "
    "calibration cannot be trusted, so its values cannot be shown in physical units."
)


def signal_headers(header: bytes, is_bdf: bool, name: str) -> list[SignalHeader]:
    """Each signal's label, calibration fields and samples per record, from the raw header.

    The sizes the header declares are checked against the shared limits here, before edfio
    maps the file or converts a sample.
    """
    n = int_field(header[252:256], "number of signals", name)
    annotation_label = ("BDF" if is_bdf else "EDF") + " Annotations"

    def field(offset: int, width: int, i: int) -> str:
        raw = header[
            HEADER_BYTES + n * offset + width * i : HEADER_BYTES + n * offset + width * (i + 1)
        ]
        return raw.decode("ascii", errors="replace").strip()

    out = []
    for i in range(n):
        label = field(0, 16, i)
        out.append(
            SignalHeader(
                label=label,
                physical_min=field(104, 8, i),
                physical_max=field(112, 8, i),
                digital_min=field(120, 8, i),
                digital_max=field(128, 8, i),
                samples_per_record=int_field(
                    header[HEADER_BYTES + n * 216 + 8 * i : HEADER_BYTES + n * 216 + 8 * i + 8],
                    "samples per record",
                    name,
                ),
                is_annotation=label == annotation_label,
            )
        )
    _check_declared_size(header, out, name)
    return out


def _check_declared_size(header: bytes, signals: list[SignalHeader], name: str) -> None:
    """The header's signals (its annotation signal aside) and record count × samples per
    record, at the fastest signal's rate.

    A file being recorded may state -1 records and an annotation-only file a record duration
    of 0; neither declares a length, so only their signal count is checked.
    """
    per_record = [max(s.samples_per_record, 0) for s in signals if not s.is_annotation]
    records = max(int_field(header[236:244], "number of data records", name), 0)
    try:
        record_s = float(header[244:252].decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        record_s = 0.0
    fastest = max(per_record, default=0)
    check_declared_size(
        name,
        channels=len(per_record),
        samples=records * fastest,
        fs=fastest / record_s if fastest and record_s > 0 else None,
        values=records * sum(per_record),
        declared_by="the header",
    )


def check_calibration(sig: SignalHeader, is_bdf: bool, name: str) -> None:
    """Refuse a channel whose header fields cannot turn its samples into physical values.

    edfio would return raw counts for a physical minimum of 'inf' or equal minimum and
    maximum, and NaN for 'nan'; either would reach the clinician as if it were measured.
    """
    fields = (
        f"physical minimum '{sig.physical_min}', physical maximum '{sig.physical_max}', "
        f"digital minimum '{sig.digital_min}', digital maximum '{sig.digital_max}'"
    )

    def refuse(problem: str) -> InvalidRecording:
        return InvalidRecording(
            name,
            f"channel '{sig.label}' cannot be calibrated: {problem} (header: {fields}).",
            CALIBRATION_ADVICE,
        )

    try:
        p_min, p_max = float(sig.physical_min), float(sig.physical_max)
    except ValueError:
        raise refuse("its physical minimum or maximum is not a number") from None
    try:
        d_min, d_max = int(sig.digital_min), int(sig.digital_max)
    except ValueError:
        raise refuse("its digital minimum or maximum is not a whole number") from None
    if not (math.isfinite(p_min) and math.isfinite(p_max)):
        raise refuse("its physical minimum or maximum is not a finite number")
    if p_min == p_max:
        raise refuse("its physical minimum equals its physical maximum")
    if d_min >= d_max:
        raise refuse("its digital minimum is not below its digital maximum")
    gain = (p_max - p_min) / (d_max - d_min)
    if max(abs(p_min), abs(p_max)) > MAX_PLAUSIBLE_AMPLITUDE:
        raise refuse(
            f"its gain of {gain:g} per digital step gives amplitudes beyond "
            f"{MAX_PLAUSIBLE_AMPLITUDE:g} in its unit, which no recording can hold"
        )


def int_field(raw: bytes, field: str, name: str) -> int:
    try:
        return int(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRecording(name, f"the EDF header field '{field}' is not a number.") from exc
