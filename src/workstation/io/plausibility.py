"""The last check every reader's recording passes: values and annotations a file can hold.

Each reader checks its own format's fields, but a damaged file can still decode into numbers
no body produces (a CSV cell of 4294967296 mV, a WFDB gain field that scales counts to
kilovolts, a parquet cell of -3e38 µV) or into annotations that lie past the end of the data.
Shown as they are, the first would look like a measured signal and the second would point at
data that is not there, so every reader's result goes through ``checked`` (fuzzing, issue
#14, found both in more than one reader):

* a channel with a sample beyond ``MAX_MICROVOLTS`` (10 V, converted from the channel's unit)
  is refused, naming the channel and the value: no ECG, EEG or PPG amplifier records that;
* annotations that start outside the recording (before 0 s or from its end on) are left
  out, with one warning saying so. A span that starts inside and runs past the end is kept
  whole here (an event whose end was not recorded still points at data); the WFDB reader
  cuts such spans of its annotation files at the end, as it did before this check existed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from workstation.errors import InvalidRecording
from workstation.recording import Annotation, Recording

#: The largest magnitude any channel may hold, in µV (10 V): far beyond any physiological
#: signal at any amplifier gain, so only a damaged file or calibration exceeds it.
MAX_MICROVOLTS = 1e7
#: Factor from a channel's unit to µV; a unit that is not a voltage is taken as it is.
MICROVOLTS_PER_UNIT = {"uv": 1.0, "µv": 1.0, "μv": 1.0, "mv": 1e3, "v": 1e6, "nv": 1e-3}


def checked(recording: Recording, source: str | None = None) -> Recording:
    """The recording, with annotations outside it left out; refused if a value is absurd.

    ``source`` names the file in the refusal (the recording's own source name otherwise).
    """
    _check_amplitudes(recording, source or recording.source_name or None)
    inside, note = within_recording(
        list(recording.annotations), recording.duration, cut_spans=False
    )
    if note is None:
        return recording
    return replace(recording, annotations=tuple(inside), warnings=(*recording.warnings, note))


def _check_amplitudes(recording: Recording, source: str | None) -> None:
    for row, (name, unit) in enumerate(zip(recording.channel_names, recording.units, strict=True)):
        values = recording.signals[row]
        largest = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
        scale = MICROVOLTS_PER_UNIT.get(unit.strip().casefold(), 1.0)
        if largest * scale > MAX_MICROVOLTS:
            shown = unit.strip() or "units"
            raise InvalidRecording(
                source,
                f"channel '{name}' holds a value of {largest:.4g} {shown}, beyond what any "
                f"recording can hold ({MAX_MICROVOLTS / 1e6:g} V): the file is damaged or its "
                "calibration (gain) is wrong.",
            )


def within_recording(
    annotations: list[Annotation], duration: float, *, cut_spans: bool = True
) -> tuple[list[Annotation], str | None]:
    """The annotations that start in the recording (0 to ``duration`` s), spans cut at its end
    when ``cut_spans``, and a warning saying what was dropped or cut (None when nothing was)."""
    inside: list[Annotation] = []
    outside: list[Annotation] = []
    cut = 0
    for a in annotations:
        if a.onset < 0 or a.onset >= duration:
            outside.append(a)
        elif cut_spans and a.onset + a.duration > duration:
            inside.append(replace(a, duration=duration - a.onset))
            cut += 1
        else:
            inside.append(a)
    notes = []
    if outside:
        first = outside[0]
        notes.append(
            f"{len(outside)} annotation(s) lie outside the recording (0-{duration:g} s) and were "
            f"left out (the first, '{first.label}', at {first.onset:g} s)"
        )
    if cut:
        notes.append(f"{cut} span(s) running past the end of the recording were cut at its end")
    return inside, "; ".join(notes) + "." if notes else None
