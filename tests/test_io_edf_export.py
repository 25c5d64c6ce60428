"""EDF+ export: what is written is read back by the project's own reader, and nothing misleads."""

from __future__ import annotations

from datetime import datetime

import edfio
import numpy as np
import pytest
from helpers import START, shared

from workstation.errors import WorkstationError
from workstation.io import read_recording
from workstation.io.edf_export import GAP_ANNOTATION, EdfExportError, write_edf_plus
from workstation.recording import Annotation, Recording


def make_recording(
    n_seconds: float = 10,
    fs: float = 256.0,
    names: tuple[str, ...] = ("Fp1", "C3", "ECG"),
    units: tuple[str, ...] = ("uV", "uV", "mV"),
    start_time: datetime | None = START,
    annotations: tuple[Annotation, ...] = (),
    **kwargs,
) -> Recording:
    n = round(n_seconds * fs)
    t = np.arange(n) / fs
    rng = np.random.default_rng(7)
    rows = [
        (40 + 10 * i) * np.sin(2 * np.pi * (5 + i) * t) + rng.normal(0, 3, n) + 25 * i
        for i in range(len(names))
    ]
    if units[-1] == "mV":
        rows[-1] = rows[-1] / 100  # an ECG in mV: values around ±1
    return Recording(
        signals=np.stack(rows).astype(np.float32),
        fs=fs,
        channel_names=names,
        units=units,
        start_time=start_time,
        annotations=annotations,
        **kwargs,
    )


def quantisation_steps(path) -> np.ndarray:
    """One digital step per channel, from the physical range the file declares."""
    edf = edfio.read_edf(path)
    return np.array([(s.physical_max - s.physical_min) / 65535 for s in edf.signals])


def assert_signals_match(written: np.ndarray, read: np.ndarray, steps: np.ndarray) -> None:
    finite = np.isfinite(written)
    error = np.where(finite, np.abs(read.astype(np.float64) - written), 0.0)
    # half a step from rounding, plus float32 rounding of the values themselves
    allowed = steps[:, None] / 2 + 2 * np.finfo(np.float32).eps * np.abs(np.nan_to_num(written))
    assert (error <= allowed).all(), f"largest error {error.max()} vs steps {steps}"


def annotation_tuples(rec: Recording) -> set[tuple[float, float, str, str | None]]:
    return {(round(a.onset, 6), round(a.duration, 6), a.label, a.channel) for a in rec.annotations}


def test_round_trip_keeps_channels_rate_units_duration_signals_and_annotations(tmp_path):
    rec = make_recording(
        annotations=(
            Annotation(1.0, 2.0, "Eyes closed"),
            Annotation(5.5, 0.0, "Spike", "C3"),
            Annotation(7.25, 0.5, "Artefact", "ecg"),  # channel named in another case
        )
    )
    clinician = [
        {"onset": 2.5, "label": "Sharp wave", "author": "dr.ada", "lead": "Fp1"},
        {"onset": 4.0, "duration": 1.5, "label": "Seizure onset", "author": "dr.ada"},
        {"onset": 9.0, "duration": None, "label": "Check electrode", "author": "nurse.bo"},
    ]
    path = tmp_path / "export.edf"
    assert write_edf_plus(rec, path, clinician) == path

    back = read_recording(path)
    assert back.channel_names == rec.channel_names
    assert back.fs == rec.fs
    assert back.units == rec.units
    assert back.n_samples == rec.n_samples and back.duration == rec.duration
    assert back.start_time == START
    assert back.source_format == "EDF+ (continuous)"
    assert not back.warnings
    assert_signals_match(rec.signals, back.signals, quantisation_steps(path))
    assert annotation_tuples(back) == {
        (1.0, 2.0, "Eyes closed", None),
        (5.5, 0.0, "Spike", "C3"),
        (7.25, 0.5, "Artefact", "ECG"),
        (2.5, 0.0, "Sharp wave (by dr.ada)", "Fp1"),
        (4.0, 1.5, "Seizure onset (by dr.ada)", None),
        (9.0, 0.0, "Check electrode (by nurse.bo)", None),
    }


