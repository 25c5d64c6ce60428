"""Who wrote an audit row: Ed25519 keys, one per user, and the recovery key's two key pairs.

Each user's keys derive from a 32-byte seed that lives only inside that user's key slot,
sealed under the key their password derives (keyslots.py), so a row signed with it can only
come from a program in which that password was typed. The public keys are introduced by
signed audit rows (``key:`` in the detail), so the chain itself says which key belonged to
whom and since when; the anchor file pins the first one (anchors.py).

The seed also gives an X25519 key pair: the database key is sealed to its public half, so an
administrator can hand a new database key to every remaining slot after a removal without
knowing anyone's password. The recovery key works the same way: both of its key pairs are
derived from the recovery secret (never from the database key; HKDF is one-way), an Ed25519
pair to sign its rows and an X25519 pair to which a new database key is sealed.

The same user key signs the reports a user exports (``DetachedSignature``): the signed message
names the file's SHA-256, the signer, their public key and the time, under a context string of
its own, so a report signature can never pass for an audit row's or an anchor's.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEED_BYTES = 32
#: The name the recovery key's rows and anchors carry (not an account: no one signs in as it).
RECOVERY_ACTOR = "(recovery key)"
_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_KEY_IN_DETAIL = re.compile(r"\bkey:([0-9a-f]{64})\b")
#: The context of a report signature's message; a new message layout gets a new version.
DOCUMENT_CONTEXT = "workstation-report-signature/v1"


@dataclass(frozen=True, slots=True)
class Signer:
    """A user (or the recovery key) able to sign audit rows and anchors."""

    username: str
    private_key: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return self.private_key.public_key().public_bytes(_RAW, _RAW_PUBLIC).hex()

    def sign(self, message: bytes) -> str:
        return self.private_key.sign(message).hex()


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def new_seed() -> bytes:
    """A user's 32 random bytes, sealed in their key slot; both key pairs derive from it."""
    return os.urandom(SEED_BYTES)


def signer_from_seed(username: str, seed: bytes) -> Signer:
    raw = _derive(seed, b"workstation-vault/user-signing/v1")
    return Signer(username, Ed25519PrivateKey.from_private_bytes(raw))


def box_key_from_seed(seed: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_derive(seed, b"workstation-vault/user-box/v1"))


def recovery_signer(secret: bytes, actor: str) -> Signer:
    """The recovery key's signing key (its rows and anchors are signed with it)."""
    raw = _derive(secret, b"workstation-vault/recovery-signing/v1")
    return Signer(actor, Ed25519PrivateKey.from_private_bytes(raw))


def recovery_box_key(secret: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(
        _derive(secret, b"workstation-vault/recovery-box/v1")
    )


def box_public_hex(private_key: X25519PrivateKey) -> str:
    return private_key.public_key().public_bytes(_RAW, _RAW_PUBLIC).hex()


def verify(public_key_hex: str, signature_hex: str, message: bytes) -> bool:
    """True when ``signature_hex`` is that key's signature of ``message``; never raises."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, InvalidSignature):
        return False
    return True


def key_in_detail(detail: str) -> str | None:
    """The public key an audit row introduces (``key:<64 hex>`` in its detail), if any."""
    match = _KEY_IN_DETAIL.search(detail)
    return None if match is None else match.group(1)


def _box_key(shared: bytes, ephemeral_public: bytes) -> bytes:
    return _derive(shared + ephemeral_public, b"workstation-vault/sealed-box/v1")


def seal_to(recipient_public_hex: str, plaintext: bytes, associated: bytes) -> dict[str, str]:
    """Encrypt for the holder of one X25519 private key alone (ephemeral ECDH, AES-GCM)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    recipient = X25519PublicKey.from_public_bytes(bytes.fromhex(recipient_public_hex))
    nonce = os.urandom(12)
    sealed = AESGCM(_box_key(ephemeral.exchange(recipient), ephemeral_public)).encrypt(
        nonce, plaintext, associated
    )
    return {"ephemeral": ephemeral_public.hex(), "nonce": nonce.hex(), "sealed": sealed.hex()}


def open_box(private_key: X25519PrivateKey, box: Mapping[str, str], associated: bytes) -> bytes:
    """The plaintext of a ``seal_to`` box; ``ValueError`` when it was not sealed to this key."""
    try:
        ephemeral_public = bytes.fromhex(box["ephemeral"])
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        return AESGCM(_box_key(shared, ephemeral_public)).decrypt(
            bytes.fromhex(box["nonce"]), bytes.fromhex(box["sealed"]), associated
        )
    except (KeyError, TypeError, InvalidTag) as error:
        raise ValueError("the sealed key does not open with this key") from error


@dataclass(frozen=True, slots=True)
class DetachedSignature:
    """One user's Ed25519 signature over a file's SHA-256 at a time (``reports.signature``
    writes it beside the PDF and checks it)."""

    signer: str
    public_key: str
    sha256: str
    signed_at: str
    signature: str

    def message(self) -> bytes:
        return document_message(self.sha256, self.signer, self.public_key, self.signed_at)

    def is_valid(self) -> bool:
        """True when the signature is this key's over these fields; never raises."""
        return verify(self.public_key, self.signature, self.message())


def document_message(sha256: str, signer: str, public_key: str, signed_at: str) -> bytes:
    """What a report signature signs: every field it states, so none can be swapped alone."""
    return json.dumps([DOCUMENT_CONTEXT, sha256, signer, public_key, signed_at]).encode("utf-8")


def sign_document(signer: Signer, sha256: str, signed_at: str) -> DetachedSignature:
    public = signer.public_hex
    signature = signer.sign(document_message(sha256, signer.username, public, signed_at))
    return DetachedSignature(signer.username, public, sha256, signed_at, signature)
