"""Readers that never mislead (issue #14): lead names beyond I…V6, PhysioNet headers with
non-WFDB start dates, and WFDB annotations outside the recording."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import wfdb
from helpers import shared
from scipy.signal import resample_poly
from wfdb.io import _header as wfdb_header

from workstation.channels import canonical_lead, ecg_lead, is_ecg_label, lead_label
from workstation.ecg.analysis import analyze_ecg, lead_selection, select_leads
from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.recording import Modality, Recording

MODELS = Path(__file__).resolve().parents[1] / "models"


def _ludb_leads(*leads: str, fs: int = 360) -> np.ndarray:
    """LUDB record 1's leads (mV), resampled from 500 Hz to ``fs``, samples × leads."""
    header = shared("ludb", "data", "1.hea")
    record = wfdb.rdrecord(str(header.with_suffix("")), channel_names=list(leads))
    return resample_poly(record.p_signal, fs, 500, axis=0)


def _write(
    folder: Path, name: str, signals: np.ndarray, labels: list[str], fs: float = 360
) -> Path:
    wfdb.wrsamp(
        name,
        fs=fs,
        units=["mV"] * len(labels),
        sig_name=labels,
        p_signal=signals,
        fmt=["16"] * len(labels),
        write_dir=str(folder),
    )
    return folder / f"{name}.hea"


def _noise(n: int, channels: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.2, (n, channels))


# --- Lead names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "lead"),
    [
        ("DI", "i"),
        ("DII", "ii"),
        ("DIII", "iii"),
        ("D1", "i"),
        ("D2", "ii"),
        ("D3", "iii"),
        ("Lead II", "ii"),
        ("ECG V1", "v1"),
        ("aVF", "avf"),
    ],
)
def test_continental_and_prefixed_limb_lead_names_are_the_standard_leads(label, lead):
    assert canonical_lead(label) == lead
    named = ecg_lead(label)
    assert named is not None and named.lead == lead and named.standard and not named.modified
    assert named.note is None and is_ecg_label(label)


@pytest.mark.parametrize(("label", "lead"), [("MLI", "i"), ("MLII", "ii"), ("MLIII", "iii")])
def test_a_modified_limb_lead_is_its_limb_lead_with_a_note(label, lead):
    named = ecg_lead(label)
    assert named is not None and named.lead == lead and named.modified
    assert f"modified limb lead {label}" in (named.note or "")
    assert "Mason-Likar" in (named.note or "")


@pytest.mark.parametrize("label", ["ML5", "CM5", "V2-V3", "MCL1", "V4R", "ECG", "ECG1"])
def test_other_ecg_leads_keep_their_own_name(label):
    named = ecg_lead(label)
    assert named is not None and named.lead == label and not named.standard
    assert is_ecg_label(label)


def test_every_lead_is_printed_by_one_rule() -> None:
    """The app and the report print a lead the same way: the standard labels, other chest
    leads upper-cased, any other channel as named."""
    assert [lead_label(n) for n in ("i", "avf", "v2", "v4r", "v7", "MLII", "CM5")] == [
        "I",
        "aVF",
        "V2",
        "V4R",
        "V7",
        "MLII",
        "CM5",
    ]


@pytest.mark.parametrize("label", ["ABP", "RESP", "PLETH", "Fp1", "C3", "EEG C3", "SpO2"])
def test_channels_that_are_no_ecg_lead_are_not_taken_for_one(label):
    assert ecg_lead(label) is None and canonical_lead(label) is None