def test_physical_range_is_the_measured_range_widened_a_little(tmp_path):
    rec = make_recording()
    path = write_edf_plus(rec, tmp_path / "range.edf")
    for signal, row in zip(edfio.read_edf(path).signals, rec.signals, strict=True):
        low, high = float(row.min()), float(row.max())
        assert signal.physical_min <= low and signal.physical_max >= high
        span = high - low
        # widened by about 1 % on each side, never more than 2 % plus the 8-character rounding
        assert signal.physical_max - signal.physical_min <= span * 1.05
        assert signal.physical_max - signal.physical_min >= span * 1.01
        assert (signal.digital_min, signal.digital_max) == (-32768, 32767)
    raw = path.read_bytes()
    n_signals = int(raw[252:256])
    fields = raw[256 + n_signals * 104 : 256 + n_signals * 120]  # physical minima and maxima
    for i in range(0, len(fields), 8):
        text = fields[i : i + 8].decode("ascii").strip()
        assert "e" not in text.lower() and float(text) == float(text)  # plain decimals


def test_micro_sign_is_written_as_uv_and_a_flat_channel_gets_a_range(tmp_path):
    rec = make_recording(units=("µV", "μV", "mV"))
    flat = np.array(rec.signals)
    flat[1] = 12.5
    rec = Recording(flat, rec.fs, rec.channel_names, rec.units, start_time=START)
    path = write_edf_plus(rec, tmp_path / "units.edf")
    back = read_recording(path)
    assert back.units == ("uV", "uV", "mV")
    signal = edfio.read_edf(path).signals[1]
    assert signal.physical_min < 12.5 < signal.physical_max
    assert_signals_match(rec.signals, back.signals, quantisation_steps(path))


def test_gaps_are_marked_in_the_file_and_read_back_as_gaps(tmp_path):
    rec = make_recording()
    data = np.array(rec.signals)
    data[1, 512:768] = np.nan  # C3 missing from 2 s to 3 s
    data[:, 1280:1408] = np.nan  # every channel missing from 5 s to 5.5 s
    data[2, -64:] = np.nan  # the ECG lead missing for the last 0.25 s
    rec = Recording(data, rec.fs, rec.channel_names, rec.units, start_time=START)
    path = write_edf_plus(rec, tmp_path / "gaps.edf")

    marks = {(a.onset, a.duration, a.text) for a in edfio.read_edf(path).annotations}
    assert marks >= {
        (2.0, 1.0, f"{GAP_ANNOTATION}@@C3"),
        (5.0, 0.5, GAP_ANNOTATION),
        (9.75, 0.25, f"{GAP_ANNOTATION}@@ECG"),
    }
    raw = edfio.read_edf(path).signals[1].data  # EDF has no NaN: the file holds 0 there
    assert np.abs(raw[512:768]).max() <= quantisation_steps(path)[1]

    back = read_recording(path)  # our reader makes them gaps again
    assert back.n_samples == rec.n_samples
    np.testing.assert_array_equal(np.isnan(back.signals), np.isnan(rec.signals))
    assert not any(a.label == GAP_ANNOTATION for a in back.annotations)
    assert_signals_match(rec.signals, back.signals, quantisation_steps(path))


def test_a_gap_in_a_channel_that_never_reaches_zero_keeps_its_resolution(tmp_path):
    rec = make_recording(names=("Temp",), units=("°C",))
    data = np.array(rec.signals) / 40 + 37.0  # 36–38 °C
    data[0, 100:200] = np.nan
    rec = Recording(data, rec.fs, rec.channel_names, rec.units)
    path = write_edf_plus(rec, tmp_path / "temp.edf")
    back = read_recording(path)
    assert back.units == ("degC",)
    signal = edfio.read_edf(path).signals[0]
    assert signal.physical_min > 30  # the range was not stretched down to 0 for the gap
    np.testing.assert_allclose(signal.data[100:200], signal.physical_min, atol=1e-3)
    assert np.isnan(back.signals[0, 100:200]).all() and back.annotations == ()
    assert_signals_match(rec.signals, back.signals, quantisation_steps(path))


