"""The encrypted vault: SQLCipher database, per-user key slots, hash-chained audit, backups.

Headless (no Qt): the GUI, the CLI and batch jobs all go through ``Vault``. ``driver`` is
imported first so that sqlite-utils binds to sqlcipher3 (see driver.py).
"""

from workstation.vault import driver  # noqa: F401  (must precede any sqlite_utils import)
from workstation.vault.accounts import Role, User
from workstation.vault.audit import AuditEntry
from workstation.vault.backup import BackupInfo
from workstation.vault.entities import (
    Analysis,
    AnalysisInfo,
    ModelInfo,
    Note,
    NoteKind,
    Patient,
    RecordingInfo,
    ReportInfo,
    SessionStatus,
    SessionSummary,
)
from workstation.vault.keyslots import Argon2Params
from workstation.vault.location import VaultPaths, default_vault_path
from workstation.vault.throttle import escalating_delay
from workstation.vault.vault import Vault, VerifyReport

__all__ = [
    "Analysis",
    "AnalysisInfo",
    "Argon2Params",
    "AuditEntry",
    "BackupInfo",
    "ModelInfo",
    "Note",
    "NoteKind",
    "Patient",
    "RecordingInfo",
    "ReportInfo",
    "Role",
    "SessionStatus",
    "SessionSummary",
    "User",
    "Vault",
    "VaultPaths",
    "VerifyReport",
    "default_vault_path",
    "escalating_delay",
]