def test_a_qtdb_style_mlii_v1_holter_keeps_both_leads_and_notes_the_modified_one(tmp_path):
    missing = [
        m for m in ("ecg-segmentation.onnx", "ecg-abnormality.onnx") if not (MODELS / m).is_file()
    ]
    if missing:
        pytest.skip(f"models not built: {missing}")
    header = _write(tmp_path, "sel100", _ludb_leads("ii", "v1"), ["MLII", "V1"])
    rec = read_recording(header)
    assert rec.channel_names == ("MLII", "V1") and rec.fs == 360
    assert rec.modality is Modality.ECG
    result = analyze_ecg(rec)
    assert result.leads_used == ["ii", "v1"] and result.leads_unusable == {}
    assert any("II (modified limb lead MLII)" in w for w in result.warnings)
    assert result.to_json()["warnings"] == result.warnings
    assert result.heart_rate_bpm is not None


def test_continental_names_map_to_the_limb_leads(tmp_path):
    n = 3600
    header = _write(tmp_path, "cont", _noise(n, 4), ["DI", "DII", "DIII", "V1"])
    selection = lead_selection(read_recording(header))
    assert selection.names == ["i", "ii", "iii", "v1"] and selection.notes == []
    assert selection.signals.shape == (4, n)


def test_every_ecg_lead_is_kept_and_every_other_channel_is_named_as_left_out(tmp_path):
    labels = ["MLII", "ML5", "CM5", "V2-V3", "ABP", "X1"]
    header = _write(tmp_path, "holter", _noise(3600, len(labels)), labels)
    selection = lead_selection(read_recording(header))
    assert selection.names == ["ii", "ML5", "CM5", "V2-V3"]
    notes = " ".join(selection.notes)
    assert "modified limb lead MLII" in notes
    assert "Channel 'ABP' was not analysed" in notes and "Channel 'X1' was not analysed" in notes
    assert select_leads(read_recording(header))[0] == selection.names


def test_an_unknown_ecg_label_is_analysed_under_its_own_name(tmp_path):
    missing = [
        m for m in ("ecg-segmentation.onnx", "ecg-abnormality.onnx") if not (MODELS / m).is_file()
    ]
    if missing:
        pytest.skip(f"models not built: {missing}")
    signals = np.column_stack([_ludb_leads("ii", "v5"), _noise(3600, 1)[:, 0]])
    header = _write(tmp_path, "cm5", signals, ["MLII", "CM5", "RESP"])
    result = analyze_ecg(read_recording(header))
    assert set(result.leads_used) | set(result.leads_unusable) == {"ii", "CM5"}
    assert "CM5" in result.waves or "CM5" in result.leads_unusable
    assert any("Channel 'RESP' was not analysed" in w for w in result.warnings)


def test_a_lead_recorded_twice_is_kept_under_its_own_label(tmp_path):
    header = _write(tmp_path, "twice", _noise(3600, 2), ["II", "MLII"])
    selection = lead_selection(read_recording(header))
    assert selection.names == ["ii", "MLII"]
    assert any("a second time" in note for note in selection.notes)


def test_channels_without_any_ecg_name_are_all_analysed_and_that_is_said(tmp_path):
    header = _write(tmp_path, "anon", _noise(3600, 2), ["sig0", "sig1"])
    selection = lead_selection(read_recording(header))
    assert selection.names == ["sig0", "sig1"]
    assert any("No channel label names an ECG lead" in note for note in selection.notes)


# --- Start date and time -----------------------------------------------------------------


def _cinc_record(folder: Path, start: str) -> Path:
    """A CinC-2017-style single-lead record (300 Hz, 9000 samples) with ``start`` written
    after the sample count in the header's record line."""
    header = _write(folder, "A00001", _noise(9000, 1), ["ECG"], fs=300)
    lines = header.read_text().splitlines()
    lines[0] = f"A00001 1 300 9000 {start}".rstrip()
    header.write_text("\n".join(lines) + "\n")
    return header


@pytest.mark.parametrize(
    "start", ["2014-05-08 05:05:15", "2014-05-08T05:05:15", "05:05:15 2014-05-08"]
)
def test_an_iso_start_date_is_read(tmp_path, start):
    original = wfdb_header._parse_record_line
    rec = read_recording(_cinc_record(tmp_path, start))
    assert rec.n_samples == 9000 and rec.fs == 300
    assert rec.start_time == datetime(2014, 5, 8, 5, 5, 15)
    assert not any("start time" in w for w in rec.warnings)
    assert wfdb_header._parse_record_line is original  # wfdb is left as it was


