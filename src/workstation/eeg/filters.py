"""The reviewer's filters: low-frequency (high-pass), high-frequency (low-pass) and notch.

EEG machines call the high-pass the "low-frequency filter" (LFF, often 1 Hz) and the
low-pass the "high-frequency filter" (HFF, often 70 Hz); the notch removes mains hum (50 or
60 Hz). All three are second-order sections run forward and backward (``sosfiltfilt``):
second-order sections stay stable at low cut-offs where a transfer function would not, and
the forward-backward pass keeps spikes and sharp waves where they are in time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

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
        sections.append(
            signal.butter(HIGH_PASS_ORDER, settings.low_cut_hz, "highpass", fs=fs, output="sos")
        )
    if settings.high_cut_hz:
        _check_cutoff("high-frequency filter", settings.high_cut_hz, fs)
        if settings.low_cut_hz and settings.high_cut_hz <= settings.low_cut_hz:
            raise InvalidFilterSetting(
                f"The high-frequency filter ({settings.high_cut_hz:g} Hz) is not above the "
                f"low-frequency filter ({settings.low_cut_hz:g} Hz)."
            )
        sections.append(
            signal.butter(LOW_PASS_ORDER, settings.high_cut_hz, "lowpass", fs=fs, output="sos")
        )
    if settings.notch_hz:
        _check_cutoff("notch filter", settings.notch_hz, fs)
        b, a = signal.iirnotch(settings.notch_hz, NOTCH_QUALITY, fs=fs)
        sections.append(signal.tf2sos(b, a))
    return np.vstack(sections) if sections else None


def apply_filters(signals: np.ndarray, fs: float, settings: FilterSettings) -> np.ndarray:
    """Zero-phase filtered copy of a channels × samples block, gaps (NaN) kept as gaps.

    A gap is filled with zeros for the filter only; otherwise one missing sample would turn
    the whole channel into NaN.
    """
    sos = design_filters(settings, fs)
    data = np.asarray(signals, dtype=np.float64)
    if sos is None:
        return data.astype(np.float32)
    gaps = np.isnan(data)
    if gaps.any():
        data = np.where(gaps, 0.0, data)
    padlen = min(3 * (2 * len(sos) + 1), data.shape[-1] - 1)
    filtered = signal.sosfiltfilt(sos, data, axis=-1, padlen=max(padlen, 0))
    if gaps.any():
        filtered[gaps] = np.nan
    return filtered.astype(np.float32)


def band_pass(signals: np.ndarray, fs: float, low_hz: float, high_hz: float) -> np.ndarray:
    """A plain band-pass, as the analyses use to match the band their models were trained on."""
    return apply_filters(signals, fs, FilterSettings(low_hz, min(high_hz, 0.45 * fs), None))
