"""The vault: sign-in, roles, audit and the clinical store behind one object.

``Vault`` is assembled from parts that each hold one concern, all sharing the state and the
audited transactions of ``VaultAccess`` (access.py):

* ``VaultLifecycle`` (lifecycle.py): create, recover, backup, restore; it builds on
* ``SignIn`` (signin.py): unlock with the rate limit and the failed-login file;
* ``UserAdministration`` (user_admin.py): accounts, key slots, passwords;
* ``ClinicalRecords`` (clinical.py): patients, sessions, recordings, analyses, notes, reports;
* ``AuditReview`` (audit_review.py): verify, the chain head (``chain_head()``, for report
  footers), exported anchors and the audit log.

Every audit row is signed by the signed-in user (signing.py) and carries the content hash of
the clinical row it wrote (content.py); each change is anchored outside the database
(anchors.py); verification.py checks all of it. The README states what this does and does not
protect against.

Roles: a clinician reads and writes clinical data; an administrator can do everything a
clinician can and also manage accounts, read the audit log and make backups.
"""

from __future__ import annotations

from workstation.vault.audit_review import AuditReview, VerifyReport
from workstation.vault.clinical import ClinicalRecords
from workstation.vault.lifecycle import VaultLifecycle
from workstation.vault.user_admin import UserAdministration

__all__ = ["Vault", "VerifyReport"]


class Vault(VaultLifecycle, UserAdministration, ClinicalRecords, AuditReview):
    """One encrypted vault. Construct it locked (``Vault(path)``) and ``unlock`` it, or use
    ``Vault.create`` / ``Vault.recover`` / ``Vault.restore``, which return it unlocked.

    ``delay`` and ``sleep`` make the sign-in rate limit testable; ``clock`` stamps rows.
    """
