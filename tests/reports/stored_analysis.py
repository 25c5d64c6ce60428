"""A stored ECG analysis in the exact shape of ``EcgAnalysis.to_json()``, for tests of the
report's layout that must not depend on whether the ECG models are trained on this machine.
Values are those of a plausible resting ECG; tests of the printed measurements use the real
engine instead."""

from __future__ import annotations

from typing import Any


def stored_analysis() -> dict[str, Any]:
    return {
        "heart_rate_bpm": 63.4,
        "rr": {
            "heart_rate_bpm": 63.4,
            "rr_mean_ms": 946.0,
            "rr_sd_ms": 21.3,
            "rr_min_ms": 912.0,
            "rr_max_ms": 980.0,
            "rmssd_ms": 18.2,
            "n_beats": 11,
        },
        "pr_ms": 164.0,
        "qrs_ms": 96.0,
        "qt_ms": 398.0,
        "qtc_bazett_ms": 409.2,
        "qtc_fridericia_ms": 405.4,
        "axis_deg": {"p": 52.0, "qrs": -38.0, "t": 41.0},
        "amplitudes_mv": {},
        "statements": [
            {
                "code": "sinus_rhythm",
                "text": "Sinus rhythm",
                "evidence": {"heart_rate_bpm": 63.4, "p_wave_fraction": 1.0},
                "abnormal": False,
            },
            {
                "code": "left_axis_deviation",
                "text": "Left axis deviation",
                "evidence": {"qrs_axis_deg": -38.0},
                "abnormal": True,
            },
            {
                "code": "lvh_voltage",
                "text": "Left ventricular hypertrophy by voltage criteria",
                "evidence": {"sokolow_lyon_mv": 3.9},
                "abnormal": True,
            },
        ],
        "abnormality": {
            "probability_abnormal": 0.912,
            "threshold": 0.5,
            "label": "abnormal",
            "features": {"qrs_axis_deg": -38.0, "sokolow_lyon_mv": 3.9, "qrs_ms": 96.0},
            "model": {"name": "ecg-abnormality", "version": "1.0.0", "sha256": "ab" * 32},
            "explanation": {"qrs_axis_deg": 0.21, "sokolow_lyon_mv": 0.15, "qrs_ms": -0.02},
        },
        "waves": {},
        "sample_rate_hz": 500.0,
        "beats": [],
        "leads_used": ["i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6"],
        "leads_unusable": {},
        "models": [
            {"name": "ecg-segmentation", "version": "1.0.0", "sha256": "cd" * 32},
            {"name": "ecg-abnormality", "version": "1.0.0", "sha256": "ab" * 32},
        ],
        "device": "CPUExecutionProvider",
        "intended_use": "For clinical review, not diagnosis.",
    }