def test_a_length_no_record_divides_is_padded_and_the_padding_marked(tmp_path):
    rec = make_recording(n_seconds=2579 / 256)  # 2579 samples: prime, no whole records at 256 Hz
    assert rec.n_samples == 2579
    path = write_edf_plus(rec, tmp_path / "padded.edf")
    back = read_recording(path)
    assert back.fs == 256 and back.n_samples == 2816  # 11 records of 1 s
    assert np.isnan(back.signals[:, 2579:]).all()  # the padding reads back as no data
    assert_signals_match(rec.signals, back.signals[:, :2579], quantisation_steps(path))


def test_a_length_with_an_exact_division_is_not_padded(tmp_path):
    rec = make_recording(n_seconds=2579 / 250, fs=250.0)  # 4 ms records hold it exactly
    path = write_edf_plus(rec, tmp_path / "exact.edf")
    back = read_recording(path)
    assert back.n_samples == 2579 and back.fs == 250
    assert not any(a.label == GAP_ANNOTATION for a in back.annotations)


def test_a_fractional_rate_is_written_exactly(tmp_path):
    rec = make_recording(n_seconds=4, fs=1000 / 3)
    path = write_edf_plus(rec, tmp_path / "third.edf")
    back = read_recording(path)
    assert back.fs == rec.fs and back.n_samples == rec.n_samples
    assert_signals_match(rec.signals, back.signals, quantisation_steps(path))


def test_a_rate_edf_cannot_hold_exactly_is_refused(tmp_path):
    rec = make_recording(n_seconds=2, fs=257.123456789)
    with pytest.raises(EdfExportError, match="257.123 Hz cannot be written exactly"):
        write_edf_plus(rec, tmp_path / "odd.edf")
    assert list(tmp_path.iterdir()) == []


def test_header_carries_no_patient_identifying_data(tmp_path):
    rec = make_recording(
        source_name="Smith_John_1950-02-03.edf",
        metadata={"comments": "<age>: 74\n<sex>: M\nPatient Smith, John"},
    )
    path = write_edf_plus(rec, tmp_path / "anon.edf")
    raw = path.read_bytes()
    assert raw[8:88].decode().rstrip() == "X X X X"  # code, sex, birth date, name
    assert raw[88:168].decode().rstrip() == "Startdate 14-MAR-2025 X X X"
    assert b"Smith" not in raw and b"John" not in raw and b"1950" not in raw
    header = edfio.read_edf(path)
    assert header.patient.name == "X" and header.patient.code == "X"
    assert header.patient.sex == "X"
    with pytest.raises(edfio.AnonymizedDateError):
        header.patient.birthdate  # noqa: B018


def test_an_independent_reader_opens_the_export(tmp_path):
    mne = pytest.importorskip("mne")
    rec = make_recording(annotations=(Annotation(5.5, 0.0, "Spike", "C3"),))
    path = write_edf_plus(
        rec, tmp_path / "for-mne.edf", [{"onset": 2, "label": "x", "author": "a"}]
    )
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    assert raw.ch_names == list(rec.channel_names) and raw.info["sfreq"] == rec.fs
    assert raw.n_times == rec.n_samples
    got = sorted(zip(raw.annotations.description, raw.annotations.ch_names, strict=True))
    assert got == [("Spike", ("C3",)), ("x (by a)", ())]  # MNE reads @@channel too
    assert raw.info["meas_date"].replace(tzinfo=None) == START


def test_no_start_time_is_written_as_unknown(tmp_path):
    path = write_edf_plus(make_recording(start_time=None), tmp_path / "nodate.edf")
    assert read_recording(path).start_time is None


def test_start_time_keeps_fractions_of_a_second(tmp_path):
    start = datetime(2024, 11, 2, 23, 59, 58, 250000)
    path = write_edf_plus(make_recording(start_time=start), tmp_path / "frac.edf")
    assert read_recording(path).start_time == start


def test_long_labels_are_truncated_and_annotations_follow_them(tmp_path):
    long = "EEG Fp1-REF-0123456789"
    rec = make_recording(
        names=(long, "C3"), units=("uV", "uV"), annotations=(Annotation(1.0, 0.0, "Spike", long),)
    )
    path = write_edf_plus(rec, tmp_path / "long.edf")
    back = read_recording(path)
    assert back.channel_names == (long[:16], "C3")
    assert [(a.label, a.channel) for a in back.annotations] == [("Spike", long[:16])]


