"""Reviewing the audit trail: verification of the chain and the pages, and reading the log."""

from __future__ import annotations

from dataclasses import dataclass

from workstation.errors import VaultCorrupt
from workstation.vault import audit
from workstation.vault.access import VaultAccess
from workstation.vault.audit import Action, AuditEntry, Outcome
from workstation.vault.integrity import check_pages


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """A passed verification: the audit rows checked and the chain's last hash."""

    audit_rows: int
    audit_head: str


class AuditReview(VaultAccess):
    """verify() for anyone signed in; the audit log for administrators."""

    def verify(self) -> VerifyReport:
        """Check the audit chain and every page; VaultCorrupt names the first broken row.

        The result, pass or fail, is itself audited.
        """
        target = f"vault:{self._vault_id}"
        with self._mutex:
            try:
                with self._reading() as store:
                    head = audit.verify_chain(store.db)
                    check_pages(store.db)
            except VaultCorrupt as error:
                self._record(Action.VERIFY, target, Outcome.FAILED, error.problem)
                raise
            self._record(
                Action.VERIFY,
                target,
                detail=f"{head.rows} audit rows, head {head.hash}",
            )
            return VerifyReport(head.rows, head.hash)

    def audit_log(self, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
        """Administrators only: audit rows after ``after_id``, oldest first."""
        self._require_admin("read the audit log", Action.LIST, "audit")
        return self._audited_read(
            Action.LIST, "audit", lambda store: audit.entries(store.db, after_id, limit)
        )
