"""DICOM waveform ECG (issue #14): pydicom's 12-lead example reads as 12 named leads in µV,
and variants built from it (other units, other SOP classes, bombs, unknown leads) are read
or refused in plain words, without a patient identifier in any message."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

from workstation.cli import main
from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.io.detect import Format, detect_format

STANDARD = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
PATIENT_NAME, PATIENT_ID = "Doe^Jane", "PID-SECRET-0042"
PEAK_BYTES = 100 * 1024 * 1024
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
HEMODYNAMIC = "1.2.840.10008.5.1.4.1.1.9.2.1"


def example() -> Dataset:
    """pydicom's 12-lead ECG (10 s at 1000 Hz, rhythm and median beats), with a named patient."""
    ds = pydicom.dcmread(get_testdata_file("waveform_ecg.dcm"))
    ds.PatientName, ds.PatientID = PATIENT_NAME, PATIENT_ID
    return ds


def saved(ds: Dataset, folder: Path, name: str = "ecg.dcm") -> Path:
    path = folder / name
    ds.save_as(path, enforce_file_format=True)
    return path


def channels(ds: Dataset) -> list[Dataset]:
    return list(ds.WaveformSequence[0].ChannelDefinitionSequence)


def no_patient(text: str) -> None:
    assert "Doe" not in text and "SECRET" not in text


def refused(path: Path, *words: str) -> str:
    with pytest.raises(InvalidRecording) as info:
        read_recording(path)
    text = str(info.value)
    for word in words:
        assert word in text
    assert "Error" not in text and "Traceback" not in text and "pydicom" not in text
    no_patient(text)
    return text


def test_the_12_lead_example_reads_as_named_leads_in_microvolts(tmp_path):
    path = saved(example(), tmp_path)
    assert detect_format(path) is Format.DICOM
    rec = read_recording(path)
    assert rec.channel_names == STANDARD
    assert rec.fs == 1000 and rec.n_samples == 10_000 and rec.duration == pytest.approx(10.0)
    assert rec.units == ("µV",) * 12 and rec.modality == "ecg"
    spans = np.ptp(rec.signals, axis=1)
    assert np.all((spans > 200) & (spans < 5000))  # 0.2-5 mV: a resting ECG, in µV
    assert rec.start_time is not None and rec.start_time.isoformat() == "2013-01-25T10:59:19"
    assert rec.source_format == "DICOM 12-lead ECG waveform"
    assert rec.warnings == (
        "the file's median beats were skipped; the rhythm recording is shown and the "
        "workstation measures its own beats from it.",
    )
    assert rec.metadata["prefiltering"] == "HP:0.05Hz LP:300Hz"
    no_patient(" ".join([*rec.warnings, *rec.metadata.values()]))


def test_millivolt_channels_are_converted_to_microvolts(tmp_path):
    reference = read_recording(saved(example(), tmp_path, "uv.dcm"))
    ds = example()
    for group in ds.WaveformSequence:
        for channel in group.ChannelDefinitionSequence:
            channel.ChannelSensitivity = "0.00125"
            channel.ChannelSensitivityUnitsSequence[0].CodeValue = "mV"
            channel.ChannelSensitivityUnitsSequence[0].CodeMeaning = "millivolt"
    rec = read_recording(saved(ds, tmp_path, "mv.dcm"))
    assert rec.units == ("µV",) * 12
    np.testing.assert_allclose(rec.signals, reference.signals, rtol=1e-5, atol=1e-3)


def test_a_file_named_otherwise_is_read_by_its_content(tmp_path):
    path = saved(example(), tmp_path, "ECG0001")
    assert detect_format(path) is Format.DICOM
    assert read_recording(path).n_channels == 12


def test_a_dcm_file_without_the_dicom_marker_is_refused(tmp_path):
    path = tmp_path / "fake.dcm"
    path.write_bytes(b"not a dicom file at all" * 20)
    refused(path, "not a DICOM file", "'DICM' marker")


def test_an_unknown_lead_code_is_kept_under_its_own_name_with_a_warning(tmp_path):
    ds = example()
    source = channels(ds)[6].ChannelSourceSequence[0]
    source.CodeValue, source.CodeMeaning = "5.6.3-9-99", "Lead V4R"
    rec = read_recording(saved(ds, tmp_path))
    assert rec.n_channels == 12 and rec.channel_names[6] == "Lead V4R"
    assert any(
        "channel 7 ('Lead V4R') is not one of the 12 standard leads" in w for w in rec.warnings
    )


