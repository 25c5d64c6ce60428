"""The whole ECG analysis with the committed model: known intervals, real LUDB, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from synthetic_ecg import synthetic_ecg

from workstation.cli import main
from workstation.ecg.analysis import analyze_ecg
from workstation.errors import NotMeasurable
from workstation.io import read_recording
from workstation.recording import Recording

pytestmark = pytest.mark.usefixtures("model_available")


def replace_signals(rec: Recording, signals: np.ndarray, fs: float | None = None) -> Recording:
    return Recording(
        signals=signals,
        fs=fs or rec.fs,
        channel_names=rec.channel_names,
        units=rec.units,
        modality=rec.modality,
        source_name=rec.source_name,
    )


@pytest.fixture(scope="module")
def synthetic() -> Recording:
    return synthetic_ecg(heart_rate=75.0, pr_ms=170.0, qrs_ms=90.0, qt_ms=390.0)


def test_known_intervals_are_measured(synthetic: Recording) -> None:
    result = analyze_ecg(synthetic)
    assert result.heart_rate_bpm == pytest.approx(75.0, abs=1.0)
    m = result.measurements
    assert m.pr_ms == pytest.approx(170.0, abs=25.0)
    assert m.qrs_ms == pytest.approx(90.0, abs=25.0)
    assert m.qt_ms == pytest.approx(390.0, abs=30.0)
    assert m.qtc_bazett_ms == pytest.approx(m.qt_ms / np.sqrt(0.8), abs=3.0)
    assert 30 <= m.axis_deg["qrs"] <= 90


@pytest.mark.parametrize("pr_ms", [240.0, 300.0])
def test_first_degree_block_and_wide_qrs_are_stated(pr_ms: float) -> None:
    """PR 300 ms: the segmentation model is trained on re-timed beats (``beat_warp``) so that
    a P wave this far from its QRS is still found; before that it was missed."""
    result = analyze_ecg(synthetic_ecg(heart_rate=60.0, pr_ms=pr_ms, qrs_ms=130.0, qt_ms=440.0))
    codes = {s.code for s in result.statements}
    assert "first_degree_av_block" in codes
    assert codes & {"rbbb_pattern", "lbbb_pattern", "wide_qrs"}
    block = next(s for s in result.statements if s.code == "first_degree_av_block")
    assert block.evidence["pr_ms"] == pytest.approx(pr_ms, abs=20.0)


@pytest.mark.parametrize("fs", [250.0, 1000.0])
def test_other_sampling_rates_give_the_same_answer(synthetic: Recording, fs: float) -> None:
    from workstation.dsp.resample import resample

    base = analyze_ecg(synthetic)
    other = analyze_ecg(
        replace_signals(synthetic, resample(synthetic.signals, synthetic.fs, fs), fs)
    )
    assert other.heart_rate_bpm == pytest.approx(base.heart_rate_bpm, abs=1.0)
    assert other.measurements.qrs_ms == pytest.approx(base.measurements.qrs_ms, abs=12.0)
    assert other.sample_rate_hz == fs


def test_flat_lead_is_reported_not_fatal(synthetic: Recording) -> None:
    signals = np.array(synthetic.signals)
    signals[6] = 0.0
    result = analyze_ecg(replace_signals(synthetic, signals))
    assert "v1" in result.leads_unusable and "v1" not in result.leads_used
    assert result.heart_rate_bpm is not None


def test_all_flat_is_not_measurable(synthetic: Recording) -> None:
    with pytest.raises(NotMeasurable, match="flat"):
        analyze_ecg(replace_signals(synthetic, np.zeros_like(synthetic.signals)))


def test_noise_only_is_not_interpretable_and_gets_no_rhythm(synthetic: Recording) -> None:
    noise = np.random.default_rng(1).standard_normal(synthetic.signals.shape) * 0.2
    result = analyze_ecg(replace_signals(synthetic, noise))
    assert [s.code for s in result.statements] == ["poor_signal_quality"]
    assert result.measurements.pr_ms is None and result.heart_rate_bpm is None
    assert result.to_json()["statements"][0]["text"].startswith("Not interpretable")


def test_two_second_record_is_not_measurable(synthetic: Recording) -> None:
    with pytest.raises(NotMeasurable, match="2.0 s"):
        analyze_ecg(synthetic.slice_time(0.0, 2.0))


def test_reversed_polarity_still_analysed(synthetic: Recording) -> None:
    result = analyze_ecg(replace_signals(synthetic, -np.asarray(synthetic.signals)))
    assert result.heart_rate_bpm == pytest.approx(75.0, abs=1.0)
    assert result.measurements.axis_deg["qrs"] is not None


def test_real_ludb_record_against_its_annotations(ludb: Path) -> None:
    rec = read_recording(ludb / "data" / "1.hea")
    result = analyze_ecg(rec)
    assert 40 <= result.heart_rate_bpm <= 55  # labelled sinus bradycardia
    assert "sinus_bradycardia" in {s.code for s in result.statements}
    assert result.device == "CPUExecutionProvider"
    qrs = result.waves["ii"]["qrs"]
    refs = sorted(
        round(a.onset * rec.fs) for a in rec.annotations if a.channel == "ii" and a.label == "N"
    )
    assert all(min(abs(on - r) for on, _ in qrs) <= 10 for r in refs)


def test_cli_writes_json(ludb: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "result.json"
    assert main(["analyze", "ecg", str(ludb / "data" / "2.hea"), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    for key in (
        "heart_rate_bpm",
        "pr_ms",
        "qrs_ms",
        "qt_ms",
        "qtc_bazett_ms",
        "qtc_fridericia_ms",
        "axis_deg",
        "statements",
        "abnormality",
        "waves",
        "models",
        "device",
    ):
        assert key in data
    assert data["models"][0]["sha256"]
    capsys.readouterr()


def test_cli_two_second_record_exits_with_message(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "short.csv"
    rec = synthetic_ecg(duration_s=2.0)
    header = "time," + ",".join(rec.channel_names)
    rows = [
        ",".join([f"{i / rec.fs:.4f}", *(f"{v:.4f}" for v in rec.signals[:, i])])
        for i in range(rec.n_samples)
    ]
    csv.write_text("\n".join([header, *rows]) + "\n")
    assert main(["analyze", "ecg", str(csv)]) == 2
    assert "at least 4 s" in capsys.readouterr().err


def test_normalised_amplitudes_skip_voltage_criteria(ludb: Path) -> None:
    codes = {s.code for s in analyze_ecg(read_recording(ludb / "data" / "1.hea")).statements}
    assert "voltage_not_measurable" in codes
    assert not codes & {"lvh_sokolow_lyon", "lvh_cornell", "low_voltage"}
