"""The recovery key, and why the database key is derived from it.

Design: the recovery key is a random 256-bit secret shown once, at creation, as grouped
base32 with a 16-bit checksum. The database key is HKDF-SHA256 of that secret (a
domain-separated derivation, so the key SQLCipher sees is never the printed text itself).
It is still 256 random bits and never comes from a password.

Why not a recovery-wrapped copy of the database key in a second file? Recovery exists for the
day the key-slot file is lost; a sidecar beside it is likely to be lost with it (same folder,
same disk, same forgotten backup rule). Deriving the key means recovery needs only the printed
key and the database file, including any backup of that database. Removing a user re-encrypts the
database with a new random key (``PRAGMA rekey``); that key is then sealed to the recovery
key's X25519 public key (signing.py) in the key file and the anchor file, so the same printed
recovery key keeps working. The recovery key itself cannot be changed: an administrator who
suspects the printout leaked must create a new vault and move the data. The printout is
as sensitive as the database key and must be kept like one (sealed envelope, safe).
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workstation.errors import InvalidRecoveryKey

SECRET_BYTES = 32
CHECKSUM_BYTES = 2
GROUP = 5
_HKDF_INFO = b"workstation-vault/database-key/v1"
#: Associated data of the database key sealed to the recovery key after a rekey (signing.py).
BOX_CONTEXT = b"workstation-vault/recovery-box/database-key/v1"
# Digits a reader is likely to type for the base32 letters they resemble.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_recovery_secret() -> bytes:
    return os.urandom(SECRET_BYTES)


def database_key(secret: bytes) -> bytes:
    """The 256-bit SQLCipher key that belongs to a recovery secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret)


def _checksum(secret: bytes) -> bytes:
    return hashlib.sha256(b"workstation-recovery-checksum" + secret).digest()[:CHECKSUM_BYTES]


def format_recovery_key(secret: bytes) -> str:
    """Grouped base32 (A–Z, 2–7) a person can copy onto paper and type back in."""
    text = base64.b32encode(secret + _checksum(secret)).decode("ascii").rstrip("=")
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def parse_recovery_key(text: str) -> bytes:
    """The secret behind a typed recovery key; a typo is reported as such, not as a wrong key."""
    compact = "".join(ch for ch in text.upper() if ch not in " -\t\r\n").translate(_LOOKALIKES)
    expected = len(format_recovery_key(bytes(SECRET_BYTES)).replace("-", ""))
    if len(compact) != expected:
        raise InvalidRecoveryKey(
            f"The recovery key has {len(compact)} letters and digits; it should have {expected}."
        )
    padded = compact + "=" * (-len(compact) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError as error:
        raise InvalidRecoveryKey(
            "The recovery key contains characters that cannot be in it."
        ) from error
    secret, checksum = raw[:SECRET_BYTES], raw[SECRET_BYTES:]
    if _checksum(secret) != checksum:
        raise InvalidRecoveryKey("The recovery key has a typo (its checksum does not match).")
    return secret
