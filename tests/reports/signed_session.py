"""A vault ECG session reviewed the way the workspace saves a review, ready to sign off.

The session holds LUDB record 1 with a stored analysis in the engine's shape; the review adds
what a clinician does in the workspace, through ``app.sessions.save_review``: one of the
engine's statements confirmed, a statement of their own, an annotation and a note.
"""

from __future__ import annotations

from pathlib import Path

from stored_analysis import stored_analysis

from workstation.app.progress import Progress
from workstation.app.review import EcgReview
from workstation.app.sessions import OpenedSession, open_session, save_review
from workstation.recording import Recording
from workstation.vault import Analysis, ModelInfo, Vault
from workstation.vault.keyslots import Argon2Params
from workstation.vault.kinds import AnalysisKind

ADMIN, ADMIN_PASSWORD = "admin", "correct horse battery staple"
CLINICIAN, CLINICIAN_PASSWORD = "dr.ada", "ada lovelace analytical engine"
FAST_KDF = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)
OWN_STATEMENT = "Clinician: no acute change since last visit"
NOTE = "Discussed with cardiology; repeat ECG in 6 months"
ANNOTATION = "Ectopic beat?"


def clinician_vault(path: Path) -> Vault:
    """A new vault with an administrator and a clinician; the clinician is signed in."""
    admin, _ = Vault.create(path, ADMIN, ADMIN_PASSWORD, kdf=FAST_KDF)
    admin.add_user(CLINICIAN, CLINICIAN_PASSWORD, "clinician")
    admin.close()
    vault = Vault(path)
    vault.unlock(CLINICIAN, CLINICIAN_PASSWORD)
    return vault


def reviewed_session(vault: Vault, recording: Recording) -> OpenedSession:
    """The stored session after the clinician's review was saved, as the workspace has it."""
    patient = vault.add_patient("MRN-7730419", "Zelda Quixote-Testcase", "F")
    session_id = vault.save_session(patient.id, recording)
    recording_id = vault.list_recordings(session_id)[0].id
    results = stored_analysis()
    results["clinician_annotations"] = []
    models = tuple(ModelInfo(**m) for m in results["models"])
    vault.save_analysis(
        session_id, Analysis(AnalysisKind.ECG, results, models, recording_id=recording_id)
    )
    opened = open_session(vault, session_id, Progress())
    review = EcgReview.of(opened)
    review.confirm_statements([0])
    review.add_statement(OWN_STATEMENT)
    review.add_annotation(2.5, ANNOTATION, CLINICIAN, "ii")
    review.add_note(NOTE)
    return save_review(vault, opened, review.changes(), Progress())
