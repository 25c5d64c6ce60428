"""EEG montages: which voltage differences the reader looks at.

A montage is a list of derivations (anode minus cathode). Each is turned into one row of a
weight matrix over the recorded channels, so applying a montage is one matrix product: the
viewer computes the matrix once and applies it to each 10 s page, the analyses to the whole
recording. Electrodes are matched by their canonical 10-10 name, so a montage written with
T7/P7 works on a recording labelled 'EEG T3-REF'/'EEG T5-REF'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from workstation.channels import EAR_ELECTRODES, electrode_index
from workstation.errors import MontageNotApplicable
from workstation.recording import Modality, Recording

#: Cathode meaning "the mean of every recorded scalp electrode".
AVERAGE = "Avg"
#: Cathode meaning "the mean of the two ear (or mastoid) electrodes".
LINKED_EARS = "A1A2"

_MICROVOLTS_PER_UNIT = {"uv": 1.0, "µv": 1.0, "μv": 1.0, "mv": 1e3, "v": 1e6, "nv": 1e-3}


@dataclass(frozen=True, slots=True)
class Derivation:
    anode: str
    cathode: str

    @property
    def name(self) -> str:
        return f"{self.anode}-{self.cathode}"


@dataclass(frozen=True, slots=True)
class Montage:
    """A named, ordered list of derivations; empty for the referential montages.

    The referential montages (average, linked ears) take whatever scalp electrodes the
    recording has, so their derivations are decided per recording.
    """

    name: str
    derivations: tuple[Derivation, ...] = ()
    reference: str | None = None

    @property
    def electrodes(self) -> list[str]:
        seen: dict[str, None] = {}
        for d in self.derivations:
            seen.setdefault(d.anode)
            seen.setdefault(d.cathode)
        return list(seen)


def _chain(*electrodes: str) -> tuple[Derivation, ...]:
    return tuple(Derivation(a, c) for a, c in zip(electrodes, electrodes[1:], strict=False))


#: The four chains of the longitudinal bipolar montage; Kaggle HMS's regions LL, LP, RP, RR.
REGION_CHAINS: dict[str, tuple[Derivation, ...]] = {
    "LL": _chain("Fp1", "F7", "T7", "P7", "O1"),
    "LP": _chain("Fp1", "F3", "C3", "P3", "O1"),
    "RP": _chain("Fp2", "F4", "C4", "P4", "O2"),
    "RR": _chain("Fp2", "F8", "T8", "P8", "O2"),
}

DOUBLE_BANANA = Montage(
    "double banana",
    REGION_CHAINS["LL"]
    + REGION_CHAINS["RR"]
    + REGION_CHAINS["LP"]
    + REGION_CHAINS["RP"]
    + _chain("Fz", "Cz", "Pz"),
)

TRANSVERSE = Montage(
    "transverse",
    _chain("F7", "Fp1", "Fp2", "F8")
    + _chain("F7", "F3", "Fz", "F4", "F8")
    + _chain("T7", "C3", "Cz", "C4", "T8")
    + _chain("P7", "P3", "Pz", "P4", "P8")
    + _chain("P7", "O1", "O2", "P8"),
)

AVERAGE_REFERENCE = Montage("average reference", reference=AVERAGE)
LINKED_EARS_REFERENCE = Montage("linked ears", reference=LINKED_EARS)

MONTAGES: dict[str, Montage] = {
    "average": AVERAGE_REFERENCE,
    "linked-ears": LINKED_EARS_REFERENCE,
    "double-banana": DOUBLE_BANANA,
    "transverse": TRANSVERSE,
}


def get_montage(name: str | Montage) -> Montage:
    """A montage by its key in MONTAGES (or the montage itself), for CLI and menus."""
    if isinstance(name, Montage):
        return name
    key = name.strip().casefold().replace(" ", "-").replace("_", "-")
    if key not in MONTAGES:
        raise KeyError(f"unknown montage '{name}' (known: {', '.join(MONTAGES)})")
    return MONTAGES[key]


@dataclass(frozen=True)
class MontageMatrix:
    """Weights (derivations × source channels) and which recorded channels they read."""

    montage: str
    names: tuple[str, ...]
    sources: tuple[int, ...]
    weights: np.ndarray

    def apply(self, signals: np.ndarray) -> np.ndarray:
        """The derivations of a channels × samples block of the recording it was built for."""
        picked = np.asarray(signals[list(self.sources)], dtype=np.float32)
        return (self.weights @ picked).astype(np.float32, copy=False)


def _referential_derivations(
    montage: Montage, index: dict[str, int], present: list[str]
) -> tuple[Derivation, ...]:
    scalp = [e for e in index if e not in EAR_ELECTRODES]
    if not scalp:
        raise MontageNotApplicable(montage.name, ["any scalp EEG electrode"], present)
    if montage.reference == LINKED_EARS:
        ears = _ear_pair(index)
        if ears is None:
            raise MontageNotApplicable(montage.name, ["A1", "A2"], present)
    return tuple(Derivation(e, str(montage.reference)) for e in scalp)


def _ear_pair(index: dict[str, int]) -> tuple[str, str] | None:
    for left, right in (("A1", "A2"), ("M1", "M2")):
        if left in index and right in index:
            return left, right
    return None


def montage_matrix(
    montage: str | Montage, channel_names: Sequence[str], units: Sequence[str] | None = None
) -> MontageMatrix:
    """The weight matrix of a montage for a recording's channels, or a clear refusal.

    Every missing electrode is named at once, so the reader can see whether the montage or
    the recording is the problem. With ``units`` the weights also convert each channel to µV.
    """
    montage = get_montage(montage)
    index = electrode_index(channel_names)
    present = list(index)
    if montage.reference is not None:
        derivations = _referential_derivations(montage, index, present)
    else:
        derivations = montage.derivations
        missing = [e for e in montage.electrodes if e not in index]
        if missing:
            raise MontageNotApplicable(montage.name, missing, present)
    sources = sorted({index[e] for e in index})
    column = {channel: j for j, channel in enumerate(sources)}
    weights = np.zeros((len(derivations), len(sources)), dtype=np.float32)
    scalp = [e for e in index if e not in EAR_ELECTRODES]
    ears = _ear_pair(index)
    for row, d in enumerate(derivations):
        weights[row, column[index[d.anode]]] += 1.0
        if d.cathode == AVERAGE:
            for e in scalp:
                weights[row, column[index[e]]] -= 1.0 / len(scalp)
        elif d.cathode == LINKED_EARS and ears is not None:
            for e in ears:
                weights[row, column[index[e]]] -= 0.5
        else:
            weights[row, column[index[d.cathode]]] -= 1.0
    if units is not None:
        weights *= microvolt_scale([units[i] for i in sources])[None, :]
    used = np.flatnonzero(np.any(weights != 0, axis=0))
    return MontageMatrix(
        montage=montage.name,
        names=tuple(d.name for d in derivations),
        sources=tuple(sources[j] for j in used),
        weights=weights[:, used],
    )


def microvolt_scale(units: Sequence[str]) -> np.ndarray:
    """Factor per channel that converts its unit to µV (1 where the unit is not a voltage).

    EDF files mix 'uV', 'mV' and 'V'; a difference of two channels is only meaningful in
    one unit.
    """
    return np.array(
        [_MICROVOLTS_PER_UNIT.get(u.strip().casefold(), 1.0) for u in units], dtype=np.float32
    )


def apply_montage(recording: Recording, montage: str | Montage) -> Recording:
    """A new recording holding the montage's derivations in µV, one row per derivation."""
    matrix = montage_matrix(montage, recording.channel_names, recording.units)
    return replace(
        recording,
        signals=matrix.apply(recording.signals),
        channel_names=matrix.names,
        units=("µV",) * len(matrix.names),
        modality=Modality.EEG,
        metadata={**recording.metadata, "montage": matrix.montage},
    )
