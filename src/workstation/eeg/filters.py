"""The reviewer's filters: low-frequency (high-pass), high-frequency (low-pass) and notch.

EEG machines call the high-pass the "low-frequency filter" (LFF, often 1 Hz) and the
low-pass the "high-frequency filter" (HFF, often 70 Hz); the notch removes mains hum (50 or
60 Hz). This module holds the reviewer's settings and checks them; the filters are
designed and run, zero-phase so spikes and sharp waves stay where they are in time, by
``workstation.dsp.filters`` as one cascade of second-order sections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workstation.dsp.filters import (
    below_nyquist,
    butterworth,
    notch_sos,
    pad_length,
    zero_phase_keeping_gaps,
)
from workstation.errors import InvalidFilterSetting

#: Filter orders per single pass; forward-backward doubles the attenuation in dB.
HIGH_PASS_ORDER = 2
LOW_PASS_ORDER = 4
NOTCH_QUALITY = 30.0


@dataclass(frozen=True, slots=True)
class FilterSettings:
    """What the reviewer set; None switches a filter off."""

    low_cut_hz: float | None = 0.5
    high_cut_hz: float | None = 70.0
    notch_hz: float | None = None

    def describe(self) -> str:
        parts = [
            f"LFF {self.low_cut_hz:g} Hz" if self.low_cut_hz else "LFF off",
            f"HFF {self.high_cut_hz:g} Hz" if self.high_cut_hz else "HFF off",
            f"notch {self.notch_hz:g} Hz" if self.notch_hz else "notch off",
        ]
        return ", ".join(parts)


def _check_cutoff(kind: str, hz: float, fs: float) -> None:
    if not 0 < hz < fs / 2:
        raise InvalidFilterSetting(
            f"The {kind} at {hz:g} Hz cannot be applied to a recording sampled at {fs:g} Hz."
        )


def design_filters(settings: FilterSettings, fs: float) -> np.ndarray | None:
    """One cascade of second-order sections for all filters that are on, or None."""
    sections = []
    if settings.low_cut_hz:
        _check_cutoff("low-frequency filter", settings.low_cut_hz, fs)
        sections.append(butterworth(fs, HIGH_PASS_ORDER, low_hz=settings.low_cut_hz))
    if settings.high_cut_hz:
        _check_cutoff("high-frequency filter", settings.high_cut_hz, fs)
        if settings.low_cut_hz and settings.high_cut_hz <= settings.low_cut_hz:
            raise InvalidFilterSetting(
                f"The high-frequency filter ({settings.high_cut_hz:g} Hz) is not above the "
                f"low-frequency filter ({settings.low_cut_hz:g} Hz)."
            )
        sections.append(butterworth(fs, LOW_PASS_ORDER, high_hz=settings.high_cut_hz))
    if settings.notch_hz:
        _check_cutoff("notch filter", settings.notch_hz, fs)
        sections.append(notch_sos(fs, settings.notch_hz, NOTCH_QUALITY))
    return np.vstack(sections) if sections else None


def apply_filters(signals: np.ndarray, fs: float, settings: FilterSettings) -> np.ndarray:
    """Zero-phase filtered float32 copy of a channels × samples block, gaps (NaN) kept as gaps."""
    sos = design_filters(settings, fs)
    data = np.asarray(signals, dtype=np.float64)
    if sos is None:
        return data.astype(np.float32)
    return zero_phase_keeping_gaps(sos, data, pad_length(sos)).astype(np.float32)


def band_pass(signals: np.ndarray, fs: float, low_hz: float, high_hz: float) -> np.ndarray:
    """A plain band-pass, as the analyses use to match the band their models were trained on."""
    return apply_filters(signals, fs, FilterSettings(low_hz, below_nyquist(high_hz, fs), None))
