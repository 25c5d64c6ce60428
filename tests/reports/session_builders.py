"""Vault sessions for the EEG and video-vitals report tests, built from real data.

The EEG is an EDF of 19 scalp channels assembled from the Bonn EEG data set (CC BY 4.0):
every channel is a set A (healthy, scalp) recording, except that two left temporal channels
carry set E (ictal) EEG from 8 to 18 s and two right frontal channels from 28 to 38 s, so
the shipped detector has two stretches of seizure-like activity to flag. The "eeg" analysis
is stored in the shape the application layer stores it (``EegAnalysis.to_dict()`` plus the
clinician's annotations, and the trend and detector arrays). The video session is a
generated face clip with a stretch without a face in the middle, run through the engine's
own ``run_video`` and stored as the video panel's Save stores it.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import cv2
import edfio
import numpy as np
from helpers import shared
from scipy.io import loadmat

from workstation.recording import Modality
from workstation.vault import Analysis, ModelInfo, Vault
from workstation.vault.keyslots import Argon2Params
from workstation.vault.kinds import AnalysisKind

ADMIN, ADMIN_PASSWORD = "admin", "correct horse battery staple"
CLINICIAN, CLINICIAN_PASSWORD = "dr.ada", "ada lovelace analytical engine"
FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
TEN_TWENTY = "Fp1 Fp2 F7 F3 Fz F4 F8 T3 C3 Cz C4 T4 T5 P3 Pz P4 T6 O1 O2".split()
EEG_SECONDS = 46
EEG_FS = 256.0
SEIZURE_SPANS = {("T3", "T5"): (8.0, 18.0), ("F4", "F8"): (28.0, 38.0)}
FILE_ANNOTATION = (2.0, 1.0, "Eyes open")
CLINICIAN_ANNOTATIONS = [
    {"onset": 8.5, "duration": 9.5, "label": "Rhythmic left temporal theta", "author": CLINICIAN},
    {"onset": 30.5, "duration": None, "label": "Right frontal sharp wave", "author": CLINICIAN},
]


def open_vault(path: Path) -> Vault:
    """A new vault with an administrator and a clinician; the clinician is signed in."""
    admin, _ = Vault.create(path, ADMIN, ADMIN_PASSWORD, kdf=FAST_KDF)
    admin.add_user(CLINICIAN, CLINICIAN_PASSWORD, "clinician")
    admin.close()
    vault = Vault(path)
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    return vault


def patient_id(vault: Vault, identifier: str, name: str, sex: str) -> int:
    """The patient with this identifier, added on first use."""
    found = vault.find_patient(identifier)
    return (found or vault.add_patient(identifier, name, sex)).id


def bonn_signals() -> np.ndarray:
    """19 channels × 46 s at 256 Hz in µV, with the two ictal stretches."""
    from workstation.eeg.resample import resample_signals

    folder = shared("bonn-eeg")
    healthy = loadmat(folder / "Bonn_eeg_AZ_100.mat")["eeg_data"].T.astype(np.float64)
    ictal = loadmat(folder / "Bonn_eeg_E_100.mat")["eeg_data"].T.astype(np.float64)
    healthy = resample_signals(healthy[:38], 173.61, EEG_FS)
    ictal = resample_signals(ictal[:4], 173.61, EEG_FS)
    n = int(EEG_SECONDS * EEG_FS)
    signals = np.stack([np.concatenate([healthy[i], healthy[19 + i]])[:n] for i in range(19)])
    k = 0
    for names, (start, stop) in SEIZURE_SPANS.items():
        first, last = int(start * EEG_FS), int(stop * EEG_FS)
        for name in names:
            signals[TEN_TWENTY.index(name), first:last] = ictal[k, : last - first]
            k += 1
    return signals


def write_bonn_edf(path: Path) -> Path:
    signals = bonn_signals()
    limit = float(np.ceil(np.abs(signals).max() / 100) * 100)
    edf = edfio.Edf(
        [
            edfio.EdfSignal(
                row,
                EEG_FS,
                label=f"EEG {name}-REF",
                physical_dimension="uV",
                physical_range=(-limit, limit),
            )
            for row, name in zip(signals, TEN_TWENTY, strict=True)
        ],
        recording=edfio.Recording(startdate=date(2025, 3, 14)),
        starttime=time(9, 26, 53),
        annotations=[edfio.EdfAnnotation(*FILE_ANNOTATION)],
    )
    edf.write(path)
    return path


def eeg_results(recording: Any, detector: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored "eeg" results and arrays of the real analysis of ``recording``."""
    from workstation.eeg.analysis import analyze_eeg
    from workstation.eeg.seizure import load_detector

    session, model = load_detector() if detector else (None, None)
    analysis = analyze_eeg(recording, session, model)
    results = {**analysis.to_dict(), "annotations": CLINICIAN_ANNOTATIONS}
    trends, timeline = analysis.trends, analysis.timeline
    arrays = {
        "trend_times": np.asarray(trends.times + trends.epoch_s / 2, dtype=np.float64),
        "rhythmicity": np.asarray(trends.rhythmicity.max(axis=0), dtype=np.float64),
    }
    if timeline is not None:
        centres = timeline.times + timeline.window_s / 2  # as app.eeg_review.StoredEeg.of
        arrays["detector_times"] = np.asarray(centres, dtype=np.float64)
        arrays["detector_probability"] = np.asarray(timeline.probability, dtype=np.float64)
    return results, arrays


