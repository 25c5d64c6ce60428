"""Who may use the vault: roles, and the rules for usernames and passwords.

Usernames end up in audit rows, key-slot files and terminal output, so they are restricted to a
plain character set that cannot smuggle control characters or look-alike letters into them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from workstation.errors import PasswordRejected

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class Role(enum.StrEnum):
    CLINICIAN = "clinician"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: Role
    created_at: str
    created_by: str


def check_username(username: str) -> str:
    """Return the username unchanged, or refuse one that could not be shown safely."""
    if not _USERNAME.fullmatch(username):
        raise PasswordRejected(
            f"The username '{username[:80]}' is not allowed.",
            "Use 1–64 letters, digits, dots, dashes, underscores or @, starting with a letter or "
            "digit.",
        )
    return username


def check_new_password(password: str) -> None:
    """Refuse passwords too short to resist guessing once the Argon2 cost is paid."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"The password has {len(password)} characters; at least {MIN_PASSWORD_LENGTH} are "
            "required.",
            "Choose a longer password; a few unrelated words are easy to remember.",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"The password has more than {MAX_PASSWORD_LENGTH} characters.",
            "Choose a shorter password.",
        )