def test_a_lead_named_by_its_code_alone_is_recognised(tmp_path):
    ds = example()
    source = channels(ds)[2].ChannelSourceSequence[0]
    source.CodeMeaning = ""
    source.CodeValue = "2:61"  # MDC lead III
    assert read_recording(saved(ds, tmp_path)).channel_names[2] == "III"


def test_an_unreadable_acquisition_time_is_warned_about_not_refused(tmp_path):
    ds = example()
    with pytest.warns(UserWarning, match="Invalid value for VR DT"):
        ds.AcquisitionDateTime = "2013-13-45 noon"
    rec = read_recording(saved(ds, tmp_path))
    assert rec.start_time is None and rec.n_channels == 12
    assert any("not a valid DICOM date and time" in w for w in rec.warnings)


def test_another_waveform_sop_class_is_refused_by_what_it_is(tmp_path):
    ds = example()
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = HEMODYNAMIC
    refused(saved(ds, tmp_path), "Hemodynamic Waveform Storage", "not an ECG")


def test_a_ct_image_without_waveform_is_refused_as_an_image(tmp_path):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT_IMAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.PatientName, ds.PatientID = "CT", PATIENT_NAME, PATIENT_ID
    ds.Rows = ds.Columns = 4
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit, ds.PixelRepresentation, ds.SamplesPerPixel = 15, 0, 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = bytes(32)
    path = saved(ds, tmp_path, "slice.dcm")
    assert detect_format(path) is Format.DICOM
    refused(path, "a DICOM image (CT Image Storage), not a waveform")


def test_an_ecg_without_waveform_is_refused(tmp_path):
    ds = example()
    del ds.WaveformSequence
    refused(saved(ds, tmp_path), "holds no waveform")


def test_median_beats_alone_are_refused(tmp_path):
    ds = example()
    del ds.WaveformSequence[0]
    refused(saved(ds, tmp_path), "median beats only")


def test_samples_declaring_111_hours_are_refused_before_decoding(tmp_path):
    ds = example()
    ds.WaveformSequence[0].NumberOfWaveformSamples = 400_000_000  # 111 h at 1000 Hz
    path = saved(ds, tmp_path)
    tracemalloc.start()
    try:
        text = refused(path, "111.1 hours", "at most 72 hours")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MiB allocated while refusing"
    assert "Check that this is the right file" in text


def test_more_channels_than_the_limit_are_refused(tmp_path):
    ds = example()
    ds.WaveformSequence[0].NumberOfWaveformChannels = 300
    refused(saved(ds, tmp_path), "300 signals", "at most 256 channels")


def test_waveform_data_shorter_than_declared_is_refused(tmp_path):
    ds = example()
    ds.WaveformSequence[0].NumberOfWaveformSamples = 20_000
    refused(saved(ds, tmp_path), "truncated")


def test_companded_audio_samples_are_refused(tmp_path):
    ds = example()
    group = ds.WaveformSequence[0]
    group.WaveformBitsAllocated, group.WaveformSampleInterpretation = 8, "MB"
    refused(saved(ds, tmp_path), "mu-law")


def test_a_channel_without_calibration_is_refused(tmp_path):
    ds = example()
    del channels(ds)[1].ChannelSensitivityUnitsSequence
    refused(saved(ds, tmp_path), "channel 'II' states no sensitivity or unit")


def test_a_compressed_transfer_syntax_is_refused_by_name(tmp_path):
    path = saved(example(), tmp_path)
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.save_as(path)
    refused(path, "stored compressed", "JPEG Baseline")


def test_the_ecg_engine_analyses_a_dicom_file(tmp_path, capsys):
    path = saved(example(), tmp_path)
    out = tmp_path / "result.json"
    assert main(["analyze", "ecg", str(path), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert 40 <= result["heart_rate_bpm"] <= 100 and 60 <= result["qrs_ms"] <= 120
    capsys.readouterr()


def test_a_damaged_length_field_is_refused_without_allocating_what_it_declares(tmp_path):
    """Fuzzing found pydicom allocating from a damaged element length (a 3 GiB cap hit):
    the file is parsed from memory, so a length asks for no more than the file holds."""
    data = bytearray(Path(get_testdata_file("waveform_ecg.dcm")).read_bytes())
    at = data.index(b"\x00\x54\x10\x10")  # WaveformData (5400,1010), little endian
    data[at + 8 : at + 12] = (0xFFFFFFF0).to_bytes(4, "little")  # after "OW" and 2 reserved
    path = tmp_path / "damaged.dcm"
    path.write_bytes(bytes(data))
    tracemalloc.start()
    with pytest.raises(InvalidRecording) as raised:
        read_recording(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 << 20
    assert "damaged" in str(raised.value) or "cannot be parsed" in str(raised.value)
