"""The resource limits every reader checks a file's declared sizes against, before allocating.

A header of a few hundred bytes can declare days of samples, millions of channels or a huge
sample count (a WFDB gap segment, an EDF record count, DICOM's NumberOfWaveformSamples, an
aECG digit list), and a decoder allocates what is declared before it reads a sample. Every
reader (WFDB, EDF/BDF, DICOM waveform, HL7 aECG) therefore asks ``check_declared_size`` about
what the file declares, in one shared step, so that the limits and the clinician's message
are the same whatever the format.
"""

from __future__ import annotations

from pathlib import Path

from workstation.errors import InvalidRecording

#: The longest recording opened: three days of continuous monitoring.
MAX_HOURS = 72
#: The most signals one recording may declare (a high-density EEG cap has 256).
MAX_CHANNELS = 256
#: The most signal data one recording may declare, as the 32-bit samples it is read into.
MAX_SIGNAL_BYTES = 4 << 30

LIMIT_ADVICE = (
    "Check that this is the right file: its header is probably damaged. A recording that "
    "really is this large must be split into smaller parts before it can be opened."
)


def check_declared_size(
    source: str | Path | None,
    *,
    channels: int,
    samples: int = 0,
    fs: float | None = None,
    values: int | None = None,
    declared_by: str = "the file",
) -> None:
    """Refuse a file declaring more than MAX_CHANNELS, MAX_HOURS or MAX_SIGNAL_BYTES.

    ``samples`` is the declared length of the longest channel at ``fs`` Hz; ``values`` the
    number of samples that would be allocated when it is more than channels × samples (WFDB's
    samples per frame and skew). Called with ``channels`` only, it checks the channel count
    alone, for a reader that learns it before the rest of the header is parsed.
    """
    if channels > MAX_CHANNELS:
        raise InvalidRecording(
            source,
            f"{declared_by} declares {channels:,} signals; the workstation opens recordings of "
            f"at most {MAX_CHANNELS} channels.",
            LIMIT_ADVICE,
        )
    if fs is not None and fs > 0:
        hours = samples / fs / 3600
        if hours > MAX_HOURS:
            raise InvalidRecording(
                source,
                f"{declared_by} declares a recording of {hours:,.1f} hours ({samples:,} samples "
                f"at {fs:g} Hz); the workstation opens recordings of at most {MAX_HOURS} hours.",
                LIMIT_ADVICE,
            )
    total = max(values if values is not None else 0, max(channels, 1) * max(samples, 0))
    size = 4 * total
    if size > MAX_SIGNAL_BYTES:
        raise InvalidRecording(
            source,
            f"{declared_by} declares {size / (1 << 30):,.1f} GiB of signal data "
            f"({total:,} samples); the workstation opens recordings of at most "
            f"{MAX_SIGNAL_BYTES / (1 << 30):g} GiB.",
            LIMIT_ADVICE,
        )
