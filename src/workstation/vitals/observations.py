"""Vital signs and laboratory values as timed measurements, and the PhysioNet 2012 CSV reader.

A stay is a list of ``(time, parameter, value)`` measurements, irregularly sampled, as charted
at the bedside (the PhysioNet/CinC Challenge 2012 layout: ``Time,Parameter,Value`` with time
"HH:MM" from admission and descriptors at 00:00). The reader checks every value against a
plausible range and refuses the implausible ones one by one, with a counted warning, rather
than refusing the stay or passing on a heart rate of 0 that would drive a score. Unknown
parameters are kept and reported, so nothing the file holds is silently dropped.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workstation.errors import InvalidRecording

#: Refuse files larger than this: a 48 h stay is ~10 kB, a long stay well under a megabyte.
MAX_FILE_BYTES = 20_000_000
#: And files with more rows than this.
MAX_ROWS = 500_000

#: Recorded once at admission (time 00:00) in the PhysioNet 2012 layout; -1 means not known.
DESCRIPTORS = ("Age", "Gender", "Height", "ICUType")

#: Plausible range (inclusive) and unit of each time-series parameter of the 2012 challenge.
#: Values outside are refused as charting or device errors (HR 0, Temp 1.9 °C, pH 735).
PARAMETERS: dict[str, tuple[float, float, str]] = {
    "HR": (1, 300, "/min"),
    "RespRate": (1, 90, "/min"),
    "SysABP": (20, 300, "mmHg"),
    "DiasABP": (5, 250, "mmHg"),
    "MAP": (10, 300, "mmHg"),
    "NISysABP": (20, 300, "mmHg"),
    "NIDiasABP": (5, 250, "mmHg"),
    "NIMAP": (10, 300, "mmHg"),
    "Temp": (25, 45, "°C"),
    "SaO2": (20, 100, "%"),
    "FiO2": (0.21, 1.0, "fraction"),
    "MechVent": (0, 1, "yes/no"),
    "GCS": (3, 15, "points"),
    "Urine": (0, 15_000, "mL"),
    "Weight": (20, 400, "kg"),
    "pH": (6.5, 8.0, ""),
    "PaCO2": (5, 200, "mmHg"),
    "PaO2": (10, 800, "mmHg"),
    "HCT": (5, 80, "%"),
    "K": (1, 12, "mEq/L"),
    "Na": (90, 200, "mEq/L"),
    "HCO3": (2, 60, "mmol/L"),
    "Mg": (0.2, 10, "mmol/L"),
    "Platelets": (1, 2_000, "10³/µL"),
    "WBC": (0.05, 500, "10³/µL"),
    "Creatinine": (0.05, 30, "mg/dL"),
    "BUN": (1, 300, "mg/dL"),
    "Glucose": (10, 2_000, "mg/dL"),
    "Lactate": (0.1, 40, "mmol/L"),
    "Bilirubin": (0, 80, "mg/dL"),
    "AST": (0, 20_000, "IU/L"),
    "ALT": (0, 20_000, "IU/L"),
    "ALP": (0, 5_000, "IU/L"),
    "Albumin": (0.5, 7, "g/dL"),
    "TroponinT": (0, 50, "µg/L"),
    "TroponinI": (0, 100, "µg/L"),
    "Cholesterol": (10, 1_000, "mg/dL"),
}

#: Parameters a clinician charts at the bedside; "core" for the minimal-data check.
CORE_VITALS = ("HR", "RespRate", "SysABP", "NISysABP", "Temp", "GCS")
HEADER = ("Time", "Parameter", "Value")


@dataclass(frozen=True, slots=True)
class Measurement:
    """One charted value; ``minutes`` from admission (or from the start of the session)."""

    minutes: float
    parameter: str
    value: float


@dataclass(frozen=True, slots=True)
class ObservationSet:
    """The values charted at one time (one round of observations)."""

    minutes: float
    values: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class VitalSeries:
    """One parameter over time, as a trend plot draws it."""

    parameter: str
    unit: str
    hours: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class Vitals:
    """A stay's measurements in time order, its descriptors and what the reader refused."""

    source_name: str
    measurements: tuple[Measurement, ...]
    descriptors: Mapping[str, float] = field(default_factory=dict)
    refused: Mapping[str, int] = field(default_factory=dict)
    unknown: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def parameters(self) -> list[str]:
        """Parameters with at least one value, in the order of the table above."""
        present = {m.parameter for m in self.measurements}
        known = [p for p in PARAMETERS if p in present]
        return known + sorted(present - set(PARAMETERS))

    def series(self, parameter: str) -> VitalSeries:
        rows = [m for m in self.measurements if m.parameter == parameter]
        return VitalSeries(
            parameter,
            PARAMETERS.get(parameter, (0, 0, ""))[2],
            np.array([m.minutes / 60.0 for m in rows], dtype=float),
            np.array([m.value for m in rows], dtype=float),
        )

    def until(self, minutes: float) -> Vitals:
        """The same stay as known at ``minutes``: nothing charted later is kept."""
        kept = tuple(m for m in self.measurements if m.minutes <= minutes)
        return Vitals(self.source_name, kept, self.descriptors, self.refused, self.unknown)

    def observation_sets(self) -> list[ObservationSet]:
        """Measurements grouped by charting time (the last value wins within one time)."""
        sets: dict[float, dict[str, float]] = {}
        for m in self.measurements:
            sets.setdefault(m.minutes, {})[m.parameter] = m.value
        return [ObservationSet(t, values) for t, values in sets.items()]

    def end_minutes(self) -> float:
        return self.measurements[-1].minutes if self.measurements else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source_name,
            "descriptors": dict(self.descriptors),
            "refused": dict(self.refused),
            "unknown": dict(self.unknown),
            "warnings": list(self.warnings),
        }

    def arrays(self) -> dict[str, np.ndarray]:
        """Measurements as three arrays (time, parameter code, value) for the vault."""
        names = self.parameters()
        code = {p: i for i, p in enumerate(names)}
        return {
            "minutes": np.array([m.minutes for m in self.measurements], dtype=np.float64),
            "parameter": np.array([code[m.parameter] for m in self.measurements], dtype=np.int16),
            "value": np.array([m.value for m in self.measurements], dtype=np.float64),
        }

    @classmethod
    def from_stored(cls, results: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Vitals:
        """The inverse of ``to_json`` plus ``arrays`` (``results['parameters']`` names codes)."""
        names = list(results["parameters"])
        rows = tuple(
            Measurement(float(t), names[int(c)], float(v))
            for t, c, v in zip(arrays["minutes"], arrays["parameter"], arrays["value"], strict=True)
        )
        return cls(
            str(results.get("source", "")),
            rows,
            dict(results.get("descriptors", {})),
            dict(results.get("refused", {})),
            dict(results.get("unknown", {})),
            tuple(results.get("warnings", ())),
        )


def parse_time(text: str) -> float:
    """Minutes from "HH:MM" (hours may pass 24: "47:59"); ValueError otherwise."""
    hours, _, minutes = text.strip().partition(":")
    h, m = int(hours), int(minutes)
    if h < 0 or not 0 <= m < 60:
        raise ValueError(text)
    return h * 60.0 + m


def read_vitals(path: str | Path) -> Vitals:
    """Read a ``Time,Parameter,Value`` CSV (PhysioNet 2012 layout) with per-value checks."""
    path = Path(path)
    if not path.is_file():
        raise InvalidRecording(path, "the file does not exist.", "Choose an existing file.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidRecording(
            path,
            f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, far more than a stay's "
            "charted observations.",
            "Export one patient's observations per file.",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRecording(
            path, "the file is not text.", "Choose a CSV file of Time,Parameter,Value rows."
        ) from None
    return parse_vitals(text, path.name, path)


def parse_vitals(text: str, source_name: str, path: Path | None = None) -> Vitals:
    """The checks of ``read_vitals`` on text already in memory (manual entry uses them too)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or tuple(c.strip() for c in header) != HEADER:
        raise InvalidRecording(
            path,
            "the first line is not the header Time,Parameter,Value.",
            "Export the observations as a CSV with the columns Time, Parameter and Value.",
        )
    return _collect(rows, source_name, path)


def _collect(rows: Iterable[list[str]], source_name: str, path: Path | None) -> Vitals:
    measurements: list[Measurement] = []
    descriptors: dict[str, float] = {}
    refused: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    malformed = 0
    for n, row in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise InvalidRecording(
                path,
                f"the file has more than {MAX_ROWS} rows.",
                "Export one patient's observations per file.",
            )
        if not row or all(not c.strip() for c in row):
            continue
        try:
            time_text, parameter, value_text = (c.strip() for c in row)
            minutes, value = parse_time(time_text), float(value_text)
        except ValueError:
            malformed += 1
            continue
        if not math.isfinite(value) or value == -1:
            continue  # -1 is the layout's "not measured"
        if parameter == "RecordID":
            continue
        if parameter in DESCRIPTORS:
            descriptors[parameter] = value
            continue
        limits = PARAMETERS.get(parameter)
        if limits is None:
            unknown[parameter] += 1
        elif not limits[0] <= value <= limits[1]:
            refused[parameter] += 1
            continue
        measurements.append(Measurement(minutes, parameter, value))
    if not measurements and not descriptors:
        raise InvalidRecording(
            path,
            "no measurement in the file could be used"
            + (f" ({malformed} malformed rows)" if malformed else "")
            + ".",
            "Check that the rows are Time (HH:MM), Parameter, Value.",
        )
    ordered = sorted(measurements, key=lambda m: m.minutes)  # stable: same-time order kept
    warnings = _warnings(measurements, ordered, refused, unknown, malformed)
    return Vitals(source_name, tuple(ordered), descriptors, dict(refused), dict(unknown), warnings)


def _warnings(
    raw: list[Measurement],
    ordered: list[Measurement],
    refused: Counter[str],
    unknown: Counter[str],
    malformed: int,
) -> tuple[str, ...]:
    out = []
    if refused:
        detail = ", ".join(f"{p} ×{n}" for p, n in sorted(refused.items()))
        out.append(
            f"{sum(refused.values())} implausible values were refused ({detail}); "
            "check the charting of these parameters."
        )
    if unknown:
        out.append(
            "Parameters the workstation does not know were kept but not used for scores: "
            + ", ".join(sorted(unknown))
            + "."
        )
    if malformed:
        out.append(f"{malformed} rows could not be read (time not HH:MM or value not a number).")
    if raw != ordered:
        out.append("Rows were not in time order; they were put in order.")
    return tuple(out)