@pytest.mark.parametrize("start", ["08-05-2014 05:05:15", "2014/05/08", "05:05:15 31/02/2014"])
def test_an_unreadable_start_date_is_warned_and_the_signal_read(tmp_path, start):
    rec = read_recording(_cinc_record(tmp_path, start))
    assert rec.n_samples == 9000 and rec.start_time is None
    assert any(
        w.startswith("the start time in the header could not be read") and start in w
        for w in rec.warnings
    )


def test_a_standard_start_is_read_as_before(tmp_path):
    rec = read_recording(_cinc_record(tmp_path, "05:05:15 08/05/2014"))
    assert rec.start_time == datetime(2014, 5, 8, 5, 5, 15) and rec.warnings == ()


def test_a_lenient_start_does_not_excuse_other_header_errors(tmp_path):
    header = _cinc_record(tmp_path, "2014-05-08 05:05:15")
    lines = header.read_text().splitlines()
    lines[0] = "A00001 1 300 90000 2014-05-08 05:05:15"  # ten times the samples written
    header.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidRecording, match="truncated"):
        read_recording(header)


# --- Annotations outside the recording ---------------------------------------------------


def test_annotations_outside_the_recording_are_dropped_with_a_warning(tmp_path):
    header = _write(tmp_path, "ann", _noise(3600, 1), ["MLII"])  # 10 s at 360 Hz
    wfdb.wrann(
        "ann",
        "atr",
        np.array([360, 3500, 3590, 3650, 3700, 5000]),
        symbol=["N", "(", "N", ")", "N", "V"],
        write_dir=str(tmp_path),
    )
    rec = read_recording(header)
    assert [(a.label, round(a.onset, 3)) for a in rec.annotations] == [
        ("N", 1.0),
        ("N", round(3500 / 360, 3)),
    ]
    span = rec.annotations[1]
    assert span.onset + span.duration == pytest.approx(10.0)
    warning = next(w for w in rec.warnings if w.startswith("'ann.atr'"))
    assert "2 annotation(s) lie outside the recording" in warning
    assert "1 span(s) running past the end" in warning


def test_annotations_inside_the_recording_give_no_warning(tmp_path):
    header = _write(tmp_path, "ok", _noise(3600, 1), ["MLII"])
    wfdb.wrann("ok", "atr", np.array([0, 360, 3599]), symbol=["N"] * 3, write_dir=str(tmp_path))
    rec = read_recording(header)
    assert len(rec.annotations) == 3 and rec.warnings == ()


def test_an_annotation_before_the_start_is_dropped_with_a_warning():
    # wfdb.wrann refuses to write negative sample numbers, so the check is fed directly.
    from workstation.io.wfdb_annotations import _within_recording
    from workstation.recording import Annotation

    kept, warning = _within_recording([Annotation(-0.5, 0, "N"), Annotation(1.0, 0, "N")], 10.0)
    assert kept == [Annotation(1.0, 0, "N")]
    assert warning is not None and "1 annotation(s) lie outside" in warning and "-0.5 s" in warning


def test_channels_without_an_ecg_name_are_told_apart_when_named_alike_or_not_at_all():
    """Two channels both named "x" were one row of the report's strips and one "lead x" in
    a pause's wording; a blank name gave "lead " with nothing after it."""
    recording = Recording(
        signals=_noise(3600, 3).T,
        fs=360.0,
        channel_names=("x", "x", " "),
        units=("mV",) * 3,
        modality=Modality.ECG,
    )
    selection = lead_selection(recording)
    assert selection.names == ["x", "x (channel 2)", "channel 3"]
