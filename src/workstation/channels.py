"""Channel names: which ECG lead, EEG electrode or other sensor a channel label denotes.

Every file format and amplifier vendor labels channels its own way ('Lead II', 'MLII',
'EEG Fp1-REF', 'FP1-LE', 'EEG T3-A1'), so the readers, the ECG and EEG analyses and the
printouts all ask the same questions of a label; the answers live here, once.

The 10-20 system renamed four temporal electrodes (T3/T4/T5/T6 became T7/T8/P7/P8 in the
10-10 nomenclature ACNS recommends). Montages and models need one name per electrode, so
everything downstream uses the modern canonical name and accepts both. Non-EEG channels
recorded alongside an EEG (ECG, EOG, EMG, respiration, SpO2...) are recognised so they are
never mixed into an average reference or a montage.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

# --- ECG leads ---------------------------------------------------------------------------

#: The standard 12 leads, lower case, in the conventional order.
STANDARD_ECG_LEADS: tuple[str, ...] = (
    "i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6",
)  # fmt: skip
LIMB_LEADS = STANDARD_ECG_LEADS[:6]

#: How each standard lead is printed (the augmented leads keep their lower-case 'a').
ECG_LEAD_LABELS = {
    "i": "I",
    "ii": "II",
    "iii": "III",
    "avr": "aVR",
    "avl": "aVL",
    "avf": "aVF",
    **{f"v{k}": f"V{k}" for k in range(1, 7)},
}


def lead_label(name: str) -> str:
    """How a lead is printed everywhere (app, report): the standard labels above, other chest
    leads upper-cased (V7, V4R), any other channel as it was named."""
    return ECG_LEAD_LABELS.get(name, name.upper() if name.startswith("v") else name)


#: ECG channel names besides the 12 leads: Holter and monitoring leads (MLII, MCL1), the
#: Frank orthogonal leads (VX, VY, VZ), the continental names of the limb leads (DI, D2)
#: and the generic labels single-lead devices write.
_OTHER_ECG_NAMES = frozenset(
    "mlii mli mliii ecg ekg mcl1 vx vy vz v ecg1 ecg2 ecg_1 ecg_2 di dii diii d1 d2 d3".split()
)
_ECG_NAMES = frozenset(STANDARD_ECG_LEADS) | _OTHER_ECG_NAMES
#: Further lead names by pattern: modified and bipolar chest leads of Holter and monitoring
#: recorders (ML5, MCL6, CM5, CC5) and extra chest leads (V7-V9, right-sided V3R/V4R).
_ECG_NAME_PATTERN = re.compile(r"^(ml|mcl|cm|cc)\d$|^v\d{1,2}r?$")

#: Other names of the limb leads: the continental (DI, DII, DIII / D1, D2, D3) and, marked
#: modified, the Holter and monitoring limb leads (MLI, MLII, MLIII).
_LIMB_ALIASES = {
    "di": "i",
    "dii": "ii",
    "diii": "iii",
    "d1": "i",
    "d2": "ii",
    "d3": "iii",
}
_MODIFIED_LIMB_LEADS = {"mli": "i", "mlii": "ii", "mliii": "iii"}
_LEAD_PREFIX = re.compile(r"^(ecg|ekg|lead)[\s_:-]*")


def _lead_key(name: str) -> str:
    """'Lead II' -> 'ii', 'ECG V1' -> 'v1', 'MLII' -> 'mlii': case-folded, prefix and blanks off."""
    key = _LEAD_PREFIX.sub("", name.strip().lower())
    return key.replace(" ", "")


def canonical_lead(name: str) -> str | None:
    """'Lead II', 'aVF', 'ECG V1', 'DII', 'MLII' -> 'ii', 'avf', 'v1', 'ii', 'ii'; else None.

    A modified limb lead (MLII) gives its limb lead; ``ecg_lead`` says that it is modified.
    """
    key = _lead_key(name)
    key = _LIMB_ALIASES.get(key) or _MODIFIED_LIMB_LEADS.get(key) or key
    return key if key in STANDARD_ECG_LEADS else None


@dataclass(frozen=True, slots=True)
class EcgLead:
    """What an ECG channel label denotes: a standard lead (``lead`` is 'ii', 'v1'...) or
    another recorded lead kept under its own label (``lead`` is the label, 'ML5', 'V2-V3')."""

    label: str  # the channel label as recorded
    lead: str  # the standard lead's canonical name, or the label itself
    standard: bool
    modified: bool = False  # a modified limb lead (MLII): torso, not limb, electrodes

    @property
    def note(self) -> str | None:
        """What a reader of the analysis must know about this lead, or None."""
        if not self.modified:
            return None
        shown = ECG_LEAD_LABELS[self.lead]
        return (
            f"{shown} (modified limb lead {self.label}): recorded with the limb electrodes on "
            "the torso (Mason-Likar or ambulatory placement), so its amplitudes and the axis "
            "differ from those of a standard 12-lead ECG."
        )


def ecg_lead(name: str) -> EcgLead | None:
    """The ECG lead a channel label denotes, or None when the label names no ECG lead.

    'Lead II', 'DII', 'D2' are lead II; 'MLII' is lead II too, marked modified; any other ECG
    label ('ML5', 'CM5', 'V2-V3', 'ECG') is a lead of its own, under its recorded label.
    """
    label = name.strip()
    key = _lead_key(label)
    if key in _MODIFIED_LIMB_LEADS:
        return EcgLead(label, _MODIFIED_LIMB_LEADS[key], standard=True, modified=True)
    standard = canonical_lead(label)
    if standard is not None:
        return EcgLead(label, standard, standard=True)
    if is_ecg_label(label) or _ECG_NAME_PATTERN.match(key):
        return EcgLead(label, label, standard=False)
    return None


# --- EEG electrodes ----------------------------------------------------------------------

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

#: The 21 electrodes of the classic 10-20 montage, in their 10-10 names.
_CLASSIC_10_20 = (
    "Fp1", "Fpz", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz",
    "C4", "T8", "P7", "P3", "Pz", "P4", "P8", "O1", "Oz", "O2",
)  # fmt: skip
#: What a 32-channel cap adds to the classic montage.
_CAP_32_EXTRA = ("AF3", "AF4", "FC1", "FC2", "FC5", "FC6", "CP1", "CP2", "CP5", "CP6", "PO3", "PO4")

#: Bare channel names that mark a recording as an EEG: the classic and 32-channel-cap
#: electrodes under old and new names, the ear references and the label 'EEG' itself.
_EEG_NAMES = frozenset(
    name.casefold() for name in (*_CLASSIC_10_20, *_CAP_32_EXTRA, *ALIASES, *EAR_ELECTRODES, "EEG")
)

_PREFIX = re.compile(r"^(eeg|pol|ref)[\s_:]+", re.IGNORECASE)
_REFERENCE_SUFFIX = re.compile(
    r"[-_\s](ref|le|ar|avg|av|car|cz|a1|a2|m1|m2|a1a2|linked|ref\d*)$", re.IGNORECASE
)


def canonical_electrode(name: str) -> str | None:
    """The 10-10 name of the electrode a channel label denotes, or None if it is not one.

    'EEG Fp1-REF', 'FP1-LE', 'fp1' all give 'Fp1'; 'EEG T3-REF' gives 'T7'. A true bipolar
    label such as 'Fp1-F7' denotes a derivation, not an electrode, and gives None.
    """
    label = _PREFIX.sub("", name.strip())
    label = _REFERENCE_SUFFIX.sub("", label).strip()
    return ALIASES.get(label.upper()) or _CANONICAL.get(label.casefold())


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


def is_left(electrode: str) -> bool:
    """Odd-numbered 10-20 electrodes lie over the left hemisphere."""
    digits = re.findall(r"\d+", electrode)
    return bool(digits) and int(digits[-1]) % 2 == 1


def is_right(electrode: str) -> bool:
    """Even-numbered 10-20 electrodes lie over the right hemisphere."""
    digits = re.findall(r"\d+", electrode)
    return bool(digits) and int(digits[-1]) % 2 == 0


# --- What a channel of an EEG records ----------------------------------------------------


class ChannelKind(enum.StrEnum):
    """What a channel of an EEG recording measures, so only brain channels get referenced."""

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


def classify_channel(name: str) -> ChannelKind:
    """What a channel records, so non-EEG channels stay out of montages and references."""
    if canonical_electrode(name) is not None:
        return ChannelKind.EEG
    for kind, pattern in _NON_EEG_PATTERNS:
        if pattern.search(name.strip()):
            return kind
    return ChannelKind.OTHER


# --- Which modality a label suggests ------------------------------------------------------
# A reader guesses a file's modality from its channel labels by majority; an ECG label is
# checked first, so 'ECG' inside an EEG file counts as ECG, not as an EEG electrode.


def _base_name(name: str) -> str:
    """'EEG Fp1-REF' -> 'fp1', 'ECG II' -> 'ii': the label without device prefix or reference."""
    n = name.strip().casefold()
    for prefix in ("eeg ", "ecg ", "ekg "):
        if n.startswith(prefix):
            n = n[len(prefix) :]
    return n.split("-")[0].split(" ")[0].strip()


def is_ecg_label(name: str) -> bool:
    """An ECG lead by its label: 'ECG ...'/'EKG ...', a standard, Holter or Frank lead name."""
    full = name.strip().casefold()
    if full.startswith(("ecg", "ekg")) or canonical_lead(name) is not None:
        return True
    base = _base_name(name)
    return (base in _ECG_NAMES or bool(_ECG_NAME_PATTERN.match(base))) and not full.startswith(
        "eeg"
    )


def is_eeg_label(name: str) -> bool:
    """An EEG channel by its label: 'EEG ...' or a common 10-20 electrode name."""
    return name.strip().casefold().startswith("eeg") or _base_name(name) in _EEG_NAMES


def is_ppg_label(name: str) -> bool:
    """A photoplethysmogram (PPG, pleth, blood-volume pulse) by its label."""
    full = name.strip().casefold()
    return "ppg" in full or "pleth" in full or "bvp" in full
