"""Key slots: one sealed copy of each user's secrets, in a JSON file beside the vault.

The database key is 256 random bits. Each user's password goes through Argon2id (with that
user's salt and the cost parameters stored in the slot, so the cost can be raised later without
breaking old slots) to a 256-bit key-encryption key. The associated data binds everything it
seals to its vault, username and role: editing the role in the JSON file from clinician to
administrator makes the slot fail to open instead of granting rights.

Version 2 slots (this program) seal a 32-byte per-user seed with that key. The seed gives the
user's Ed25519 signing key (signing.py: their audit rows and anchors) and an X25519 key whose
public half is stored in the slot; the database key is sealed to that public half
(``db_key_box``). So an administrator who removes a user can give every remaining slot a new
database key (after ``PRAGMA rekey``) without knowing anyone's password, and the removed user's
old slot, in any earlier copy of the key file, opens only the old key.

Version 1 slots (earlier programs) wrap the database key directly; they are read, and each is
replaced by a version 2 slot at that user's next sign-in.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from workstation.errors import KeyFileMissing, VaultCorrupt, VaultError, VaultLocked
from workstation.vault import signing
from workstation.vault.accounts import Role
from workstation.vault.files import atomic_write

KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
FILE_FORMAT = "workstation-vault-keyslots"
FILE_VERSION = 2
SEALED_BYTES = KEY_BYTES + 16  # a 32-byte key or seed plus the 16-byte AES-GCM tag
# Upper bounds on a stored cost: the key file is writable by anyone who can write the folder,
# and an absurd cost would make every sign-in exhaust memory or hang instead of failing.
MAX_MEMORY_KIB = 4 << 20
MAX_TIME_COST = 64
MAX_PARALLELISM = 64


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """Argon2id cost: by default RFC 9106's second recommended option (64 MiB, 3 passes,
    4 lanes).

    On the 2-core ward PC it takes ~0.2 s idle and ~0.5 s with both cores busy with another
    job; 128 MiB doubled that to 1.1 s under the same load, over the 1 s sign-in budget
    (benchmarks/RESULTS.md). Each slot stores its own cost, so it can be raised later without
    breaking existing slots.
    """

    memory_kib: int = 65_536
    time_cost: int = 3
    parallelism: int = 4

    def __post_init__(self) -> None:
        if not (
            1 <= self.time_cost <= MAX_TIME_COST
            and 1 <= self.parallelism <= MAX_PARALLELISM
            and 8 * self.parallelism <= self.memory_kib <= MAX_MEMORY_KIB
        ):
            raise VaultError(
                f"The Argon2id cost {self.memory_kib} KiB × {self.time_cost} passes × "
                f"{self.parallelism} lanes is not valid.",
                f"Use 1–{MAX_TIME_COST} passes, 1–{MAX_PARALLELISM} lanes, and at least 8 KiB "
                f"of memory per lane but no more than {MAX_MEMORY_KIB // 1024 // 1024} GiB.",
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "version": 19,
            "memory_kib": self.memory_kib,
            "time_cost": self.time_cost,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Argon2Params:
        if data.get("algorithm") != "argon2id" or data.get("version") != 19:
            raise ValueError(f"unsupported key derivation {data.get('algorithm')!r}")
        try:
            return cls(int(data["memory_kib"]), int(data["time_cost"]), int(data["parallelism"]))
        except VaultError as error:
            raise ValueError(f"Argon2id cost out of range: {error.problem}") from error

    def derive(self, password: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            password.encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


@dataclass(frozen=True, slots=True)
class KeySlot:
    """One user's slot. ``sealed`` is the seed (version 2) or the database key (version 1)."""

    username: str
    role: Role
    kdf: Argon2Params
    salt: bytes
    nonce: bytes
    sealed: bytes
    box_public: str = ""
    signing_public: str = ""
    db_key_box: Mapping[str, str] | None = None

    @property
    def version(self) -> int:
        return 1 if self.db_key_box is None else 2


@dataclass(frozen=True, slots=True)
class SlotKeys:
    """What a password opens: the database key and, in a version 2 slot, the user's seed."""

    db_key: bytes
    seed: bytes | None

    def signer(self, username: str) -> signing.Signer | None:
        return None if self.seed is None else signing.signer_from_seed(username, self.seed)


def _associated_data(vault_id: str, username: str, role: Role, version: int) -> bytes:
    return json.dumps(["workstation-vault-slot", version, vault_id, username, str(role)]).encode()


def _box_associated_data(vault_id: str, username: str, role: Role) -> bytes:
    return _associated_data(vault_id, username, role, FILE_VERSION) + b"/database-key"


def seal_slot(
    vault_id: str,
    username: str,
    role: Role,
    password: str,
    db_key: bytes,
    kdf: Argon2Params,
    seed: bytes | None = None,
) -> KeySlot:
    """A version 2 slot: ``seed`` (a new one by default) under the password, the database key
    sealed to the seed's box key."""
    seed = signing.new_seed() if seed is None else seed
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    wrapping_key = kdf.derive(password, salt)
    sealed = AESGCM(wrapping_key).encrypt(
        nonce, seed, _associated_data(vault_id, username, role, FILE_VERSION)
    )
    box_public = signing.box_public_hex(signing.box_key_from_seed(seed))
    slot = KeySlot(
        username,
        role,
        kdf,
        salt,
        nonce,
        sealed,
        box_public,
        signing.signer_from_seed(username, seed).public_hex,
    )
    return rewrap(vault_id, slot, db_key)