def test_labels_that_collide_after_truncation_are_refused(tmp_path):
    rec = make_recording(names=("EEG Fp1-REF-long-A", "EEG Fp1-REF-long-B"), units=("uV", "uV"))
    path = tmp_path / "collide.edf"
    with pytest.raises(EdfExportError) as caught:
        write_edf_plus(rec, path)
    message = str(caught.value)
    assert "EEG Fp1-REF-long-A" in message and "EEG Fp1-REF-long-B" in message
    assert "16 characters" in message
    assert isinstance(caught.value, WorkstationError)
    assert list(tmp_path.iterdir()) == []  # nothing, not even a partial file


def test_labels_differing_only_in_case_are_refused(tmp_path):
    rec = make_recording(names=("aVR", "AVR"), units=("mV", "mV"))
    with pytest.raises(EdfExportError, match="cannot tell 'aVR' and 'AVR' apart"):
        write_edf_plus(rec, tmp_path / "case.edf")


def test_a_unit_edf_cannot_hold_is_refused_not_shortened(tmp_path):
    rec = make_recording(names=("HR",), units=("beats per minute",))
    with pytest.raises(EdfExportError, match="unit 'beats per minute'"):
        write_edf_plus(rec, tmp_path / "hr.edf")


def test_values_too_small_for_the_range_fields_are_refused(tmp_path):
    rec = make_recording(names=("Fp1",), units=("V",))
    volts = np.array(rec.signals) * 1e-9  # nanovolt-scale numbers written in volts
    rec = Recording(volts, rec.fs, rec.channel_names, rec.units)
    with pytest.raises(EdfExportError, match="smaller unit"):
        write_edf_plus(rec, tmp_path / "tiny.edf")


def test_a_clinician_annotation_without_author_is_refused(tmp_path):
    with pytest.raises(EdfExportError, match="names no author"):
        write_edf_plus(
            make_recording(), tmp_path / "a.edf", [{"onset": 1.0, "label": "x", "author": " "}]
        )
    with pytest.raises(EdfExportError, match="annotation 1 is incomplete"):
        write_edf_plus(make_recording(), tmp_path / "b.edf", [{"label": "no onset"}])


def test_annotation_text_cannot_break_the_edf_plus_structure(tmp_path):
    clinician = [{"onset": 1.0, "label": "two\x14parts\x00here", "author": "dr.ada"}]
    path = write_edf_plus(make_recording(), tmp_path / "ctrl.edf", clinician)
    labels = [a.label for a in read_recording(path).annotations]
    assert labels == ["two parts here (by dr.ada)"]


def test_an_existing_file_is_replaced_whole(tmp_path):
    path = tmp_path / "again.edf"
    path.write_bytes(b"old contents")
    write_edf_plus(make_recording(), path)
    assert read_recording(path).n_samples == 2560
    assert [p.name for p in tmp_path.iterdir()] == ["again.edf"]


def test_ludb_record_exports_and_reads_back(tmp_path):
    rec = read_recording(shared("ludb", "data", "1.hea"))
    clinician = [{"onset": 3.2, "label": "Borderline LVH", "author": "dr.ada", "lead": "v5"}]
    path = write_edf_plus(rec, tmp_path / "ludb-1.edf", clinician)
    back = read_recording(path)
    steps = quantisation_steps(path)
    raw = path.read_bytes()
    assert back.channel_names == rec.channel_names
    assert back.units == rec.units == ("mV",) * 12
    assert back.fs == rec.fs == 500 and back.n_samples == rec.n_samples == 5000
    assert_signals_match(rec.signals, back.signals, steps)
    assert steps.max() < 1e-4  # under 0.1 µV per step for an ECG of about ±1 mV
    expected = annotation_tuples(rec) | {(3.2, 0.0, "Borderline LVH (by dr.ada)", "v5")}
    assert annotation_tuples(back) == expected
    assert len(back.annotations) == len(rec.annotations) + 1
    assert b"<age>" not in raw and b"51" not in raw[:256]  # LUDB's age/sex comments stay out