def eeg_session(vault: Vault, edf: Path, detector: bool = True) -> tuple[int, dict[str, Any]]:
    """An EEG session of the EDF with its stored "eeg" analysis; (session id, results)."""
    from workstation.io import read_recording

    recording = read_recording(edf)
    patient = patient_id(vault, "MRN-5520931", "Oskar Testperson-Eeg", "M")
    session_id = vault.save_session(patient, recording)
    recording_id = vault.list_recordings(session_id)[0].id
    results, arrays = eeg_results(recording, detector)
    model = results.get("model") or {}
    models = (ModelInfo(model["name"], model["version"], model["sha256"]),) if model else ()
    vault.save_analysis(
        session_id,
        Analysis(AnalysisKind.EEG, results, models, arrays, recording_id=recording_id),
    )
    return session_id, results


def write_gap_clip(folder: Path) -> Path:
    """A face clip with 6 s of a scene without a face in the middle (12 + 6 + 12 s)."""
    from workstation.rppg.synthetic import ClipSpec, write_clip

    small = {"bpm": 72.0, "width": 160, "height": 120}
    parts = [
        write_clip(folder / "a.avi", ClipSpec(seconds=12, seed=1, **small)),
        write_clip(folder / "b.avi", ClipSpec(seconds=6, seed=2, content="scene", **small)),
        write_clip(folder / "c.avi", ClipSpec(seconds=12, seed=3, **small)),
    ]
    out = folder / "gap.avi"
    writer = None
    for part in parts:
        capture = cv2.VideoCapture(str(part))
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            if writer is None:
                size = (frame.shape[1], frame.shape[0])
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"FFV1"), 30.0, size)
            writer.write(frame)
        capture.release()
    assert writer is not None
    writer.release()
    return out


def video_session(vault: Vault, clip: Path) -> tuple[int, dict[str, Any]]:
    """A video session holding ``run_video``'s result as the panel's Save stores it."""
    from workstation.rppg.pipeline import run_video

    run = run_video(clip)
    vitals, traces = run.vitals, run.traces
    results = {**vitals.to_json(), "source": clip.name}
    arrays = {
        "rgb": traces.rgb_array(),
        "timestamps": np.asarray(traces.timestamps, dtype=np.float64),
    }
    if vitals.pulse is not None:
        arrays["pulse"] = np.asarray(vitals.pulse, dtype=np.float64)
    patient = patient_id(vault, "MRN-7730419", "Zelda Quixote-Testcase", "F")
    session_id = vault.create_session(patient, Modality.VIDEO)
    vault.save_analysis(session_id, Analysis(AnalysisKind.VIDEO, results, (), arrays))
    return session_id, results
