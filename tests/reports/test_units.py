"""The ST unit setting: kept in reports.toml like the other report settings, and the report's
ST table follows it (mm at the 10 mm/mV report gain, or µV)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from conftest import PATIENT, SIGNATURE
from helpers import shared
from pypdf import PdfReader

from workstation.ecg.analysis import analyze_ecg
from workstation.errors import ReportSettingsInvalid
from workstation.io import read_recording
from workstation.recording import Recording
from workstation.reports import EcgReport, ReportSettings, build_ecg_report
from workstation.reports.ecg_content import st_rows
from workstation.reports.paper import Paper
from workstation.reports.settings import StUnits, load_report_settings, save_report_settings


def test_the_unit_is_saved_and_read_back_and_defaults_to_mm(tmp_path: Path) -> None:
    path = tmp_path / "reports.toml"
    assert load_report_settings(path).st_units is StUnits.MM  # no file yet
    path.write_text('institution = "Ward 9"\npaper = "Letter"\n', encoding="utf-8")
    assert load_report_settings(path) == ReportSettings("Ward 9", Paper.LETTER, StUnits.MM)
    save_report_settings(ReportSettings("Ward 9", Paper.A4, StUnits.UV), path)
    assert load_report_settings(path).st_units is StUnits.UV
    path.write_text('st_units = "inches"\n', encoding="utf-8")
    with pytest.raises(ReportSettingsInvalid, match="st_units 'inches'"):
        load_report_settings(path)


@pytest.fixture(scope="module")
def ptb() -> Recording:
    """PTB's s0010_re keeps true millivolts (LUDB's are normalised: no ST levels there)."""
    return read_recording(shared("wfdb-samples", "s0010_re.hea"))


@pytest.fixture(scope="module")
def ptb_analysis(ptb: Recording) -> dict[str, Any]:
    return analyze_ecg(ptb, score=False).to_json()


def _st_values(rows: list[tuple[str, str]]) -> dict[str, str]:
    return {name: value for name, value in rows if name.startswith("ST ") and "/" not in name}


@pytest.mark.shared_data
def test_st_rows_give_the_same_levels_in_either_unit(ptb_analysis: dict[str, Any]) -> None:
    leads = ptb_analysis["st_segment"]["leads"]
    assert len(leads) >= 6
    mm, uv = st_rows(ptb_analysis, StUnits.MM), st_rows(ptb_analysis, StUnits.UV)
    assert mm[0] == ("ST (J / J+60 / J+80)", "in mm at 10 mm/mV, vs PR segment")
    assert uv[0] == ("ST (J / J+60 / J+80)", "in µV, vs PR segment")
    for (name, in_mm), (_, in_uv) in zip(
        _st_values(mm).items(), _st_values(uv).items(), strict=True
    ):
        assert in_mm.endswith(" mm") and "µV" not in in_mm, name
        assert in_uv.endswith(" µV") and "mm" not in in_uv, name
        for a, b in zip(
            in_mm.removesuffix(" mm").split(" / "),
            in_uv.removesuffix(" µV").split(" / "),
            strict=True,
        ):
            if a != "—":  # 10 mm/mV: 1 mm is 100 µV, to the rounding of both (0.05 + 0.01)
                assert float(a) == pytest.approx(float(b) / 100.0, abs=0.061), name


@pytest.mark.shared_data
def test_the_report_prints_the_st_table_in_the_chosen_unit(
    ptb: Recording, ptb_analysis: dict[str, Any]
) -> None:
    def text(units: StUnits) -> str:
        report = EcgReport(
            ptb,
            ptb_analysis,
            PATIENT,
            SIGNATURE,
            settings=ReportSettings("", Paper.A4, units),
        )
        pdf = build_ecg_report(report)
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    in_mm, in_uv = text(StUnits.MM), text(StUnits.UV)
    uv_row = dict(st_rows(ptb_analysis, StUnits.UV))
    mm_row = dict(st_rows(ptb_analysis, StUnits.MM))
    name = next(n for n in uv_row if n.startswith("ST ") and "/" not in n)
    assert mm_row[name] in in_mm and mm_row[name] not in in_uv
    assert uv_row[name] in in_uv and uv_row[name] not in in_mm
    assert "in µV, vs PR segment" in in_uv and "in mm at 10 mm/mV" in in_mm


@pytest.mark.shared_data
def test_st_rows_name_the_tp_baseline_where_there_are_no_p_waves() -> None:
    """CPSC 2021 84_1 (atrial fibrillation, two leads, true millivolts): ST is measured
    against the TP segment, and the heading row says so instead of 'PR segment'."""
    rec = read_recording(shared("cpsc2021-sample", "data_84_1.hea")).slice_time(0.0, 10.0)
    rows = st_rows(analyze_ecg(rec, score=False).to_json(), StUnits.MM)
    assert rows[0] == ("ST (J / J+60 / J+80)", "in mm at 10 mm/mV, vs TP segment")
