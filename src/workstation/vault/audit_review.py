"""Reviewing the audit trail: verification, the chain head, exported anchors, the log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.errors import VaultCorrupt, VaultError
from workstation.vault import anchors, audit, verification
from workstation.vault.access import VaultAccess
from workstation.vault.audit import Action, AuditEntry, ChainHead, Outcome
from workstation.vault.files import create_private_file, reported_as_vault_error
from workstation.vault.integrity import check_pages
from workstation.vault.signing import RECOVERY_ACTOR
from workstation.vault.verification import ExternalAnchor

EXPORT_FORMAT = "workstation-vault-anchor-export"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """A passed verification: the audit rows checked and the chain's last hash, how many rows
    were signed (rows older than the upgrade to signed audit are not) and how many anchor
    lines matched."""

    audit_rows: int
    audit_head: str
    signed_rows: int = 0
    anchors_checked: int = 0


def read_exported_anchor(path: Path) -> ExternalAnchor:
    """An anchor written by ``export_anchor`` (kept on the ward's log server, say)."""
    try:
        document = json.loads(path.read_bytes())
        if document.get("format") != EXPORT_FORMAT:
            raise ValueError("not an exported anchor")
        return ExternalAnchor(
            str(document["vault_id"]), int(document["audit_rows"]), str(document["audit_head"])
        )
    except OSError as error:
        raise VaultError(
            f"The exported anchor '{path}' cannot be read ({error.strerror}).",
            "Check the path and try again.",
        ) from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise VaultError(
            f"'{path}' is not an anchor exported by 'workstation vault export-anchor'.",
            "Give the file that command wrote.",
        ) from error


class AuditReview(VaultAccess):
    """verify() and chain_head() for anyone signed in; the audit log for administrators."""

    def verify(self, external_anchor: str | Path | None = None) -> VerifyReport:
        """Check the audit chain, its signatures, every clinical row's content hash, the
        anchor file (and an exported anchor, when given) and every page; VaultCorrupt names
        the first broken row. The result, pass or fail, is itself audited."""
        target = f"vault:{self._vault_id}"
        external = None if external_anchor is None else read_exported_anchor(Path(external_anchor))
        with self._mutex:
            try:
                contents = anchors.read(self.paths.anchor_file)
                with self._reading() as store:
                    check_pages(store.db)
                    result = verification.verify_vault(store.db, contents, RECOVERY_ACTOR, external)
            except VaultCorrupt as error:
                self._record(Action.VERIFY, target, Outcome.FAILED, error.problem)
                raise
            self._record(
                Action.VERIFY,
                target,
                detail=f"{result.rows} audit rows ({result.signed_rows} signed), head "
                f"{result.head}, {result.anchors_checked} anchors matched",
            )
            return VerifyReport(
                result.rows, result.head, result.signed_rows, result.anchors_checked
            )

    def chain_head(self) -> ChainHead:
        """The audit chain's current head (rows, hash), for a report's footer: quoting it ties
        a printed report to the exact state of the vault that produced it. Not audited: it
        reveals no clinical data."""
        with self._reading() as store:
            return audit.head(store.db)

    def export_anchor(self, destination: str | Path) -> Path:
        """Write the current head, signed, with every user's public key, to a new private file
        for the ward's own log server; ``verify(that file)`` later detects a vault rewritten or
        rolled back together with its anchor file."""
        target = Path(destination)
        signer = self._require_signer()
        with self._mutex:
            head = self._record(Action.EXPORT, f"vault:{self._vault_id}", detail="anchor exported")
            with self._reading() as store:
                keys = dict(
                    store.db.execute(
                        "SELECT username, public_key FROM users WHERE public_key IS NOT NULL"
                    ).fetchall()
                )
        message = json.dumps([EXPORT_FORMAT, self._vault_id, head.rows, head.hash]).encode()
        document: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "vault_id": self._vault_id,
            "audit_rows": head.rows,
            "audit_head": head.hash,
            "exported_by": signer.username,
            "exported_at": self._now(),
            "signing_key": signer.public_hex,
            "signature": signer.sign(message),
            "public_keys": keys,
        }
        with reported_as_vault_error("the exported anchor to", target):
            create_private_file(target, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
        return target

    def export_audit(self, content: bytes, row_count: int, destination: str | Path) -> Path:
        """Administrators only: write an extract of the log (``content``, made by the caller
        from rows it read) to a new owner-only file. The log names users and patients'
        record ids, so its leaving the vault is audited like a report export, and a file
        that could not be written is audited as a failure."""
        target = Path(destination)
        self._require_admin("export the audit log", Action.EXPORT, "audit")
        with self._mutex:
            try:
                with reported_as_vault_error("the audit log to", target):
                    create_private_file(target, content)
            except VaultError:
                self._record(Action.EXPORT, "audit", Outcome.FAILED, "file not written")
                raise
            self._record(Action.EXPORT, "audit", detail=f"{row_count} rows exported")
        return target

    def audit_log(self, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
        """Administrators only: audit rows after ``after_id``, oldest first."""
        self._require_admin("read the audit log", Action.LIST, "audit")
        return self._audited_read(
            Action.LIST, "audit", lambda store: audit.entries(store.db, after_id, limit)
        )
