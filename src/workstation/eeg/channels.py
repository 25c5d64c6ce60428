"""Channel names as EEG systems write them, mapped to the 10-20 electrode they denote.

Every amplifier vendor labels channels its own way ('EEG Fp1-REF', 'FP1-LE', 'EEG T3-A1'),
and the 10-20 system itself renamed four temporal electrodes (T3/T4/T5/T6 became
T7/T8/P7/P8 in the 10-10 nomenclature ACNS recommends). Montages and models need one name
per electrode, so everything downstream uses the modern canonical name and accepts both.
Non-EEG channels recorded alongside (ECG, EOG, EMG, respiration, SpO2...) are recognised so
they are never mixed into an average reference or a montage.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence

#: Canonical spelling of each scalp and ear electrode, keyed by its case-folded name.
_CANONICAL = {
    name.casefold(): name
    for name in (
        "Fp1 Fp2 Fpz AF3 AF4 AF7 AF8 AFz F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 Fz "
        "FC1 FC2 FC3 FC4 FC5 FC6 FCz FT7 FT8 FT9 FT10 C1 C2 C3 C4 C5 C6 Cz "
        "T7 T8 T9 T10 CP1 CP2 CP3 CP4 CP5 CP6 CPz TP7 TP8 TP9 TP10 P1 P2 P3 P4 P5 P6 "
        "P7 P8 P9 P10 Pz PO3 PO4 PO7 PO8 POz O1 O2 Oz Iz A1 A2 M1 M2"
    ).split()
}

#: Old 10-20 names and their 10-10 successors (ACNS guideline 2016).
ALIASES = {"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}

#: Ear and mastoid electrodes: references, not brain channels of their own.
EAR_ELECTRODES = frozenset({"A1", "A2", "M1", "M2"})

_PREFIX = re.compile(r"^(eeg|pol|ref)[\s_:]+", re.IGNORECASE)
_REFERENCE_SUFFIX = re.compile(
    r"[-_\s](ref|le|ar|avg|av|car|cz|a1|a2|m1|m2|a1a2|linked|ref\d*)$", re.IGNORECASE
)


class ChannelKind(enum.StrEnum):
    EEG = "eeg"
    ECG = "ecg"
    EOG = "eog"
    EMG = "emg"
    RESPIRATION = "resp"
    SPO2 = "spo2"
    OTHER = "other"


_NON_EEG_PATTERNS: tuple[tuple[ChannelKind, re.Pattern[str]], ...] = (
    (ChannelKind.ECG, re.compile(r"\b(ecg|ekg)|^(ecg|ekg)", re.IGNORECASE)),
    (ChannelKind.EOG, re.compile(r"eog|^(loc|roc|e1|e2)\b", re.IGNORECASE)),
    (ChannelKind.EMG, re.compile(r"emg|chin|leg|tibial", re.IGNORECASE)),
    (
        ChannelKind.RESPIRATION,
        re.compile(r"resp|thor|abdo|abd\b|airflow|flow|nasal|therm|snore", re.IGNORECASE),
    ),
    (ChannelKind.SPO2, re.compile(r"spo2|sao2|sat\b|oxi|pleth|pulse", re.IGNORECASE)),
)


def canonical_electrode(name: str) -> str | None:
    """The 10-10 name of the electrode a channel label denotes, or None if it is not one.

    'EEG Fp1-REF', 'FP1-LE', 'fp1' all give 'Fp1'; 'EEG T3-REF' gives 'T7'. A true bipolar
    label such as 'Fp1-F7' denotes a derivation, not an electrode, and gives None.
    """
    label = _PREFIX.sub("", name.strip())
    label = _REFERENCE_SUFFIX.sub("", label).strip()
    return ALIASES.get(label.upper()) or _CANONICAL.get(label.casefold())


def classify_channel(name: str) -> ChannelKind:
    """What a channel records, so non-EEG channels stay out of montages and references."""
    if canonical_electrode(name) is not None:
        return ChannelKind.EEG
    for kind, pattern in _NON_EEG_PATTERNS:
        if pattern.search(name.strip()):
            return kind
    return ChannelKind.OTHER


def electrode_index(channel_names: Sequence[str]) -> dict[str, int]:
    """Canonical electrode → channel index for the EEG channels of a recording.

    When a label repeats (two channels claim 'Fp1'), the first wins: a duplicate is almost
    always a second reference of the same electrode, and the first is what the device shows.
    """
    index: dict[str, int] = {}
    for i, name in enumerate(channel_names):
        electrode = canonical_electrode(name)
        if electrode is not None and electrode not in index:
            index[electrode] = i
    return index


def display_name(electrode: str, classic: bool = False) -> str:
    """The name shown to the reader; ``classic`` gives T3/T4/T5/T6 as many EEG labs still use."""
    if not classic:
        return electrode
    reverse = {new: old for old, new in ALIASES.items()}
    return reverse.get(electrode, electrode)


def is_left(electrode: str) -> bool:
    """Odd-numbered 10-20 electrodes lie over the left hemisphere."""
    digits = re.findall(r"\d+", electrode)
    return bool(digits) and int(digits[-1]) % 2 == 1


def is_right(electrode: str) -> bool:
    """Even-numbered 10-20 electrodes lie over the right hemisphere."""
    digits = re.findall(r"\d+", electrode)
    return bool(digits) and int(digits[-1]) % 2 == 0


def scalp_electrodes(channel_names: Iterable[str]) -> list[str]:
    """The recorded scalp electrodes (ears and mastoids excluded), in recording order."""
    index = electrode_index(list(channel_names))
    return [e for e in index if e not in EAR_ELECTRODES]
