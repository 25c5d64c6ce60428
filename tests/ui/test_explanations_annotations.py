"""The Explanations tab adds up, and the Annotations tab puts the clinician's own first.

Driven through the main window on a real LUDB record with the real models: the numbers on
the screen are checked against each other (the sum a reader would do) and against the model
run independently here (the reference ECG's score); the file's fiducials are counted from
the file itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import add_patient, first_run, wait_idle

from workstation.ecg.abnormality import abnormality_model
from workstation.ecg.score_calibration import calibrated_probability
from workstation.io.detect import read_recording
from workstation.ui.ecg.workspace import EcgWorkspace
from workstation.ui.shell.preferences import Preferences

pytestmark = pytest.mark.shared_data


def _open_record(qtbot, vault_path, ludb_record, monkeypatch) -> tuple[object, EcgWorkspace]:
    window = first_run(qtbot, vault_path, Preferences(idle_minutes=10)).window
    add_patient(qtbot, window, monkeypatch, "H-0020", "Hopper, Grace")
    window.import_file(ludb_record)
    qtbot.waitUntil(lambda: window.current_workspace() is not None, timeout=60000)
    wait_idle(qtbot, window)
    workspace = window.current_workspace()
    workspace.finish_building()
    return window, workspace


def _tab(panel, title: str) -> None:
    panel.setCurrentIndex(next(i for i in range(panel.count()) if panel.tabText(i) == title))


def test_explanations_show_clinician_words_and_a_sum_that_adds_up(
    qtbot, app, vault_path, ludb_record, monkeypatch, errors
):
    window, workspace = _open_record(qtbot, vault_path, ludb_record, monkeypatch)
    panel = workspace.panel
    _tab(panel, "Explanations")
    table = panel.contributions
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert rows[0][0] == "Reference ECG" and rows[-1][0] == "= Score"
    features = rows[1:-1]
    assert len(features) == 16
    labels = [r[0] for r in features]
    assert "QTc (Bazett)" in labels and "QRS duration" in labels
    assert not any("_" in label for label in labels)  # no raw feature names
    by_label = {r[0]: r for r in features}
    assert by_label["QRS duration"][1].endswith(" ms") and by_label["QRS axis"][1].endswith("°")
    assert by_label["Sokolow-Lyon voltage (S V1 + R V5/V6)"][2].endswith(" mV")
    contributions = [float(r[3]) for r in features]
    assert contributions == sorted(contributions, key=abs, reverse=True)

    # The arithmetic a reader does with the displayed digits: reference + contributions
    # = shown score, to within the rounding of 18 three-digit numbers.
    reference, shown = float(rows[0][3]), float(rows[-1][3])
    assert reference + sum(contributions) == pytest.approx(shown, abs=18 * 0.0005 + 1e-9)
    score = workspace.opened.result.score
    assert shown == pytest.approx(score.probability_abnormal, abs=5e-4)
    assert f"{score.probability_abnormal:.2f}" in panel.score_heading.text()
    assert f"= {reference + sum(contributions):.3f}" in panel.sum_line.text()

    # The reference is what the model gives the median normal ECG (run here, independently),
    # and the text above the table says what it is.
    model = abnormality_model()
    medians = np.asarray(model.card["normal_feature_medians"], dtype=np.float32)[None, :]
    raw = float(np.asarray(model.session.run(None, {"features": medians})[1])[0, 1])
    assert "a typical normal ECG" in panel.contributions_intro.text()
    assert reference == pytest.approx(calibrated_probability(raw, model.card), abs=5e-4)

    # How the calibrated probability follows from the model's raw output.
    calibration = panel.calibration_line.text()
    a, b = model.card["calibration"]["a"], model.card["calibration"]["b"]
    assert f"{a:g} ×" in calibration and f"+ {b:g} =" in calibration
    assert calibration.split("= ")[-1].startswith(f"{shown:.3f}")
    assert not errors
    window.close()


def test_annotations_put_the_clinicians_own_first_and_fold_the_file_fiducials(
    qtbot, app, vault_path, ludb_record, monkeypatch, errors
):
    window, workspace = _open_record(qtbot, vault_path, ludb_record, monkeypatch)
    panel = workspace.panel
    _tab(panel, "Annotations")
    in_file = read_recording(ludb_record).annotations
    assert len(in_file) > 100
    assert panel.annotations.rowCount() == 0 and panel.own_title.text().endswith("(0)")
    assert not panel.file_group.isVisibleTo(panel)  # folded by default
    assert panel.file_toggle.text() == f"Fiducials from the file ({len(in_file)})"

    workspace.add_annotation(2.5, "artefact?", "ii")
    assert panel.own_title.text() == "Your annotations (1)"
    own = [panel.annotations.item(0, c).text() for c in range(4)]
    assert own == ["2.500 s", "II", "artefact?", "admin"]

    panel.file_toggle.click()
    assert panel.file_group.isVisibleTo(panel)
    assert panel.file_annotations.rowCount() == len(in_file)
    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData("t"))
    panel.lead_filter.setCurrentIndex(panel.lead_filter.findData("ii"))
    expected = sorted(a.onset for a in in_file if a.label == "t" and a.channel == "ii")
    table = panel.file_annotations
    assert [table.item(r, 2).text() for r in range(table.rowCount())] == ["T wave (t)"] * len(
        expected
    )
    assert [float(table.item(r, 0).text().removesuffix(" s")) for r in range(table.rowCount())] == (
        pytest.approx(expected)
    )
    assert panel.file_toggle.text() == (
        f"Fiducials from the file ({len(expected)} of {len(in_file)} shown)"
    )
    with qtbot.waitSignal(panel.annotationChosen) as chosen:
        table.cellClicked.emit(0, 0)
    assert chosen.args == [pytest.approx(expected[0]), "ii"]

    window.save_review()  # stored, the clinician's annotation still leads the tab
    qtbot.waitUntil(lambda: not workspace.has_changes, timeout=30000)
    wait_idle(qtbot, window)
    assert panel.annotations.rowCount() == 1 and panel.annotations.item(0, 2).text() == "artefact?"
    assert not errors
    window.close()
