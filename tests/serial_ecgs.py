"""Two ECGs of one patient in a real vault, for the serial comparison tests and screenshots.

The PTB record s0010_re (wfdb-samples, true millivolts) is stored twice: as recorded, and
with a known ST shift added to one lead from J to the T end (``with_st_shift`` of the ST
ischaemia tests, the same construction), each analysed by the real engine and stored the way
an import stores it. LUDB records 1 (sinus, PR measured) and 8 (atrial fibrillation, no PR)
are imported as two ECGs of another patient.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import shared

from workstation.app.progress import Progress
from workstation.app.sessions import ecg_explained, import_recording, store_ecg_analysis
from workstation.ecg.analysis import analyze_ecg
from workstation.io import read_recording
from workstation.recording import Recording
from workstation.vault import Vault

sys.path.append(str(Path(__file__).parent / "ecg"))  # last: its conftest must not shadow others
from test_st_ischaemia import WINDOW_S, with_st_shift  # noqa: E402

#: The lead given a known ST elevation, and by how much (mV; 1.5 mm at 10 mm/mV).
SHIFTED_LEAD, SHIFT_MV = "v2", 0.15


def ptb_pair() -> tuple[Recording, Recording]:
    """s0010_re over a clean 9.6 s, as recorded and with ``SHIFT_MV`` added in V2."""
    ptb = read_recording(shared("wfdb-samples", "s0010_re.hea")).slice_time(*WINDOW_S)
    shifted = with_st_shift(ptb, analyze_ecg(ptb, score=False), {SHIFTED_LEAD: SHIFT_MV})
    return ptb, shifted


def store_ecg(vault: Vault, patient_id: int, recording: Recording) -> int:
    """A new session of the recording with its analysis stored as an import stores it."""
    session_id = vault.save_session(patient_id, recording)
    recording_id = vault.list_recordings(session_id)[-1].id
    result, attribution = ecg_explained(recording, Progress())
    store_ecg_analysis(vault, session_id, recording_id, result, attribution)
    return session_id


def st_change_sessions(vault: Vault, patient_id: int) -> tuple[int, int]:
    """(older, newer): PTB as recorded, then with the ST shift."""
    before, after = ptb_pair()
    return store_ecg(vault, patient_id, before), store_ecg(vault, patient_id, after)


def ludb_sessions(vault: Vault, patient_id: int) -> tuple[int, int]:
    """(older, newer): LUDB 1 (sinus bradycardia), then LUDB 8 (atrial fibrillation with
    ventricular pacing: stated as a paced rhythm)."""
    folder = shared("ludb", "data")
    return tuple(
        import_recording(vault, patient_id, folder / f"{name}.hea", Progress()).session.id
        for name in ("1", "8")
    )
