"""Motion features recovered from generated movement with known cadence, posture and fidgeting."""

from __future__ import annotations

import json

import numpy as np
import pytest
from wellness_signals import still, walking, write_motion_csv

from workstation.errors import WellnessInputRejected
from workstation.wellness.motion import MotionData, analyse_motion, read_motion


@pytest.mark.parametrize("cadence", [1.6, 2.0, 2.4])
def test_step_cadence_is_recovered_from_generated_walking(cadence):
    t, acc, gyro = walking(60, cadence)
    result = analyse_motion(MotionData(t, acc, gyro, "walk"))
    assert result.quality.measurable
    assert result.features["cadence_hz"] == pytest.approx(cadence, abs=0.05)
    windows = result.series["cadence_hz"]
    assert np.nanmedian(windows) == pytest.approx(cadence, abs=0.1)


def test_sitting_still_has_no_cadence_and_little_activity():
    t, acc, gyro = still(60)
    result = analyse_motion(MotionData(t, acc, gyro, "still"))
    walk = analyse_motion(MotionData(*walking(60, 2.0), "walk"))
    assert np.isnan(result.features["cadence_hz"])
    assert result.features["activity_energy"] < 0.1 * walk.features["activity_energy"]
    assert result.features["posture_changes_per_min"] == 0


def test_fidgeting_is_told_apart_from_stillness():
    calm = analyse_motion(MotionData(*still(60), "calm"))
    restless = analyse_motion(MotionData(*still(60, fidget=True), "restless"))
    assert calm.features["fidgeting_fraction"] < 0.1
    assert restless.features["fidgeting_fraction"] > 0.8


def test_a_lying_down_is_counted_as_one_posture_change():
    t, acc, gyro = still(60)
    half = t >= 30
    acc[half] = acc[half][:, [2, 1, 0]]  # gravity moves from z to x: lying down
    result = analyse_motion(MotionData(t, acc, gyro, "lie"))
    assert result.features["posture_changes_per_min"] == pytest.approx(1.0, abs=0.05)


def test_csv_and_json_exports_read_alike_and_g_units_are_converted(tmp_path):
    t, acc, gyro = walking(30, 2.0)
    csv_path = write_motion_csv(tmp_path / "m.csv", t * 1000.0, acc / 9.80665, gyro)
    rows = [
        dict(zip(("timestamp", "ax", "ay", "az", "gx", "gy", "gz"), r, strict=True))
        for r in np.column_stack([t, acc, gyro]).tolist()
    ]
    json_path = tmp_path / "m.json"
    json_path.write_text(json.dumps(rows))
    from_csv, from_json = read_motion(csv_path), read_motion(json_path)
    assert from_csv.t == pytest.approx(from_json.t, abs=1e-4)
    assert from_csv.acc == pytest.approx(from_json.acc, abs=1e-3)


def test_a_slow_sensor_and_a_gappy_one_are_not_measurable():
    t, acc, gyro = walking(60, 2.0, fs=10.0)
    slow = analyse_motion(MotionData(t, acc, gyro, "slow"))
    assert not slow.quality.measurable and "rate" in slow.quality.reason
    t, acc, gyro = walking(60, 2.0)
    keep = (t < 20) | (t > 40)
    gappy = analyse_motion(MotionData(t[keep], acc[keep], gyro[keep], "gappy"))
    assert not gappy.quality.measurable and "gaps" in gappy.quality.reason
    assert gappy.features == {}


def test_a_file_without_the_columns_is_refused_in_plain_words(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,x\n0,1\n")
    with pytest.raises(WellnessInputRejected, match="timestamp, ax, ay, az"):
        read_motion(bad)
