"""The encrypted vault: SQLCipher database, per-user key slots, hash-chained audit, backups.

Headless (no Qt): the GUI, the CLI and batch jobs all go through ``Vault``. The names below
are imported on first use (see ``workstation.lazy``), so that a light submodule such as
``location`` (which the ``workstation`` command's help needs) does not load SQLCipher,
sqlite-utils and pandas. Every module that uses sqlite-utils imports it from ``driver``,
which binds it to sqlcipher3 (see driver.py).
"""

from typing import TYPE_CHECKING

from workstation.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, for type checkers and PyInstaller's import scan
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

__getattr__ = lazy_exports(
    __name__,
    {
        "Role": "accounts",
        "User": "accounts",
        "AuditEntry": "audit",
        "BackupInfo": "backup",
        "Analysis": "entities",
        "AnalysisInfo": "entities",
        "ModelInfo": "entities",
        "Note": "entities",
        "NoteKind": "entities",
        "Patient": "entities",
        "RecordingInfo": "entities",
        "ReportInfo": "entities",
        "SessionStatus": "entities",
        "SessionSummary": "entities",
        "Argon2Params": "keyslots",
        "VaultPaths": "location",
        "default_vault_path": "location",
        "escalating_delay": "throttle",
        "Vault": "vault",
        "VerifyReport": "vault",
    },
)
