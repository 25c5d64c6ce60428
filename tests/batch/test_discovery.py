"""Discovery: files found recursively and grouped into records; the rest skipped with reasons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import edfio
import numpy as np
from conftest import copy_ludb
from helpers import shared, write_edf

from workstation.batch.discovery import discover
from workstation.errors import RecordingError
from workstation.io import read_recording


def _edf_with_patient(path: Path, code: str) -> None:
    signal = edfio.EdfSignal(
        np.zeros(2560), 256.0, label="Fp1", physical_dimension="uV", physical_range=(-500, 500)
    )
    edf = edfio.Edf(
        [signal],
        patient=edfio.Patient(code=code, sex="F", name="Haagse_Harry"),
        recording=edfio.Recording(startdate=date(2025, 3, 14)),
        annotations=[edfio.EdfAnnotation(1.0, None, "Eyes closed")],  # makes it EDF+
    )
    edf.write(path)


def test_records_are_grouped_and_junk_is_skipped_with_counted_reasons(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    copy_ludb(root / "ward_a", [1, 2], with_annotations=True)
    copy_ludb(root / "ward_b" / "nested", [3])
    (root / "eeg").mkdir()
    write_edf(root / "eeg" / "plain.edf")
    _edf_with_patient(root / "eeg" / "named.edf", "MCH-0234567")
    (root / "notes.docx").write_bytes(b"not a recording")
    (root / "list.csv").write_text("a,b\n1,2\n")
    (root / "orphan").mkdir()
    (root / "orphan" / "9.dat").write_bytes(b"\0" * 64)

    found = discover([root])

    names = sorted(r.name for r in found.records)
    assert names == [
        "eeg/named.edf",
        "eeg/plain.edf",
        "ward_a/1.hea",
        "ward_a/2.hea",
        "ward_b/nested/3.hea",
    ]
    by_name = {r.name: r for r in found.records}
    # The annotation files (1.i, 1.avf, …) belong to their record: not records, not skipped.
    assert [p.name for p in by_name["ward_a/1.hea"].files] == ["1.hea", "1.dat"]
    assert by_name["eeg/named.edf"].patient == "MCH-0234567"
    assert by_name["eeg/plain.edf"].patient is None
    reasons = found.skipped_reasons()
    assert sum(reasons.values()) == 3
    assert {str(s.path.name) for s in found.skipped} == {"notes.docx", "list.csv", "9.dat"}
    assert reasons["the workstation does not read '.dat' files."] == 1


def test_a_records_key_is_the_hash_an_import_records(tmp_path: Path) -> None:
    copy_ludb(tmp_path, [1])
    (record,) = discover([tmp_path]).records
    assert record.sha256 == read_recording(record.path).source_sha256


def test_overlapping_paths_give_each_record_once(three_records: Path) -> None:
    found = discover([three_records, three_records / "1.hea"])
    assert sorted(r.name for r in found.records) == ["1.hea", "2.hea", "3.hea"]


def test_multi_segment_records_are_one_record_each_with_the_readers_hash(tmp_path: Path) -> None:
    source = shared("wfdb-samples", "multi-segment")
    found = discover([source])
    # p000878's master header names 36 segments of which the sample holds two: the reader
    # refuses it, so the batch skips it (once, not once per segment).
    assert [s.path.name for s in found.skipped] == ["p000878-2137-10-26-16-57.hea"]
    masters = {r.path.stem for r in found.records}
    assert "041s" in masters and not any(n.startswith("041s0") for n in masters)
    compared = 0
    for record in found.records:
        try:
            recording = read_recording(record.path)
        except RecordingError:
            continue  # refused by the reader (all samples missing): a worker refuses it too
        assert record.sha256 == recording.source_sha256, record.name
        compared += 1
    assert compared >= 3
