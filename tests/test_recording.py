from datetime import datetime, timedelta

import numpy as np
import pytest

from workstation.errors import InvalidRecording
from workstation.recording import Annotation, Modality, Recording, infer_modality


def make(n_channels=2, n_samples=1000, fs=100.0, **kwargs):
    signals = np.arange(n_channels * n_samples, dtype=np.float32).reshape(n_channels, n_samples)
    names = kwargs.pop("channel_names", tuple(f"ch{i}" for i in range(n_channels)))
    return Recording(signals, fs, names, ("mV",) * n_channels, **kwargs)


def test_signals_are_float32_and_read_only():
    rec = Recording(np.zeros((2, 10), dtype=np.float64), 10, ("a", "b"), ("mV", "mV"))
    assert rec.signals.dtype == np.float32
    with pytest.raises(ValueError):
        rec.signals[0, 0] = 1.0
    with pytest.raises(AttributeError):
        rec.fs = 20


def test_caller_array_changes_do_not_leak_into_a_float32_recording_view():
    data = np.zeros((1, 5), dtype=np.float32)
    rec = Recording(data, 10, ("a",), ("mV",))
    assert not rec.signals.flags.writeable
    assert rec.duration == 0.5


@pytest.mark.parametrize(
    "signals, fs, problem",
    [
        (np.zeros((0, 10)), 100, "no channels"),
        (np.zeros((2, 0)), 100, "no samples"),
        (np.zeros(10), 100, "dimension"),
        (np.zeros((2, 10)), 0, "not plausible"),
        (np.zeros((2, 10)), 1e9, "not plausible"),
        (np.array([[1.0, np.inf]]), 100, "infinite"),
        (np.full((2, 3), np.nan), 100, "missing"),
    ],
)
def test_invalid_content_is_refused_with_a_reason(signals, fs, problem):
    names = tuple(f"c{i}" for i in range(signals.shape[0])) if signals.ndim == 2 else ("c",)
    with pytest.raises(InvalidRecording, match=problem):
        Recording(signals, fs, names, ("",) * len(names), source_name="x.edf")


def test_channel_count_must_match_names():
    with pytest.raises(InvalidRecording, match="channel name"):
        Recording(np.zeros((2, 10)), 10, ("a",), ("mV",))


def test_nan_gaps_are_kept_and_reported():
    data = np.ones((1, 10), dtype=np.float32)
    data[0, 3:5] = np.nan
    rec = Recording(data, 10, ("a",), ("mV",))
    assert rec.has_gaps
    assert np.isnan(rec.signals).sum() == 2


def test_slice_time_shares_memory_and_shifts_annotations():
    start = datetime(2024, 1, 2, 3, 4, 5)
    rec = make(
        annotations=(
            Annotation(1.0, 0.0, "early"),
            Annotation(2.5, 1.0, "span", "ch1"),
            Annotation(5.0, 2.0, "overlapping"),
            Annotation(8.0, 0.0, "late"),
        ),
        start_time=start,
    )
    part = rec.slice_time(2.0, 6.0)
    assert part.n_samples == 400
    assert np.shares_memory(part.signals, rec.signals)
    np.testing.assert_array_equal(part.signals, rec.signals[:, 200:600])
    assert part.start_time == start + timedelta(seconds=2)
    labels = {a.label: a for a in part.annotations}
    assert set(labels) == {"span", "overlapping"}
    assert labels["span"].onset == pytest.approx(0.5) and labels["span"].channel == "ch1"
    assert labels["overlapping"].onset == pytest.approx(3.0)
    assert labels["overlapping"].duration == pytest.approx(1.0)


def test_slice_time_rejects_an_empty_window():
    with pytest.raises(ValueError):
        make().slice_time(20.0, 30.0)


def test_pick_channels_case_insensitive_and_filters_channel_annotations():
    rec = make(
        n_channels=3,
        channel_names=("I", "II", "aVR"),
        annotations=(
            Annotation(0.1, 0.1, "P", "I"),
            Annotation(0.2, 0.1, "P", "aVR"),
            Annotation(0.3, 0, "beat"),
        ),
    )
    picked = rec.pick_channels(["avr", "i"])
    assert picked.channel_names == ("aVR", "I")
    np.testing.assert_array_equal(picked.signals[0], rec.signals[2])
    assert {(a.label, a.channel) for a in picked.annotations} == {
        ("P", "I"),
        ("P", "aVR"),
        ("beat", None),
    }
    assert picked.annotations_for("AVR") == (Annotation(0.2, 0.1, "P", "aVR"),)
    with pytest.raises(KeyError, match="V7"):
        rec.channel("V7")


def test_annotation_validation():
    with pytest.raises(InvalidRecording):
        Annotation(1.0, -1.0, "bad")
    with pytest.raises(InvalidRecording):
        Annotation(float("nan"), 0.0, "bad")
    assert Annotation(1.5, 0.5, "x").end == 2.0


@pytest.mark.parametrize(
    "names, modality",
    [
        (["i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6"], Modality.ECG),
        (["MLII", "V5"], Modality.ECG),
        (["EEG Fp1-REF", "EEG F3-REF", "EEG C3-REF", "ECG"], Modality.EEG),
        (["Fp2-F4", "F4-C4", "C4-P4"], Modality.EEG),
        (["PLETH"], Modality.PPG),
        (["ABP", "RESP"], Modality.OTHER),
    ],
)
def test_modality_from_channel_names(names, modality):
    assert infer_modality(names) is modality
