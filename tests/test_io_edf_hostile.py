"""Issue #14: EDF files whose header would make the reader hand over a different recording.

The files are written byte by byte (edfio writes neither EDF+D nor broken calibration), so
each test controls exactly what the header and the time-keeping annotations say.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import write_edf

from workstation.errors import InvalidRecording
from workstation.io import read_recording
from workstation.io.edf_timeline import MAX_SPAN_HOURS

FS = 100  # samples per 1-s data record
LABELS = ("Fp1", "C3")
#: Names a message must never show the clinician.
PYTHON_NAMES = re.compile(r"Error\b|Exception|Traceback|ZeroDivision|Overflow")


def _field(value: object, width: int) -> bytes:
    text = str(value).encode("ascii")
    assert len(text) <= width, (value, width)
    return text.ljust(width)


def _tal(onset: float, text: str = "", duration: float | None = None) -> bytes:
    timing = f"{onset:+g}" + ("" if duration is None else f"\x15{duration:g}")
    return f"{timing}\x14{text}\x14\x00".encode()


def edf_bytes(
    samples: np.ndarray,
    onsets: list[float],
    reserved: str = "EDF+D",
    annotations: dict[int, list[bytes]] | None = None,
    calibration: dict[str, tuple[str, str, str, str]] | None = None,
    record_duration: float = 1.0,
) -> bytes:
    """An EDF+ file: channels of int16 ``samples`` (channels × records × FS) in 1-s data
    records, plus an 'EDF Annotations' signal whose first TAL in record i gives onsets[i].

    ``annotations`` adds TALs to a record; ``calibration`` overrides a channel's physical
    min, physical max, digital min and digital max fields.
    """
    n_ch, n_rec, spr = samples.shape
    annotations = annotations or {}
    calibration = calibration or {}
    ann_bytes = 120
    tals = []
    for i, onset in enumerate(onsets):
        raw = _tal(onset) + b"".join(annotations.get(i, []))
        assert len(raw) <= ann_bytes
        tals.append(raw.ljust(ann_bytes, b"\x00"))
    labels = [*LABELS[:n_ch], "EDF Annotations"]
    ns = len(labels)
    cal = [calibration.get(lab, ("-500", "500", "-32768", "32767")) for lab in LABELS[:n_ch]]
    cal.append(("-1", "1", "-32768", "32767"))
    header = b"".join(
        [
            _field(0, 8),
            _field("X X X X", 80),
            _field("Startdate 14-MAR-2025 X X X", 80),
            _field("14.03.25", 8),
            _field("09.26.53", 8),
            _field(256 * (ns + 1), 8),
            _field(reserved, 44),
            _field(n_rec, 8),
            _field(f"{record_duration:g}", 8),
            _field(ns, 4),
            *(_field(lab, 16) for lab in labels),
            *(_field("", 80) for _ in labels),
            *(_field("uV" if i < n_ch else "", 8) for i in range(ns)),
            *(_field(c[0], 8) for c in cal),
            *(_field(c[1], 8) for c in cal),
            *(_field(c[2], 8) for c in cal),
            *(_field(c[3], 8) for c in cal),
            *(_field("", 80) for _ in labels),
            *(_field(spr if i < n_ch else ann_bytes // 2, 8) for i in range(ns)),
            *(_field("", 32) for _ in labels),
        ]
    )
    assert len(header) == 256 * (ns + 1)
    records = b"".join(
        b"".join(samples[c, r].astype("<i2").tobytes() for c in range(n_ch)) + tals[r]
        for r in range(n_rec)
    )
    return header + records


def _digital(n_records: int, n_ch: int = 2, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(-20000, 20000, (n_ch, n_records, FS), dtype=np.int16)


def _physical(digital: np.ndarray) -> np.ndarray:
    """The µV the default calibration (±500 µV over the full int16 range) gives."""
    return (digital.astype(np.float64) + 32768) * (1000 / 65535) - 500


def _write(tmp_path, content: bytes, name: str = "x.edf"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- EDF+D: records placed on the true time axis ---------------------------------------------


def test_discontinuous_records_are_placed_at_their_onsets_with_nan_between(tmp_path):
    digital = _digital(4)
    path = _write(
        tmp_path,
        edf_bytes(
            digital,
            [0, 1, 60, 61],
            annotations={2: [_tal(60.5, "Seizure onset", 2.0)], 0: [_tal(0.25, "Start")]},
        ),
    )
    rec = read_recording(path)
    assert rec.source_format == "EDF+ (discontinuous)"
    assert rec.fs == FS and rec.n_samples == 62 * FS  # 0 s … 62 s
    physical = _physical(digital)
    step = 1000 / 65535
    for record, onset in enumerate([0, 1, 60, 61]):
        got = rec.signals[:, onset * FS : (onset + 1) * FS]
        np.testing.assert_allclose(got, physical[:, record], atol=step)
    gap = rec.signals[:, 2 * FS : 60 * FS]
    assert np.isnan(gap).all()
    assert not np.isnan(rec.signals[:, : 2 * FS]).any()
    assert not np.isnan(rec.signals[:, 60 * FS :]).any()
    by_label = {a.label: a for a in rec.annotations}
    assert (by_label["Seizure onset"].onset, by_label["Seizure onset"].duration) == (60.5, 2.0)
    assert by_label["Start"].onset == 0.25
    # The annotation lies on data, not past the end of it.
    at = int(60.5 * FS)
    assert at < rec.n_samples and not np.isnan(rec.signals[:, at]).any()
    # One gap: 2 s to 60 s.
    assert rec.warnings == (
        "EDF+D: the recording is discontinuous; 1 gap (58.0 s in all) is shown as missing data.",
    )


def test_discontinuous_file_read_from_memory_matches_file(tmp_path):
    """The zip reader hands the bytes over; the time axis must be the same."""
    from workstation.io.edf_reader import read_edf

    content = edf_bytes(_digital(3), [0, 10, 11])
    from_file = read_recording(_write(tmp_path, content))
    from_bytes = read_edf(tmp_path / "x.edf", content=content)
    assert from_bytes.n_samples == from_file.n_samples == 12 * FS
    np.testing.assert_array_equal(from_bytes.signals, from_file.signals)
    assert any("1 gap (9.0 s in all) is shown" in w for w in from_bytes.warnings)


def test_discontinuous_first_record_offset_keeps_annotations_relative_to_it(tmp_path):
    """A first record at 5 s: edfio moves the start time by 5 s and the annotations with it,
    so the first sample is t = 0 and an annotation at 7.5 s in the file lands at 2.5 s."""
    digital = _digital(2)
    path = _write(
        tmp_path,
        edf_bytes(digital, [5, 7], annotations={1: [_tal(7.5, "Marker")]}),
    )
    rec = read_recording(path)
    assert rec.n_samples == 3 * FS
    assert np.isnan(rec.signals[:, FS : 2 * FS]).all()
    assert [(a.onset, a.label) for a in rec.annotations] == [(2.5, "Marker")]
    assert rec.start_time is not None and rec.start_time.second == 58  # 09:26:53 + 5 s


def test_edf_plus_d_without_gaps_reads_as_continuous(tmp_path):
    digital = _digital(3)
    rec = read_recording(_write(tmp_path, edf_bytes(digital, [0, 1, 2])))
    assert rec.n_samples == 3 * FS and not np.isnan(rec.signals).any()
    assert not any("gap" in w for w in rec.warnings)


def test_edf_plus_c_whose_onsets_have_gaps_is_read_on_the_true_time_axis(tmp_path):
    rec = read_recording(_write(tmp_path, edf_bytes(_digital(2), [0, 3], reserved="EDF+C")))
    assert rec.n_samples == 4 * FS
    assert np.isnan(rec.signals[:, FS : 3 * FS]).all()
    assert any("says continuous" in w for w in rec.warnings)


@pytest.mark.parametrize(
    ("onsets", "record"),
    [([0, 1, 60, 30], 4), ([0, 1, 1.5, 3], 3), ([0, 0, 1, 2], 2), ([10, 5, 20, 21], 2)],
)
def test_backwards_or_overlapping_onsets_are_refused(tmp_path, onsets, record):
    path = _write(tmp_path, edf_bytes(_digital(4), onsets))
    with pytest.raises(InvalidRecording, match="backwards or overlap") as info:
        read_recording(path)
    message = str(info.value)
    assert f"data record {record} " in message and "x.edf" in message
    assert not PYTHON_NAMES.search(message)


def test_span_beyond_the_limit_is_refused_before_allocating(tmp_path):
    onsets = [0, 1, MAX_SPAN_HOURS * 3600 + 100]
    path = _write(tmp_path, edf_bytes(_digital(3), onsets))
    with pytest.raises(InvalidRecording, match="hours") as info:
        read_recording(path)
    assert f"{MAX_SPAN_HOURS:g} hours" in str(info.value)


def test_huge_gap_within_the_span_limit_is_refused_when_it_would_not_fit_in_memory(
    tmp_path, monkeypatch
):
    from workstation.io import edf_timeline

    monkeypatch.setattr(edf_timeline, "_MAX_DISCONTINUOUS_BYTES", 10 * FS * 2 * 4)
    with pytest.raises(InvalidRecording, match="GiB of memory"):
        read_recording(_write(tmp_path, edf_bytes(_digital(2), [0, 20])))


def test_discontinuous_file_without_time_keeping_is_refused(tmp_path):
    path = tmp_path / "plain.edf"
    write_edf(path, n_seconds=2)
    content = bytearray(path.read_bytes())
    # Drop the annotation signal from the header: edfio's EDF+C files keep it last.
    n = int(content[252:256])
    assert content[256 + (n - 1) * 16 : 256 + n * 16].startswith(b"EDF Annotations")
    content[192:236] = _field("EDF+D", 44)
    # Rename it so it is an ordinary (silent) signal rather than time-keeping.
    content[256 + (n - 1) * 16 : 256 + n * 16] = _field("Status", 16)
    path.write_bytes(bytes(content))
    with pytest.raises(InvalidRecording, match="no time-keeping annotations"):
        read_recording(path)


def test_record_without_a_time_keeping_tal_is_refused(tmp_path):
    content = bytearray(edf_bytes(_digital(3), [0, 1, 2]))
    record_bytes = 2 * FS * 2 + 120
    header = 256 * 4
    ann = header + record_bytes + 2 * FS * 2  # record 2's annotation bytes
    content[ann : ann + 120] = b"\x00" * 120
    with pytest.raises(InvalidRecording, match="data record 2 has no valid time-keeping"):
        read_recording(_write(tmp_path, bytes(content)))


# --- Calibration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (("-inf", "500", "-32768", "32767"), "not a finite number"),
        (("-500", "inf", "-32768", "32767"), "not a finite number"),
        (("nan", "500", "-32768", "32767"), "not a finite number"),
        (("-500", "nan", "-32768", "32767"), "not a finite number"),
        (("500", "500", "-32768", "32767"), "physical minimum equals its physical maximum"),
        (("-500", "500", "100", "100"), "digital minimum is not below"),
        (("-500", "500", "32767", "-32768"), "digital minimum is not below"),
        (("0", "1e12", "0", "1"), "gain of 1e+12"),
        (("-1e12", "1e12", "-32768", "32767"), "amplitudes beyond 1e+09"),
        (("abc", "500", "-32768", "32767"), "not a number"),
        (("-500", "500", "low", "32767"), "not a whole number"),
    ],
)
def test_implausible_calibration_is_refused_naming_channel_and_fields(tmp_path, fields, why):
    content = edf_bytes(_digital(2), [0, 1], reserved="EDF+C", calibration={"C3": fields})
    with pytest.raises(InvalidRecording) as info:
        read_recording(_write(tmp_path, content))
    message = str(info.value)
    assert "channel 'C3'" in message and why in message, message
    assert f"physical minimum '{fields[0]}'" in message
    assert f"digital maximum '{fields[3]}'" in message
    assert "Export the recording again" in message
    assert not re.search(r"Error\b|Exception|Traceback|ZeroDivision", message), message


def test_calibration_of_plain_edf_is_checked_too(tmp_path):
    path = tmp_path / "plain.edf"
    write_edf(path, n_seconds=2)
    content = bytearray(path.read_bytes())
    n = int(content[252:256])
    content[192:236] = _field("", 44)  # plain EDF, annotations signal left as is
    content[256 + n * 104 : 256 + n * 104 + 8] = _field("inf", 8)  # Fp1's physical minimum
    path.write_bytes(bytes(content))
    with pytest.raises(InvalidRecording, match="channel 'Fp1' cannot be calibrated"):
        read_recording(path)


def test_samples_outside_the_digital_range_beyond_plausible_amplitude_are_refused(tmp_path):
    """Header range fine (±5e8), but a sample far outside the digital range (0…1)."""
    digital = np.zeros((2, 2, FS), dtype=np.int16)
    digital[1, 0, 5] = 30000
    content = edf_bytes(
        digital, [0, 1], reserved="EDF+C", calibration={"C3": ("-5e8", "5e8", "0", "1")}
    )
    with pytest.raises(InvalidRecording, match="channel 'C3' holds values beyond 1e\\+09"):
        read_recording(_write(tmp_path, content))


def test_inverted_physical_range_is_legitimate(tmp_path):
    digital = _digital(2)
    content = edf_bytes(
        digital, [0, 1], reserved="EDF+C", calibration={"C3": ("500", "-500", "-32768", "32767")}
    )
    rec = read_recording(_write(tmp_path, content))
    np.testing.assert_allclose(
        rec.signals[1], -_physical(digital)[1].reshape(-1), atol=2 * 1000 / 65535
    )


def test_well_formed_byte_written_file_round_trips(tmp_path):
    """The byte writer itself is right: a continuous file reads back as written."""
    digital = _digital(3)
    rec = read_recording(_write(tmp_path, edf_bytes(digital, [0, 1, 2], reserved="EDF+C")))
    assert rec.channel_names == LABELS and rec.units == ("uV", "uV")
    np.testing.assert_allclose(rec.signals, _physical(digital).reshape(2, -1), atol=1000 / 65535)
    assert rec.warnings == ()
