"""Motion from a wearable's accelerometer and gyroscope export: activity, jerk, posture
changes, fidgeting and step cadence, in 10-second windows, with the sensor's quality.

Input is a CSV (header ``timestamp,ax,ay,az,gx,gy,gz``) or JSON (a list of such objects, or
one object of equal-length lists). Timestamps are seconds; a median step above 0.5 is read
as milliseconds. Acceleration in m/s² (a median magnitude near 1 is read as g and converted);
angular rate in rad/s. No population thresholds: these are the patient's own numbers,
compared later with their own baseline sessions.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import signal

from workstation.dsp.filters import lowpass
from workstation.errors import WellnessInputRejected
from workstation.wellness.observation import ModalityResult, Quality, not_measurable

COLUMNS = ("timestamp", "ax", "ay", "az", "gx", "gy", "gz")
GRAVITY = 9.80665
WINDOW_S = 10.0
MIN_RATE_HZ = 20.0
MIN_DURATION_S = 20.0
MAX_GAP_FRACTION = 0.10
#: A posture change is a turn of the gravity direction by more than this (degrees).
POSTURE_DEG = 30.0
#: Fidgeting: small, quick movement: gyroscope RMS in this band (rad/s) over 1 s while the
#: body's acceleration stays below FIDGET_MAX_ACC (m/s²), i.e. not walking.
FIDGET_GYRO = (0.15, 1.5)
FIDGET_MAX_ACC = 1.0
CADENCE_BAND = (0.5, 3.5)

UNITS = {
    "activity_energy": "m/s² RMS",
    "jerk": "m/s³ RMS",
    "posture_changes_per_min": "/min",
    "fidgeting_fraction": "fraction of seconds",
    "cadence_hz": "Hz",
}


@dataclass(frozen=True)
class MotionData:
    """Samples as read: times (s), acceleration (n, 3) m/s², angular rate (n, 3) rad/s."""

    t: np.ndarray
    acc: np.ndarray
    gyro: np.ndarray
    source: str


def _rejected(path: Path, problem: str) -> WellnessInputRejected:
    return WellnessInputRejected(
        f"The motion file {path.name} {problem}.",
        "Export it again as CSV or JSON with columns timestamp, ax, ay, az, gx, gy, gz.",
    )


def read_motion(path: str | Path) -> MotionData:
    """Read a CSV or JSON motion export; refuse files without the seven columns."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise _rejected(path, "cannot be read") from error
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            rows = (
                data
                if isinstance(data, list)
                else [dict(zip(data, v, strict=True)) for v in zip(*data.values(), strict=True)]
            )
            table = np.array([[float(r[c]) for c in COLUMNS] for r in rows], dtype=float)
        else:
            reader = csv.DictReader(text.splitlines())
            table = np.array([[float(r[c]) for c in COLUMNS] for r in reader], dtype=float)
    except (KeyError, ValueError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise _rejected(
            path, "does not hold numeric columns timestamp, ax, ay, az, gx, gy, gz"
        ) from error
    if table.ndim != 2 or len(table) < 2 or not np.isfinite(table).all():
        raise _rejected(path, "has fewer than two complete samples")
    table = table[np.argsort(table[:, 0], kind="stable")]
    t = table[:, 0] - table[0, 0]
    if np.median(np.diff(t)) > 0.5:
        t = t / 1000.0
    acc = table[:, 1:4]
    if 0.5 < np.median(np.linalg.norm(acc, axis=1)) < 2.0:
        acc = acc * GRAVITY
    return MotionData(t, acc, table[:, 4:7], path.name)


def _uniform(data: MotionData, fs: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Resample onto a regular grid; ``gap`` marks grid points inside a sensor gap."""
    grid = np.arange(0.0, data.t[-1], 1.0 / fs)
    acc = np.column_stack([np.interp(grid, data.t, data.acc[:, i]) for i in range(3)])
    gyro = np.column_stack([np.interp(grid, data.t, data.gyro[:, i]) for i in range(3)])
    step = np.diff(data.t)
    gap = np.zeros(len(grid), dtype=bool)
    for k in np.flatnonzero(step > 3.0 / fs):
        gap |= (grid > data.t[k]) & (grid < data.t[k + 1])
    return grid, acc, gyro, gap


def _posture_changes(gravity: np.ndarray, fs: float) -> np.ndarray:
    """Sample indices where a settled gravity direction differs by more than POSTURE_DEG
    from the last settled posture. Checked once a second; a direction counts as settled
    when it is within 10° of the seconds before and after, so one slow lying-down, which
    passes through every angle in between, is one change and not several."""
    unit = gravity / np.maximum(np.linalg.norm(gravity, axis=1, keepdims=True), 1e-9)
    step = max(int(fs), 1)
    picks = np.arange(0, len(unit), step)
    d = unit[picks]

    def angle(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.degrees(np.arccos(np.clip(a @ b, -1.0, 1.0))))

    reference = d[0]
    changes = []
    for i in range(1, len(d) - 1):
        settled = angle(d[i], d[i - 1]) < 10.0 and angle(d[i], d[i + 1]) < 10.0
        if settled and angle(d[i], reference) > POSTURE_DEG:
            changes.append(picks[i])
            reference = d[i]
    return np.array(changes, dtype=int)


def _cadence(vertical: np.ndarray, fs: float) -> float:
    """Dominant rhythm of the vertical acceleration in the stepping band, or NaN when no
    peak stands out (at least 5 × the band's median power)."""
    if len(vertical) < 4 * fs:
        return float("nan")
    f, p = signal.welch(vertical, fs, nperseg=min(len(vertical), int(8 * fs)))
    band = (f >= CADENCE_BAND[0]) & (f <= CADENCE_BAND[1])
    if not band.any() or np.median(p[band]) <= 0:
        return float("nan")
    k = int(np.argmax(p[band]))
    if p[band][k] < 5 * np.median(p[band]):
        return float("nan")
    fb, pb = f[band], p[band]
    if 0 < k < len(pb) - 1:  # parabolic refinement between bins
        a, b, c = np.log(pb[k - 1 : k + 2])
        shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
        return float(fb[k] + shift * (fb[1] - fb[0]))
    return float(fb[k])


def quality_of(data: MotionData) -> Quality:
    """Sensor rate, duration and gaps: the figures that decide whether motion is measurable."""
    step = np.diff(data.t)
    rate = 1.0 / float(np.median(step)) if np.median(step) > 0 else 0.0
    duration = float(data.t[-1])
    gap_time = float(step[step > 3.0 / max(rate, 1e-9)].sum()) if rate > 0 else duration
    gap_fraction = gap_time / duration if duration > 0 else 1.0
    checks = {"rate_hz": rate, "duration_s": duration, "gap_fraction": gap_fraction}
    if rate < MIN_RATE_HZ:
        return Quality(False, checks, f"sensor rate {rate:.1f} Hz is below {MIN_RATE_HZ:.0f} Hz")
    if duration < MIN_DURATION_S:
        return Quality(
            False, checks, f"only {duration:.0f} s recorded (needs {MIN_DURATION_S:.0f} s)"
        )
    if gap_fraction > MAX_GAP_FRACTION:
        return Quality(False, checks, f"{100 * gap_fraction:.0f} % of the time is sensor gaps")
    return Quality(True, checks)


def analyse_motion(data: MotionData) -> ModalityResult:
    """Windowed motion indicators and session features; 'not measurable' on poor quality."""
    quality = quality_of(data)
    if not quality.measurable:
        return not_measurable("motion", quality.reason, quality.checks, UNITS)
    fs = quality.checks["rate_hz"]
    t, acc, gyro, gap = _uniform(data, fs)
    smooth = lowpass(acc.T, fs, 10.0).T
    gravity = lowpass(acc.T, fs, 0.3, order=2).T
    dynamic = smooth - gravity
    down = gravity / np.maximum(np.linalg.norm(gravity, axis=1, keepdims=True), 1e-9)
    vertical = np.einsum("ij,ij->i", dynamic, down)
    jerk = np.linalg.norm(np.gradient(smooth, 1.0 / fs, axis=0), axis=1)
    dyn_norm = np.linalg.norm(dynamic, axis=1)
    gyro_norm = np.linalg.norm(gyro, axis=1)
    posture_at = _posture_changes(gravity, fs)
    per_window = int(round(WINDOW_S * fs))
    second = max(int(round(fs)), 1)
    names = list(UNITS)
    rows: list[list[float]] = []
    starts = list(range(0, len(t) - per_window + 1, per_window))
    fidget_seconds = total_seconds = 0
    for s in starts:
        e = s + per_window
        if gap[s:e].mean() > 0.2:
            rows.append([float("nan")] * len(names))
            continue
        secs = [(k, k + second) for k in range(s, e - second + 1, second)]
        fidget = [
            FIDGET_GYRO[0] <= np.sqrt(np.mean(gyro_norm[a:b] ** 2)) <= FIDGET_GYRO[1]
            and np.sqrt(np.mean(dyn_norm[a:b] ** 2)) < FIDGET_MAX_ACC
            for a, b in secs
        ]
        fidget_seconds += int(sum(fidget))
        total_seconds += len(fidget)
        rows.append(
            [
                float(np.sqrt(np.mean(dyn_norm[s:e] ** 2))),
                float(np.sqrt(np.mean(jerk[s:e] ** 2))),
                float(((posture_at >= s) & (posture_at < e)).sum() * 60.0 / WINDOW_S),
                float(np.mean(fidget)) if fidget else float("nan"),
                _cadence(vertical[s:e], fs),
            ]
        )
    table = np.array(rows, dtype=float).reshape(-1, len(names))
    usable = ~gap
    features = {
        "activity_energy": float(np.sqrt(np.mean(dyn_norm[usable] ** 2))),
        "jerk": float(np.sqrt(np.mean(jerk[usable] ** 2))),
        "posture_changes_per_min": len(posture_at) * 60.0 / float(t[-1] - t[0] or 1.0),
        "fidgeting_fraction": fidget_seconds / total_seconds if total_seconds else float("nan"),
        "cadence_hz": _cadence(np.where(usable, vertical, 0.0), fs),
    }
    return ModalityResult(
        "motion",
        quality,
        features,
        UNITS,
        np.array([t[s] + WINDOW_S / 2 for s in starts]),
        {name: table[:, i] for i, name in enumerate(names)},
    )
