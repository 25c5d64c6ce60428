"""QTc with a wide QRS: the QT holds the prolonged depolarisation, so the modified QT
(QT - 50 % of QRS, Bogossian 2014) is judged against the usual limits."""

from __future__ import annotations

import pytest
from helpers import shared
from synthetic_ecg import synthetic_ecg

from workstation.ecg.analysis import analyze_ecg
from workstation.ecg.interpretation import LONG_QTC_MS
from workstation.ecg.measurements import MODIFIED_QTC_LABEL
from workstation.io import read_recording
from workstation.reports.ecg_content import headline_measurements

pytestmark = pytest.mark.usefixtures("model_available")


def qt_statements(result) -> list:
    return [s for s in result.statements if s.code in ("long_qtc", "short_qtc")]


def test_a_wide_qrs_with_a_normal_jt_is_not_called_a_long_qt() -> None:
    wide = analyze_ecg(synthetic_ecg(heart_rate=60.0, qrs_ms=150.0, qt_ms=480.0))
    assert wide.measurements.qrs_ms >= 120
    assert wide.measurements.qtc_bazett_ms > LONG_QTC_MS[None]  # long by the usual limit ...
    assert qt_statements(wide) == []  # ... but half of it is the wide QRS
    (note,) = [s for s in wide.statements if s.code == "qtc_wide_qrs_within_limits"]
    assert not note.abnormal
    assert note.evidence["qtc_modified_bazett_ms"] <= LONG_QTC_MS[None]
    assert f"QTc {wide.measurements.qtc_bazett_ms:.0f} ms (Bazett)" in note.text
    narrow = analyze_ecg(synthetic_ecg(heart_rate=60.0, qrs_ms=90.0, qt_ms=480.0))
    assert [s.code for s in qt_statements(narrow)] == ["long_qtc"]
    assert "qtc_wide_qrs_within_limits" not in {s.code for s in narrow.statements}


def test_a_long_repolarisation_behind_a_wide_qrs_is_still_stated() -> None:
    result = analyze_ecg(synthetic_ecg(heart_rate=60.0, qrs_ms=150.0, qt_ms=620.0))
    (statement,) = qt_statements(result)
    m = result.measurements
    assert statement.code == "long_qtc" and "wide QRS" in statement.text
    assert statement.evidence["qtc_modified_bazett_ms"] == pytest.approx(
        (m.qt_ms - 0.5 * m.qrs_ms) / (m.rhythm.rr_mean_ms / 1000.0) ** 0.5, abs=0.2
    )
    assert statement.evidence["qtc_modified_bazett_ms"] > LONG_QTC_MS[None]


def test_left_bundle_branch_block_of_the_development_split_gets_no_long_qtc() -> None:
    """LUDB 83 (development split; AF with complete left bundle branch block): Bazett QTc
    about 467 ms over a QRS of about 164 ms, stated prolonged before the modified QT."""
    result = analyze_ecg(read_recording(shared("ludb", "data", "83.hea")))
    assert result.measurements.qrs_ms >= 120
    assert result.measurements.qtc_bazett_ms > LONG_QTC_MS[None]
    assert qt_statements(result) == []
    assert "qtc_wide_qrs_within_limits" in {s.code for s in result.statements}


def test_a_short_qtc_is_stated_even_over_a_wide_qrs() -> None:
    """Half of the QT is the wide QRS: a Bazett QTc under the short limit with it means a
    still shorter repolarisation, so the short-QTc statement stands."""
    result = analyze_ecg(synthetic_ecg(heart_rate=60.0, qrs_ms=132.0, qt_ms=290.0))
    assert result.measurements.qrs_ms >= 120
    assert [s.code for s in qt_statements(result)] == ["short_qtc"]


def test_the_modified_qtc_is_a_measurement_in_the_json_and_the_report_headline() -> None:
    """The number the wide-QRS statements judge is printed beside Bazett and Fridericia."""
    wide = analyze_ecg(synthetic_ecg(heart_rate=60.0, qrs_ms=150.0, qt_ms=480.0)).to_json()
    (note,) = [s for s in wide["statements"] if s["code"] == "qtc_wide_qrs_within_limits"]
    assert wide["qtc_modified_ms"] == note["evidence"]["qtc_modified_bazett_ms"]
    rows = dict(headline_measurements(wide))
    assert rows[MODIFIED_QTC_LABEL] == f"{wide['qtc_modified_ms']:.0f} ms"
    narrow = analyze_ecg(synthetic_ecg(heart_rate=60.0, qrs_ms=90.0, qt_ms=480.0)).to_json()
    assert narrow["qtc_modified_ms"] is None
    assert MODIFIED_QTC_LABEL not in dict(headline_measurements(narrow))
