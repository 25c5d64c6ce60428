"""Resting heart rate and HRV placed against published norms, as wellness indicators.

These are context for the clinician, not a risk score: the norms come from healthy adults
at rest, lying or sitting, measured with ECG, and a camera pulse read from a face is not
that. No model trained on labels is involved.

References
- Resting heart rate 60–100 bpm in adults: American Heart Association; the ESC/ACC
  guidelines use < 60 bpm for sinus bradycardia and > 100 bpm for sinus tachycardia.
- Short-term (5 min) HRV in healthy adults, Nunan, Sandercock & Brodie, Pacing Clin
  Electrophysiol 33:1407 (2010): SDNN 50 ± 16 ms (range 32–93), RMSSD 42 ± 15 ms (19–75),
  LF/HF 2.8 ± 2.6 (1.1–11.6).
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.rppg.hrv import Hrv

RESTING_HR_BPM = (60.0, 100.0)
SDNN_MS = (32.0, 93.0)
RMSSD_MS = (19.0, 75.0)
LF_HF = (1.1, 11.6)
CAVEAT = (
    "Wellness indicator against norms for healthy adults at rest (ECG-derived); a camera "
    "pulse is not an ECG. For clinical review, not diagnosis."
)


@dataclass(frozen=True)
class Indicator:
    name: str
    value: float
    unit: str
    reference: tuple[float, float]
    position: str  # "below", "within" or "above" the reference range
    source: str


def _place(value: float, reference: tuple[float, float]) -> str:
    if value < reference[0]:
        return "below"
    if value > reference[1]:
        return "above"
    return "within"


def indicators(heart_rate_bpm: float | None, hrv: Hrv | None) -> list[Indicator]:
    out = []
    if heart_rate_bpm is not None:
        out.append(
            Indicator(
                "resting heart rate",
                heart_rate_bpm,
                "bpm",
                RESTING_HR_BPM,
                _place(heart_rate_bpm, RESTING_HR_BPM),
                "AHA; ESC/ACC",
            )
        )
    if hrv is not None and hrv.status == "ok":
        for name, value, unit, reference in (
            ("SDNN", hrv.sdnn_ms, "ms", SDNN_MS),
            ("RMSSD", hrv.rmssd_ms, "ms", RMSSD_MS),
            ("LF/HF", hrv.lf_hf, "", LF_HF),
        ):
            if value is not None:
                out.append(
                    Indicator(
                        name, value, unit, reference, _place(value, reference), "Nunan et al. 2010"
                    )
                )
    return out
