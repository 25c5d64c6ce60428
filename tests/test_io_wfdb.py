"""Every record in ../shared/data/ludb and wfdb-samples, checked against wfdb's own reading."""

import re
from pathlib import Path

import numpy as np
import pytest
import wfdb
from helpers import SHARED_DATA

from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.io.plausibility import MAX_MICROVOLTS, MICROVOLTS_PER_UNIT
from workstation.recording import Modality


def _headers(folder: str) -> list[Path]:
    root = SHARED_DATA / folder
    return sorted(root.rglob("*.hea")) if root.is_dir() else []


def _reference(header: Path):
    """wfdb's own reading, or the exception it raises."""
    try:
        return wfdb.rdrecord(str(header.with_suffix("")), return_res=32, smooth_frames=False), None
    except Exception as exc:  # the reference may fail in any way; the test records how
        return None, exc


def _beyond_any_amplifier(reference) -> str | None:
    """The first channel whose values no recording can hold (io/plausibility.py): WFDB's
    synthetic format-test records decode full-scale 24- and 32-bit patterns to kilovolts."""
    for name, unit, signal in zip(
        reference.sig_name, reference.units, reference.e_p_signal, strict=True
    ):
        scale = MICROVOLTS_PER_UNIT.get(str(unit).strip().casefold(), 1.0)
        if np.isfinite(signal).any() and np.nanmax(np.abs(signal)) * scale > MAX_MICROVOLTS:
            return name
    return None


def _check_against_reference(header: Path) -> None:
    reference, error = _reference(header)
    absurd = None if error is not None else _beyond_any_amplifier(reference)
    if absurd is not None:
        with pytest.raises(InvalidRecording, match=re.escape(f"channel '{absurd}' holds a value")):
            read_recording(header)
        return
    if error is not None or all(np.isnan(ch).all() for ch in reference.e_p_signal):
        with pytest.raises(InvalidRecording) as raised:
            read_recording(header)
        if isinstance(error, FileNotFoundError):
            assert Path(error.filename).name in str(raised.value), str(raised.value)
        assert str(raised.value).startswith(f"'{header.name}'")
        return
    rec = read_recording(header)
    per_frame = [int(s) for s in reference.samps_per_frame]
    fastest = max(per_frame)
    kept = [i for i, s in enumerate(per_frame) if s == fastest]
    assert rec.fs == pytest.approx(reference.fs * fastest)
    assert rec.channel_names == tuple(reference.sig_name[i] for i in kept)
    assert rec.units == tuple(reference.units[i] for i in kept)
    assert rec.n_samples == reference.e_p_signal[kept[0]].shape[0]
    for row, index in enumerate(kept):
        np.testing.assert_array_equal(rec.signals[row], reference.e_p_signal[index])
    assert len(rec.warnings) >= len(per_frame) - len(kept)
    assert len(rec.source_sha256) == 64


@pytest.mark.parametrize("header", _headers("wfdb-samples"), ids=lambda p: p.name)
def test_every_wfdb_sample_loads_like_wfdb_or_fails_clearly(header):
    _check_against_reference(header)


def test_ludb_folder_is_present(ludb_dir):
    assert len(list(ludb_dir.glob("*.hea"))) == 200


@pytest.mark.parametrize("header", _headers("ludb/data"), ids=lambda p: p.name)
def test_every_ludb_record_loads_like_wfdb(header):
    _check_against_reference(header)


def test_ludb_per_lead_annotations_become_channel_spans(ludb_dir):
    rec = read_recording(ludb_dir / "1.hea")
    assert rec.modality is Modality.ECG
    assert rec.n_channels == 12 and rec.fs == 500 and rec.n_samples == 5000
    for lead in rec.channel_names:
        reference = wfdb.rdann(str(ludb_dir / "1"), lead)
        spans = rec.annotations_for(lead)
        assert len(spans) == reference.symbol.count("(")
        assert {a.label for a in spans} <= {"p", "N", "t"}
        onsets = sorted(a.onset for a in spans)
        expected = sorted(
            s / 500 for s, sym in zip(reference.sample, reference.symbol, strict=True) if sym == "("
        )
        np.testing.assert_allclose(onsets, expected)
        assert all(0 < a.duration < 0.5 for a in spans)
    assert rec.annotations_for(None) == ()


def test_record_wide_annotations_keep_symbol_and_note(wfdb_samples):
    rec = read_recording(wfdb_samples / "100.hea")
    reference_atr = wfdb.rdann(str(wfdb_samples / "100"), "atr")
    reference_qrs = wfdb.rdann(str(wfdb_samples / "100"), "qrs")
    assert len(rec.annotations) == reference_atr.ann_len + reference_qrs.ann_len
    labels = {a.label for a in rec.annotations}
    assert "N" in labels and "+ (N" in labels
    assert rec.start_time is None


def test_a_data_file_can_be_opened_instead_of_the_header(wfdb_samples):
    by_dat = read_recording(wfdb_samples / "100.dat")
    by_hea = read_recording(wfdb_samples / "100.hea")
    assert by_dat.source_sha256 == by_hea.source_sha256
    assert by_dat.n_samples == 650000


def test_ptb_frank_leads_in_a_second_data_file_are_channels(wfdb_samples):
    rec = read_recording(wfdb_samples / "s0010_re.hea")
    assert rec.n_channels == 15 and rec.fs == 1000
    assert rec.channel_names[-3:] == ("vx", "vy", "vz")
    assert rec.warnings == ()


def test_an_unreadable_annotation_file_is_reported_not_silently_dropped(wfdb_samples, tmp_path):
    for name in ("100.hea", "100.dat"):
        (tmp_path / name).write_bytes((wfdb_samples / name).read_bytes())
    (tmp_path / "100.atr").write_bytes(b"\xff" * 7)
    rec = read_recording(tmp_path / "100.hea")
    assert rec.n_samples == 650000
    assert any("'100.atr' was not read as annotations" in w for w in rec.warnings)


def test_multi_frequency_record_keeps_the_fast_ecg_and_names_what_it_left_out(wfdb_samples):
    rec = read_recording(wfdb_samples / "multi-segment" / "041s" / "041s.hea")
    assert rec.fs == 500
    assert rec.channel_names == ("III", "I", "V")
    assert [w.split("'")[1] for w in rec.warnings] == ["ABP", "PAP", "PLETH", "RESP"]
