"""Where the vault lives, and the names of the files that make it up.

Default: the user's data folder (platformdirs), so each ward login has its own vault unless IT
points ``WORKSTATION_VAULT`` (or ``--vault``) at a shared local path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "WORKSTATION_VAULT"
APP_NAME = "clinician-workstation"  # the folder name for data, settings and reports.toml
DATABASE_NAME = "vault.db"


def default_vault_path() -> Path:
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # here, not above: the CLI imports ENV_VAR for every command's help

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DATABASE_NAME


@dataclass(frozen=True, slots=True)
class VaultPaths:
    """The database and the files beside it; pass ``at(None)`` for the default location."""

    database: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str] | None) -> VaultPaths:
        return cls(default_vault_path() if path is None else Path(path).expanduser())

    def _sibling(self, suffix: str) -> Path:
        return self.database.with_name(self.database.name + suffix)

    @property
    def key_file(self) -> Path:
        return self._sibling(".keys")

    @property
    def failure_log(self) -> Path:
        return self._sibling(".failures")

    @property
    def signin_lock(self) -> Path:
        return self._sibling(".signin-lock")

    @property
    def anchor_file(self) -> Path:
        return self._sibling(".anchors")

    @property
    def sqlite_sidecars(self) -> tuple[Path, ...]:
        return (self._sibling("-wal"), self._sibling("-shm"), self._sibling("-journal"))

    def all_files(self) -> tuple[Path, ...]:
        return (
            self.database,
            self.key_file,
            self.failure_log,
            self.anchor_file,
            self.signin_lock,
            *self.sqlite_sidecars,
        )
