"""Giving users their signing keys: at creation, at each new slot, and at the upgrade.

A key enters the audit chain in the detail of a signed row (``role R key:<hex>``), and the
users table keeps the same public key beside the account. A vault written by an earlier
program (schema version 1) has unsigned audit rows, version 1 key slots and clinical rows no
audit row describes. The first sign-in after the upgrade therefore:

* starts the anchor file, pinning the signing-in user's new key as the first one,
* re-seals that user's slot as version 2 and records the key in a signed ``key_enrol`` row,
* writes one signed ``migrate`` row per existing clinical and account row with its content
  hash (the baseline), so from then on every row is covered.

Rows older than the upgrade stay unsigned and are checked by the hash chain only: the README
says so. Every other user gets a key (``key_enrol``) at their own next sign-in.
"""

from __future__ import annotations

from workstation.vault import audit, content
from workstation.vault.accounts import Role
from workstation.vault.audit import Action, ChainHead
from workstation.vault.driver import sqlite_utils
from workstation.vault.signing import Signer

BASELINE_DETAIL = "baseline at the upgrade to the signed audit"


def key_detail(role: Role, public_hex: str, what: str = "") -> str:
    """The detail of a row that gives a user a key (parsed back by verification)."""
    prefix = f"{what}; " if what else ""
    return f"{prefix}role {role} key:{public_hex}"


def set_public_key(db: sqlite_utils.Database, username: str, public_hex: str) -> None:
    db.execute("UPDATE users SET public_key = ? WHERE username = ?", [public_hex, username])


def write_baseline(db: sqlite_utils.Database, signer: Signer, now: str) -> ChainHead | None:
    """One signed row per covered row that no signed row describes yet."""
    described = {
        target
        for (target,) in db.execute("SELECT DISTINCT target FROM audit WHERE content_hash != ''")
    }
    head = None
    for covered in content.COVERED:
        for key in list(content.keys(db, covered)):
            target = f"{covered.kind}:{key}"
            if target in described:
                continue
            head = audit.append(
                db,
                time=now,
                signer=signer,
                action=Action.MIGRATE,
                target=target,
                detail=BASELINE_DETAIL,
                content=content.snapshot(db, covered.kind, key),
            )
    return head
