import numpy as np
import pytest

from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.recording import Modality


def write(tmp_path, text, name="export.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_time_column_gives_the_rate_and_units_come_from_headers(tmp_path):
    rows = "\n".join(f"{i / 250:.4f},{np.sin(i / 10):.5f},{i % 7}" for i in range(500))
    rec = read_recording(write(tmp_path, "time,II (mV),V1 [mV]\n" + rows))
    assert rec.fs == pytest.approx(250)
    assert rec.channel_names == ("II", "V1") and rec.units == ("mV", "mV")
    assert rec.modality is Modality.ECG
    assert rec.n_samples == 500
    assert rec.signals[1, 8] == 1.0


def test_millisecond_time_column(tmp_path):
    rows = "\n".join(f"{i * 4},{i}" for i in range(100))
    assert read_recording(
        write(tmp_path, "time_ms;Fp1\n" + rows.replace(",", ";"))
    ).fs == pytest.approx(250)


def test_stated_rate_in_a_comment_or_by_the_caller(tmp_path):
    rows = "\n".join(f"{i},{-i}" for i in range(100))
    assert read_recording(write(tmp_path, "# sampling_rate: 128\nA,B\n" + rows)).fs == 128
    assert read_recording(write(tmp_path, "A,B\n" + rows, "plain.csv"), fs=64).fs == 64


@pytest.mark.parametrize(
    "text, problem",
    [
        ("A,B\n1,2\n3,4\n", "no time column and no stated sampling rate"),
        ("time,A\n0,1\n0.01,2\n0.005,3\n", "does not increase"),
        ("time,A\n0,1\n0.01,2\n0.05,3\n0.06,4\n", "not evenly spaced"),
        ("time,A\n0,1\n0.01,\n0.02,3\n", "empty, NaN or infinite"),
        ("time,A\n0,1\n0.01,nan\n0.02,3\n", "empty, NaN or infinite"),
        ("time,A\n0,1\n0.01,inf\n0.02,3\n", "empty, NaN or infinite"),
        ("time,A\n0,1\n0.01,abc\n0.02,3\n", "not a number"),
        ("time\n0\n0.01\n", "no signal columns"),
        ("   \n", "empty"),
    ],
)
def test_bad_csv_is_refused_with_the_reason(tmp_path, text, problem):
    with pytest.raises(InvalidRecording, match=problem):
        read_recording(write(tmp_path, text))


def test_binary_content_named_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InvalidRecording):
        read_recording(path)
