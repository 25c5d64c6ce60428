from datetime import UTC, datetime

import mne
import numpy as np
import pytest
from helpers import START, write_edf

from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.recording import Modality


def test_edfio_written_edf_round_trips_channels_rate_and_annotations(tmp_path):
    path = tmp_path / "eeg.edf"
    data = write_edf(
        path,
        annotations=[(1.0, 2.0, "Eyes closed"), (5.5, None, "Spike@@C3"), (7.25, 0.5, "Artefact")],
    )
    rec = read_recording(path)
    assert rec.channel_names == ("Fp1", "Fp2", "C3", "C4")
    assert rec.units == ("uV",) * 4
    assert rec.fs == 256 and rec.n_samples == 2560
    assert rec.modality is Modality.EEG
    assert rec.start_time == START
    assert rec.source_format.startswith("EDF+")
    step = 1000 / 65535  # one digital step of a ±500 µV range in 16 bits
    np.testing.assert_allclose(rec.signals, data, atol=step)
    got = [(a.onset, a.duration, a.label, a.channel) for a in rec.annotations]
    assert got == [
        (1.0, 2.0, "Eyes closed", None),
        (5.5, 0.0, "Spike", "C3"),
        (7.25, 0.5, "Artefact", None),
    ]


def test_mne_exported_edf_round_trips(tmp_path):
    fs = 200.0
    info = mne.create_info(["Fp1", "Cz", "O2"], fs, ch_types="eeg")
    rng = np.random.default_rng(3)
    volts = rng.normal(0, 20e-6, (3, 2000))
    raw = mne.io.RawArray(volts, info, verbose="error")
    raw.set_annotations(mne.Annotations([0.5, 4.0], [1.0, 0.0], ["seizure onset", "marker"]))
    raw.set_meas_date(datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC))
    path = tmp_path / "mne.edf"
    mne.export.export_raw(path, raw, fmt="edf", verbose="error")
    rec = read_recording(path)
    assert rec.channel_names == ("Fp1", "Cz", "O2") and rec.fs == fs and rec.n_samples == 2000
    microvolts = volts * 1e6
    span = microvolts.max() - microvolts.min()
    np.testing.assert_allclose(rec.signals, microvolts, atol=span / 65535 * 2)
    assert [(a.onset, a.duration, a.label) for a in rec.annotations] == [
        (0.5, 1.0, "seizure onset"),
        (4.0, 0.0, "marker"),
    ]


def test_bdf_is_read_with_24_bit_resolution(tmp_path):
    path = tmp_path / "eeg.bdf"
    data = write_edf(path, bdf=True)
    rec = read_recording(path)
    assert rec.source_format.startswith("BDF")
    np.testing.assert_allclose(rec.signals, data, atol=1000 / 2**24 * 2)


def test_slower_channels_are_left_out_and_named(tmp_path):
    path = tmp_path / "mixed.edf"
    write_edf(path, extra_slow_channel=True)
    rec = read_recording(path)
    assert "SpO2" not in rec.channel_names and rec.n_channels == 4
    assert any("SpO2" in w and "1 Hz" in w for w in rec.warnings)


def test_annotation_only_edf_is_refused_with_advice(wfdb_samples):
    with pytest.raises(InvalidRecording, match="annotations only"):
        read_recording(wfdb_samples / "test_edfann.edf")


def test_real_edf_sample(wfdb_samples):
    rec = read_recording(wfdb_samples / "test_generator_2.edf")
    assert rec.fs == 200 and rec.n_channels == 11 and rec.duration == 600
    assert rec.start_time == datetime(2009, 12, 10, 12, 44, 2)


def test_renamed_edf_is_read_by_content_with_a_warning(edf_file):
    renamed = edf_file.with_suffix(".dat")
    edf_file.rename(renamed)
    rec = read_recording(renamed)
    assert rec.n_channels == 4
    assert any("named '.dat' but holds EDF" in w for w in rec.warnings)


def test_truncated_edf_is_refused(edf_file):
    content = edf_file.read_bytes()
    edf_file.write_bytes(content[: len(content) // 2])
    with pytest.raises(InvalidRecording):
        read_recording(edf_file)