def rewrap(vault_id: str, slot: KeySlot, db_key: bytes) -> KeySlot:
    """The same slot with a new database key sealed to it: no password needed (rekey)."""
    box = signing.seal_to(
        slot.box_public, db_key, _box_associated_data(vault_id, slot.username, slot.role)
    )
    return replace(slot, db_key_box=box)


def open_slot(vault_id: str, slot: KeySlot, password: str) -> SlotKeys:
    """The keys behind a slot, or VaultLocked when the password (or the slot's role) is wrong."""
    wrapping_key = slot.kdf.derive(password, slot.salt)
    aad = _associated_data(vault_id, slot.username, slot.role, slot.version)
    try:
        opened = AESGCM(wrapping_key).decrypt(slot.nonce, slot.sealed, aad)
    except InvalidTag as error:
        raise wrong_credentials() from error
    if slot.db_key_box is None:
        return SlotKeys(opened, None)
    try:
        db_key = signing.open_box(
            signing.box_key_from_seed(opened),
            slot.db_key_box,
            _box_associated_data(vault_id, slot.username, slot.role),
        )
    except ValueError as error:
        raise wrong_credentials() from error
    return SlotKeys(db_key, opened)


def wrong_credentials() -> VaultLocked:
    """The one message for a wrong name or password, so neither reveals which accounts exist."""
    return VaultLocked(
        "The username or password is wrong.",
        "Check both (and Caps Lock) and try again; after several failures each attempt waits "
        "longer. If you forgot your password, ask an administrator to reset it.",
    )


def spend_equal_time(kdf: Argon2Params, password: str) -> None:
    """Pay the Argon2 cost of a real attempt, so timing does not reveal unknown usernames."""
    kdf.derive(password, os.urandom(SALT_BYTES))


def _check_sizes(slot: KeySlot) -> None:
    """Refuse a slot that could only fail later with a library error instead of a clear one."""
    if len(slot.salt) < SALT_BYTES or len(slot.nonce) != NONCE_BYTES:
        raise ValueError(f"the slot of '{slot.username}' has a salt or nonce of the wrong size")
    if len(slot.sealed) != SEALED_BYTES:
        raise ValueError(f"the slot of '{slot.username}' holds a sealed key of the wrong size")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _slot_json(slot: KeySlot) -> dict[str, Any]:
    item: dict[str, Any] = {
        "username": slot.username,
        "role": str(slot.role),
        "kdf": slot.kdf.to_json(),
        "salt": _b64(slot.salt),
        "nonce": _b64(slot.nonce),
    }
    if slot.db_key_box is None:
        item["wrapped_key"] = _b64(slot.sealed)
    else:
        item.update(
            sealed_seed=_b64(slot.sealed),
            box_public=slot.box_public,
            signing_public=slot.signing_public,
            db_key_box=dict(slot.db_key_box),
        )
    return item


def _slot_from_json(item: Mapping[str, Any]) -> KeySlot:
    common = {
        "username": str(item["username"]),
        "role": Role(item["role"]),
        "kdf": Argon2Params.from_json(item["kdf"]),
        "salt": _unb64(item["salt"]),
        "nonce": _unb64(item["nonce"]),
    }
    if "wrapped_key" in item:
        slot = KeySlot(**common, sealed=_unb64(item["wrapped_key"]))
    else:
        box = {name: str(item["db_key_box"][name]) for name in ("ephemeral", "nonce", "sealed")}
        slot = KeySlot(
            **common,
            sealed=_unb64(item["sealed_seed"]),
            box_public=str(item["box_public"]),
            signing_public=str(item["signing_public"]),
            db_key_box=box,
        )
    _check_sizes(slot)
    return slot


@dataclass(slots=True)
class KeySlotFile:
    """The whole slot file: the vault it belongs to, the cost for new slots, the slots, and
    the database key sealed to the recovery key (present once the vault has been rekeyed)."""

    vault_id: str
    new_slot_kdf: Argon2Params
    slots: dict[str, KeySlot] = field(default_factory=dict)
    recovery_box: Mapping[str, str] | None = None

    def to_bytes(self) -> bytes:
        document: dict[str, Any] = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "vault_id": self.vault_id,
            "new_slot_kdf": self.new_slot_kdf.to_json(),
            "slots": [_slot_json(s) for s in sorted(self.slots.values(), key=lambda s: s.username)],
        }
        if self.recovery_box is not None:
            document["recovery_box"] = dict(self.recovery_box)
        return (json.dumps(document, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> KeySlotFile:
        document = json.loads(data)
        if (
            not isinstance(document, dict)
            or document.get("format") != FILE_FORMAT
            or document.get("version") not in (1, FILE_VERSION)
        ):
            raise ValueError("not a workstation key-slot file of a known version")
        slots = {}
        for item in document["slots"]:
            slot = _slot_from_json(item)
            slots[slot.username] = slot
        box = document.get("recovery_box")
        return cls(
            vault_id=str(document["vault_id"]),
            new_slot_kdf=Argon2Params.from_json(document["new_slot_kdf"]),
            slots=slots,
            recovery_box=None if box is None else {k: str(v) for k, v in dict(box).items()},
        )

    def save(self, path: Path) -> None:
        atomic_write(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        try:
            data = path.read_bytes()
        except OSError as error:  # missing, a folder, or not readable by this account
            raise KeyFileMissing(path) from error
        try:
            return cls.from_bytes(data)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise VaultCorrupt(
                f"The key file '{path}' is damaged ({error}).",
                advice="Restore the key file from a backup, or rebuild it with the recovery key "
                "('workstation vault recover').",
            ) from error
