"""HL7 aECG XML (issue #14): a real LUDB record written as aECG reads back to the same samples,
and hostile XML (entities, bombs, broken structure) is refused in plain words."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tracemalloc
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from aecg_writer import HL7, XSI, aecg_tree, write_aecg
from helpers import ROOT, shared

from workstation.cli import main
from workstation.ecg.analysis import analyze_ecg
from workstation.errors import InvalidRecording, UnsupportedFormat
from workstation.io import read_recording
from workstation.io.aecg_reader import read_aecg
from workstation.io.detect import Format, detect_format
from workstation.recording import Recording

NS = {"h": HL7}
STANDARD = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
PEAK_BYTES = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def ludb_1() -> Recording:
    return read_recording(shared("ludb", "data") / "1.hea")


def written(tmp_path: Path, recording: Recording, name: str = "ecg.xml", **options) -> Path:
    return write_aecg(tmp_path / name, aecg_tree(recording, **options))


def edited(tmp_path: Path, recording: Recording, edit, **options) -> Path:
    """An aECG of ``recording`` changed by ``edit(root)`` before it is written."""
    tree = aecg_tree(recording, **options)
    edit(tree.getroot())
    return write_aecg(tmp_path / "edited.xml", tree)


def refused(path: Path, *words: str) -> str:
    with pytest.raises(InvalidRecording) as info:
        read_recording(path)
    text = str(info.value)
    for word in words:
        assert word in text
    assert "Error" not in text and "Traceback" not in text and "lxml" not in text
    return text


def test_a_real_ludb_record_reads_back_sample_for_sample(tmp_path, ludb_1):
    path = written(tmp_path, ludb_1)
    assert detect_format(path) is Format.AECG
    rec = read_recording(path)
    assert rec.channel_names == STANDARD
    assert rec.fs == ludb_1.fs == 500 and rec.n_samples == ludb_1.n_samples
    assert rec.duration == pytest.approx(10.0) and rec.units == ("µV",) * 12
    expected = ludb_1.signals.astype(np.float64) * 1000  # LUDB is in mV
    assert np.abs(rec.signals - expected).max() <= 0.25 + 1e-3  # half of the 0.5 µV step
    assert rec.start_time == datetime(2021, 3, 14, 9, 26, 53)
    assert rec.modality == "ecg" and rec.warnings == () and rec.source_format == "HL7 aECG"


def test_millivolt_digits_become_microvolts(tmp_path, ludb_1):
    rec = read_recording(written(tmp_path, ludb_1, unit="mV", scale=0.001))
    assert rec.units == ("µV",) * 12
    assert np.abs(rec.signals - ludb_1.signals * 1000).max() <= 0.5 + 1e-3


def test_an_increment_in_milliseconds_gives_the_rate(tmp_path, ludb_1):
    def in_ms(root):
        increment = root.find(".//h:increment", NS)
        increment.set("value", "2")
        increment.set("unit", "ms")

    assert read_recording(edited(tmp_path, ludb_1, in_ms)).fs == 500


def test_median_beats_are_skipped_with_a_warning(tmp_path, ludb_1):
    rec = read_recording(written(tmp_path, ludb_1, medians=True))
    assert rec.n_samples == 5000
    assert any("median beats were skipped" in w for w in rec.warnings)


def test_a_file_of_median_beats_only_is_refused(tmp_path, ludb_1):
    refused(written(tmp_path, ludb_1, rhythm=False, medians=True), "median beats only")


def test_an_unknown_lead_is_kept_under_its_own_name_with_a_warning(tmp_path, ludb_1):
    def rename(root):
        root.findall(".//h:sequence/h:code", NS)[-1].set("code", "MDC_ECG_LEAD_V7")

    rec = read_recording(edited(tmp_path, ludb_1, rename))
    assert rec.channel_names[-1] == "V7" and rec.n_channels == 12
    assert any("'V7' is not one of the 12 standard leads" in w for w in rec.warnings)


def test_an_unreadable_start_time_is_warned_about_not_refused(tmp_path, ludb_1):
    rec = read_recording(written(tmp_path, ludb_1, start="yesterday morning"))
    assert rec.start_time is None and rec.n_samples == 5000
    assert any("not a valid HL7 date and time" in w for w in rec.warnings)
    assert not any("yesterday" in w for w in rec.warnings)


def test_a_missing_increment_is_refused(tmp_path, ludb_1):
    def drop(root):
        increment = root.find(".//h:increment", NS)
        increment.getparent().remove(increment)

    refused(edited(tmp_path, ludb_1, drop), "no increment", "sampling rate is unknown")


def test_leads_of_different_lengths_are_refused(tmp_path, ludb_1):
    def shorten(root):
        digits = root.findall(".//h:digits", NS)[3]
        digits.text = " ".join(digits.text.split()[:4990])

    text = refused(edited(tmp_path, ludb_1, shorten), "different numbers of samples")
    assert "aVR: 4,990" in text and "I: 5,000" in text


def test_digits_declaring_73_hours_are_refused_before_conversion(tmp_path):
    # One lead at 1 Hz (a trend) with 263,000 digits: 73.1 hours, beyond the 72-hour limit.
    trend = Recording(np.zeros((1, 10), np.float32), 1.0, ("II",), ("uV",))

    def long(root):
        root.find(".//h:digits", NS).text = "0 " * 263_000

    path = edited(tmp_path, trend, long)
    tracemalloc.start()
    try:
        text = refused(path, "73.1 hours", "at most 72 hours")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES
    assert "Check that this is the right file" in text


def test_more_than_256_leads_are_refused(tmp_path):
    many = Recording(
        np.zeros((257, 10), np.float32), 500.0, [f"X{i}" for i in range(257)], ["uV"] * 257
    )
    refused(written(tmp_path, many), "257 signals", "at most 256 channels")


def test_a_lead_that_is_not_a_voltage_is_refused(tmp_path, ludb_1):
    def pressure(root):
        for element in root.findall(".//h:sequence/h:value/h:scale", NS)[:1]:
            element.set("unit", "mm[Hg]")

    refused(edited(tmp_path, ludb_1, pressure), "'mm[Hg]'", "not in volts")


def test_digits_that_are_not_numbers_are_refused(tmp_path, ludb_1):
    def garble(root):
        digits = root.findall(".//h:digits", NS)[0]
        values = digits.text.split()
        values[10] = "x"
        digits.text = " ".join(values)

    refused(edited(tmp_path, ludb_1, garble), "lead I holds values that are not numbers")


def entity_file(tmp_path: Path, doctype: str, body: str, encoding: str = "utf-8") -> Path:
    text = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n{doctype}\n'
        f'<AnnotatedECG xmlns="{HL7}" xmlns:xsi="{XSI}"><title>{body}</title></AnnotatedECG>\n'
    )
    path = tmp_path / "hostile.xml"
    path.write_bytes(text.encode(encoding))
    return path


XXE = '<!DOCTYPE AnnotatedECG [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    "<!DOCTYPE AnnotatedECG [\n"
    + "\n".join(
        ['<!ENTITY lol0 "lol">']
        + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    )
    + "\n]>"
)


def test_an_external_entity_naming_etc_passwd_is_refused_unread(tmp_path):
    text = refused(entity_file(tmp_path, XXE, "&x;"), "declares entities")
    assert "root:" not in text and "passwd" not in text


def test_a_billion_laughs_bomb_is_refused(tmp_path):
    refused(entity_file(tmp_path, LAUGHS, "&lol9;"), "declares entities", "without limit")


@pytest.mark.parametrize("doctype", [XXE, LAUGHS], ids=["xxe", "laughs"])
def test_the_parser_refuses_entities_the_byte_scan_cannot_see(tmp_path, doctype):
    # In UTF-32 '<!ENTITY' is not among the bytes the first check looks for: the hardened
    # parser reads the document without resolving anything and the tree check refuses it.
    path = entity_file(tmp_path, doctype, "&x;" if doctype is XXE else "&lol9;", "utf-32")
    with pytest.raises(InvalidRecording) as info:
        read_aecg(path)
    assert "root:" not in str(info.value)
    assert "declares entities" in str(info.value) or "not well-formed" in str(info.value)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_etc_passwd_is_never_opened(tmp_path):
    paths = []
    for encoding in ("utf-8", "utf-32"):
        (tmp_path / encoding).mkdir()
        paths.append(entity_file(tmp_path / encoding, XXE, "&x;", encoding))
    script = (
        "import sys\nfrom pathlib import Path\nfrom workstation.io.aecg_reader import read_aecg\n"
        "for p in sys.argv[1:]:\n    try:\n        read_aecg(Path(p))\n"
        "    except Exception as e:\n        print(type(e).__name__)\n"
    )
    trace = tmp_path / "trace.txt"
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-e",
            "trace=open,openat,openat2",
            "-o",
            str(trace),
            sys.executable,
            "-c",
            script,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.stdout.split() == ["InvalidRecording", "InvalidRecording"], done.stderr
    opened = trace.read_text()
    assert "hostile.xml" in opened  # the trace saw the reader open its own files
    assert "/etc/passwd" not in opened


def test_xml_that_is_not_an_aecg_is_refused_by_name(tmp_path):
    page = tmp_path / "page.xml"
    page.write_text('<?xml version="1.0"?><html><body>ECG</body></html>')
    with pytest.raises(UnsupportedFormat) as info:
        read_recording(page)
    assert "not an HL7 annotated ECG" in str(info.value)
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><AnnotatedECG xmlns="urn:example"/>')
    refused(other, "not an HL7 annotated ECG")


def test_truncated_xml_is_refused_in_plain_words(tmp_path, ludb_1):
    path = written(tmp_path, ludb_1)
    path.write_bytes(path.read_bytes()[:20_000])
    refused(path, "not well-formed")


def test_the_ecg_engine_analyses_an_aecg_file(tmp_path, ludb_1, capsys):
    path = written(tmp_path, ludb_1)
    out = tmp_path / "result.json"
    assert main(["analyze", "ecg", str(path), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    original = analyze_ecg(ludb_1).to_json()  # the same record read from its WFDB files
    for key in ("heart_rate_bpm", "pr_ms", "qrs_ms", "qt_ms", "axis_deg"):
        assert result[key] == original[key], key
    assert "sinus_bradycardia" in {s["code"] for s in result["statements"]}  # LUDB's label
    capsys.readouterr()
