"""``vault verify``: the chain, the signatures, the clinical content and the anchors, together.

One pass over the audit table checks, row by row: the id sequence, the hash of the row's own
fields, the link to the row before, and (for signed rows) the signature against the key that
the chain itself had given the signer by then. Keys enter the chain only through signed rows
naming them (``key:`` in a user_add, password_change, recover or key_enrol row), each allowed
only to the right signer (an administrator adds users, a user or an administrator changes a
password, only the recovery key recovers); the anchor file pins the first administrator's key
and the recovery key's. So a row signed by a key nobody was given, by a clinician acting as an
administrator, or by a removed user is named.

Then every clinical object the audit mentions is recomputed from the tables (content.py) and
compared with the newest audit row that wrote it, every covered row without such an audit
row is named as inserted behind the vault's back, and each anchor line is compared with the
row it records. The first problem found raises VaultCorrupt naming the row; how many more
problems there are is added to the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from workstation.errors import VaultCorrupt
from workstation.vault import audit, content, settings
from workstation.vault.accounts import Role
from workstation.vault.anchors import AnchorFile
from workstation.vault.audit import Action, AuditEntry, Outcome
from workstation.vault.driver import sqlite_utils
from workstation.vault.signing import key_in_detail, verify

RECOVERY_ROLE = "recovery"
_ROLE_IN_DETAIL = re.compile(r"\brole (\w+)\b")


@dataclass(frozen=True, slots=True)
class ExternalAnchor:
    """A head kept outside the vault folder (``vault export-anchor``), to compare against."""

    vault_id: str
    seq: int
    head: str


@dataclass(frozen=True, slots=True)
class Verified:
    rows: int
    head: str
    signed_rows: int
    anchors_checked: int


@dataclass(slots=True)
class _Trust:
    """Which key each user holds, at the point of the chain reached so far."""

    keys: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[str]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    def give(self, username: str, key: str, role: str | None) -> None:
        self.keys[username] = key
        self.history.setdefault(username, []).append(key)
        if role is not None:
            self.roles[username] = role


def _initial_trust(anchors: AnchorFile | None, recovery_actor: str) -> _Trust:
    """The keys the anchor file pins: the first administrator's and the recovery key's (in a
    vault upgraded from an earlier program, the one registered at its first recovery)."""
    trust = _Trust()
    header = None if anchors is None else anchors.header
    if anchors is None or header is None:
        return trust
    trust.give(header.genesis_user, header.genesis_key, str(Role.ADMINISTRATOR))
    recovery_key = header.recovery_key
    if not recovery_key:
        registered = [a for a in anchors.anchors if a.kind == "recovery-key"]
        recovery_key = str(registered[0].extra.get("key", "")) if registered else ""
    if recovery_key:
        trust.give(recovery_actor, recovery_key, RECOVERY_ROLE)
    return trust


def _target_user(entry: AuditEntry) -> str | None:
    return entry.target[5:] if entry.target.startswith("user:") else None


def _may_introduce(entry: AuditEntry, signer_role: str | None, target: str) -> bool:
    """Whether the signer of a key row was entitled to give ``target`` that key."""
    admin = signer_role in (str(Role.ADMINISTRATOR), RECOVERY_ROLE)
    if entry.action == Action.USER_ADD:
        return admin
    if entry.action == Action.PASSWORD_CHANGE:
        return admin or entry.signed_by == target
    if entry.action == Action.RECOVER:
        return signer_role == RECOVERY_ROLE
    return entry.signed_by == target  # key_enrol: a user's own first key after the upgrade


class _Walk:
    """State of the single pass over the audit table."""

    def __init__(self, anchors: AnchorFile | None, recovery_actor: str, needed: set[int]) -> None:
        self.header = None if anchors is None else anchors.header
        self.trust = _initial_trust(anchors, recovery_actor)
        self.needed = needed
        self.hash_at: dict[int, str] = {}
        self.latest: dict[tuple[str, str], AuditEntry] = {}
        self.signed_rows = 0
        self.first_signed: int | None = None

    def row(self, entry: AuditEntry) -> None:
        if entry.signed:
            self._signed(entry)
        else:
            self._unsigned(entry)
        target = content.parse_target(entry.target)
        if entry.content_hash and target is not None:
            self.latest[target] = entry
        if entry.id in self.needed:
            self.hash_at[entry.id] = entry.hash

    def _unsigned(self, entry: AuditEntry) -> None:
        signed_from = self.header.signed_from if self.header is not None else None
        if self.first_signed is not None or (signed_from is not None and entry.id >= signed_from):
            first = self.first_signed or signed_from
            raise VaultCorrupt(
                f"Audit row {entry.id} carries no signature, but every row from {first} on must "
                "be signed: it was forged or rewritten.",
                row=entry.id,
            )
        if entry.content_hash or entry.content_fields or entry.signed_by:
            raise VaultCorrupt(
                f"Audit row {entry.id} was altered after it was written.", row=entry.id
            )

    def _signed(self, entry: AuditEntry) -> None:
        self.signed_rows += 1
        if self.first_signed is None:
            self.first_signed = entry.id
        signer = entry.signed_by
        target = _target_user(entry)
        introduced = None
        if entry.action in audit.KEY_ACTIONS and entry.outcome == Outcome.OK and target:
            introduced = key_in_detail(entry.detail)
        key = self.trust.keys.get(signer)
        if key is None:
            key = self._self_introduced(entry, introduced, target)
        if not verify(key, entry.signature, audit.signed_message(entry.hash)):
            raise VaultCorrupt(
                f"Audit row {entry.id} is not signed by '{signer}' (the signature does not "
                "match their key): the row was forged or rewritten.",
                row=entry.id,
            )
        if signer in self.trust.removed:
            raise VaultCorrupt(
                f"Audit row {entry.id} is signed by '{signer}', whose account had been removed.",
                row=entry.id,
            )
        if entry.username != signer and entry.action not in audit.ON_BEHALF_ACTIONS:
            raise VaultCorrupt(
                f"Audit row {entry.id} names '{entry.username}' but was signed by '{signer}'.",
                row=entry.id,
            )
        if introduced is not None and target is not None:
            if not _may_introduce(entry, self.trust.roles.get(signer), target):
                raise VaultCorrupt(
                    f"Audit row {entry.id} gives '{target}' a key ({entry.action}), but its "
                    f"signer '{signer}' was not allowed to: a forged account or promotion.",
                    row=entry.id,
                )
            role = _ROLE_IN_DETAIL.search(entry.detail)
            if entry.action == Action.RECOVER:
                role_name: str | None = str(Role.ADMINISTRATOR)
            else:
                role_name = None if role is None else role.group(1)
            self.trust.give(target, introduced, role_name)
            self.trust.removed.discard(target)
        if entry.action == Action.USER_REMOVE and entry.outcome == Outcome.OK and target:
            self.trust.removed.add(target)

    def _self_introduced(
        self, entry: AuditEntry, introduced: str | None, target: str | None
    ) -> str:
        """The key of a signer met for the first time: only a user enrolling their own first
        key (after the upgrade), or the first key of a chain read without its anchor file."""
        own = introduced is not None and target == entry.signed_by
        first_of_unanchored = self.header is None and not self.trust.keys
        if (
            own
            and introduced is not None
            and (entry.action == Action.KEY_ENROL or first_of_unanchored)
        ):
            if first_of_unanchored:
                self.trust.roles[entry.signed_by] = str(Role.ADMINISTRATOR)
            return introduced
        raise VaultCorrupt(
            f"Audit row {entry.id} is signed by '{entry.signed_by}', who held no signing key at "
            "that point: a forged row.",
            row=entry.id,
        )


def _content_problems(
    db: sqlite_utils.Database, latest: Mapping[tuple[str, str], AuditEntry]
) -> list[VaultCorrupt]:
    problems = []
    for (kind, key), entry in latest.items():
        table = content.BY_KIND[kind].table
        now = content.snapshot(db, kind, key)
        if now is None:
            problems.append(
                VaultCorrupt(
                    f"The {table} row {key} was deleted after audit row {entry.id} recorded it.",
                    row=entry.id,
                )
            )
        elif now.hash != entry.content_hash:
            fields = ", ".join(content.changed_fields(entry.content_fields, now)) or "unknown"
            problems.append(
                VaultCorrupt(
                    f"The {table} row {key} was changed after audit row {entry.id} recorded it "
                    f"(field: {fields}).",
                    row=entry.id,
                )
            )
    for covered in content.COVERED:
        for key in content.keys(db, covered):
            if (covered.kind, key) not in latest:
                problems.append(
                    VaultCorrupt(
                        f"The {covered.table} row {key} has no audit row: it was inserted "
                        "behind the vault's back."
                    )
                )
    return problems


def _extra_triggers(db: sqlite_utils.Database) -> list[VaultCorrupt]:
    """The vault defines no triggers but the audit's own: any other one (say, one that
    rewrites every new note) was added behind its back."""
    return [
        VaultCorrupt(f"A trigger '{name}' on the {table} table was added behind the vault's back.")
        for name, table in audit.foreign_triggers(db)
    ]


def _user_key_problems(db: sqlite_utils.Database, trust: _Trust) -> list[VaultCorrupt]:
    rows = db.execute("SELECT username, public_key FROM users WHERE public_key IS NOT NULL")
    return [
        VaultCorrupt(
            f"The users row {username} holds a public key the audit never gave that account."
        )
        for username, public_key in rows
        if trust.keys.get(username) != public_key
    ]


def _anchor_problems(
    walk: _Walk, rows: int, anchors: AnchorFile, vault_id: str
) -> tuple[list[VaultCorrupt], int]:
    problems: list[VaultCorrupt] = []
    if anchors.header is None:
        problems.append(
            VaultCorrupt("The anchor file has lost its first line: it was replaced or edited.")
        )
    elif anchors.header.vault_id != vault_id:
        problems.append(VaultCorrupt("The anchor file belongs to another vault."))
    problems += [
        VaultCorrupt(f"Line {line} of the anchor file is unreadable: it was edited.")
        for line in anchors.unreadable
    ]
    checked = 0
    # The lowest head restored after each line, found in one pass from the end.
    bounds: list[int | None] = []
    bound: int | None = None
    for anchor in reversed(anchors.anchors):
        bounds.append(bound)
        if anchor.kind == "restore":
            bound = anchor.seq if bound is None else min(bound, anchor.seq)
    bounds.reverse()
    for anchor, bound in zip(anchors.anchors, bounds, strict=True):
        where = f"line {anchor.line} of the anchor file ({anchor.by}, {anchor.time})"
        if not anchor.signed_ok(vault_id, walk.trust.history.get(anchor.by, [])):
            problems.append(VaultCorrupt(f"The signature on {where} is not {anchor.by}'s."))
            continue
        if anchor.kind == "restore" and walk.trust.roles.get(anchor.by) != str(Role.ADMINISTRATOR):
            problems.append(VaultCorrupt(f"The restore on {where} was not by an administrator."))
            continue
        if bound is not None and anchor.seq > bound:
            continue  # recorded before a deliberate restore of an older backup
        if anchor.seq > rows:
            problems.append(
                VaultCorrupt(
                    f"Audit row {anchor.seq} is missing: {where} recorded it, but the database "
                    f"ends at row {rows}. The vault was rolled back to an older copy or its "
                    "newest rows were deleted.",
                    row=anchor.seq,
                )
            )
        elif anchor.seq and walk.hash_at.get(anchor.seq) != anchor.head:
            problems.append(
                VaultCorrupt(
                    f"Audit row {anchor.seq} is not the row {where} recorded: the audit was "
                    "rewritten from that row on, or the vault was rolled back to an older copy.",
                    row=anchor.seq,
                )
            )
        checked += 1
    return problems, checked


def verify_vault(
    db: sqlite_utils.Database,
    anchors: AnchorFile | None,
    recovery_actor: str,
    external: ExternalAnchor | None = None,
) -> Verified:
    """Everything above; VaultCorrupt for the first problem, naming the row."""
    if anchors is None and audit.has_signed_rows(db):
        raise VaultCorrupt(
            "The anchor file beside the vault is missing, but the audit is signed: it was "
            "deleted. Compare with an exported anchor or a backup's anchor file."
        )
    needed = {a.seq for a in anchors.anchors} if anchors is not None else set()
    if external is not None:
        needed.add(external.seq)
    walk = _Walk(anchors, recovery_actor, needed)
    expected_id, expected_prev = 1, audit.GENESIS_HASH
    for entry in audit.walk(db):
        audit.check_link(entry, expected_id, expected_prev)
        walk.row(entry)
        expected_id, expected_prev = expected_id + 1, entry.hash
    rows = expected_id - 1
    audit.check_sequence(db, rows)
    audit.check_triggers(db)
    vault_id = settings.get(db, settings.VAULT_ID) or ""
    problems: list[VaultCorrupt] = []
    checked = 0
    if anchors is not None:
        found, checked = _anchor_problems(walk, rows, anchors, vault_id)
        problems += found
    if external is not None:
        problems += _external_problems(walk, rows, external, vault_id)
    problems += _extra_triggers(db)
    if walk.signed_rows:
        problems += _content_problems(db, walk.latest)
        problems += _user_key_problems(db, walk.trust)
    if problems:
        first = problems[0]
        more = f" ({len(problems) - 1} more problems found.)" if len(problems) > 1 else ""
        raise VaultCorrupt(first.problem + more, row=first.row)
    return Verified(rows, expected_prev, walk.signed_rows, checked)


def _external_problems(
    walk: _Walk, rows: int, external: ExternalAnchor, vault_id: str
) -> list[VaultCorrupt]:
    if external.vault_id != vault_id:
        return [VaultCorrupt("The exported anchor belongs to another vault.")]
    if external.seq > rows:
        return [
            VaultCorrupt(
                f"Audit row {external.seq} is missing: the exported anchor recorded it, but the "
                f"database ends at row {rows}. The vault was rolled back.",
                row=external.seq,
            )
        ]
    if walk.hash_at.get(external.seq) != external.head:
        return [
            VaultCorrupt(
                f"Audit row {external.seq} is not the row the exported anchor recorded: the "
                "vault (and its anchor file) were rewritten.",
                row=external.seq,
            )
        ]
    return []
