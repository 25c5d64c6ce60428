"""The typed stored ECG analysis: read from the vault's JSON and written back losing nothing."""

from __future__ import annotations

import json

from workstation.app.ecg_result import StoredEcg
from workstation.app.progress import Progress
from workstation.app.sessions import ecg_explained
from workstation.io import read_recording


def test_the_stored_json_round_trips_and_a_review_changes_only_what_it_edits(ludb_dir):
    result, _ = ecg_explained(read_recording(ludb_dir / "1.hea"), Progress())
    stored = json.loads(json.dumps(result.to_json()))  # as the vault returns it
    again = StoredEcg.from_json(stored)
    assert again == result and again.to_json() == stored
    assert again.score is not None and again.score.explanation
    assert again.intervals.qrs_ms == stored["qrs_ms"] and again.waves == stored["waves"]

    edited = [{"code": "clinician", "text": "No acute change", "evidence": {}, "abnormal": False}]
    reviewed = again.reviewed("dr.b", edited, None).to_json()
    assert reviewed["statements"] == edited and reviewed["reviewed_by"] == "dr.b"
    assert reviewed["clinician_annotations"] == stored["clinician_annotations"]
    unchanged = {k: v for k, v in reviewed.items() if k not in ("statements", "reviewed_by")}
    assert unchanged == {k: v for k, v in stored.items() if k != "statements"}
