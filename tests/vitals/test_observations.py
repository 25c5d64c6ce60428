"""The Time,Parameter,Value reader on real set-A stays and on hostile input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workstation.errors import InvalidRecording
from workstation.vitals import observations
from workstation.vitals.observations import Vitals, parse_vitals, read_vitals

HEADER = "Time,Parameter,Value\n"


def test_a_real_stay_is_read_with_descriptors_and_time_ordered_series(stay_file):
    vitals = read_vitals(stay_file)
    assert vitals.descriptors["ICUType"] in (1, 2, 3, 4)
    assert "Age" in vitals.descriptors
    minutes = [m.minutes for m in vitals.measurements]
    assert minutes == sorted(minutes) and minutes[-1] <= 48 * 60
    hr = vitals.series("HR")
    assert len(hr.values) > 10 and hr.unit == "/min"
    assert all(m.parameter not in observations.DESCRIPTORS for m in vitals.measurements)


def test_implausible_values_are_refused_one_by_one_with_a_counted_warning():
    text = HEADER + "00:10,HR,0\n00:20,HR,80\n00:30,HR,350\n00:40,Temp,1.9\n00:50,Temp,37.2\n"
    vitals = parse_vitals(text, "t.csv")
    assert [m.value for m in vitals.measurements] == [80.0, 37.2]
    assert vitals.refused == {"HR": 2, "Temp": 1}
    assert any("3 implausible values were refused" in w for w in vitals.warnings)


def test_minus_one_is_missing_and_unknown_parameters_are_kept_and_reported():
    text = HEADER + "00:00,Height,-1\n00:00,Age,70\n00:05,Weight,-1\n00:05,Ferritin,300\n"
    vitals = parse_vitals(text, "t.csv")
    assert vitals.descriptors == {"Age": 70.0}
    assert [m.parameter for m in vitals.measurements] == ["Ferritin"]
    assert vitals.unknown == {"Ferritin": 1}
    assert any("Ferritin" in w for w in vitals.warnings)


def test_rows_out_of_time_order_are_ordered_and_said():
    text = HEADER + "02:00,HR,90\n00:30,HR,80\n47:59,HR,100\n"
    vitals = parse_vitals(text, "t.csv")
    assert [m.minutes for m in vitals.measurements] == [30, 120, 47 * 60 + 59]
    assert any("not in time order" in w for w in vitals.warnings)


@pytest.mark.parametrize(
    "text",
    ["", "a,b,c\n00:00,HR,80\n", HEADER + "xx,HR,80\n00:61,HR,80\n", HEADER + "00:00,HR\n"],
)
def test_files_without_a_usable_row_are_refused_with_a_plain_message(text):
    with pytest.raises(InvalidRecording) as info:
        parse_vitals(text, "t.csv")
    assert "Error" not in str(info.value) and "Traceback" not in str(info.value)


def test_malformed_rows_are_counted_not_fatal():
    vitals = parse_vitals(HEADER + "00:00,HR,80\nnot a row\n00:10,HR,abc\n", "t.csv")
    assert len(vitals.measurements) == 1
    assert any("2 rows could not be read" in w for w in vitals.warnings)


def test_limits_on_rows_and_file_size(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(observations, "MAX_ROWS", 3)
    with pytest.raises(InvalidRecording, match="more than 3 rows"):
        parse_vitals(HEADER + "00:00,HR,80\n" * 4, "t.csv")
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "00:00,HR,80\n" * 10)
    monkeypatch.setattr(observations, "MAX_FILE_BYTES", 50)
    with pytest.raises(InvalidRecording, match="larger than"):
        read_vitals(big)


def test_binary_file_is_refused(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00\x81" * 100)
    with pytest.raises(InvalidRecording, match="not text"):
        read_vitals(path)


def test_stored_arrays_give_back_the_same_measurements(stay_file):
    vitals = read_vitals(stay_file)
    results = {**vitals.to_json(), "parameters": vitals.parameters()}
    back = Vitals.from_stored(results, vitals.arrays())
    assert back.measurements == vitals.measurements
    assert back.descriptors == vitals.descriptors
    assert np.array_equal(back.series("HR").values, vitals.series("HR").values)
