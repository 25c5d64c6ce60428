"""Who may use the vault: roles, and the rules for usernames and passwords.

Usernames end up in audit rows, key-slot files and terminal output, so they are restricted to a
plain character set that cannot smuggle control characters or look-alike letters into them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from workstation.errors import PasswordRejected

MIN_PASSWORD_LENGTH = 12
#: zxcvbn's 0–4 scale: 3 means "safely unguessable: moderate protection from offline
#: slow-hash scenario" (about 10^8 guesses or more), which Argon2 makes expensive.
MIN_PASSWORD_SCORE = 3
#: Words a guesser tries first here: the program's, the ward's and the account's own names.
_CONTEXT_WORDS = ("workstation", "clinician", "clinic", "vault", "patient", "hospital", "ward")
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


def check_new_password(password: str, username: str = "") -> None:
    """Refuse passwords that a guesser would try early, with a reason the user can act on.

    Length first (at least 12), then zxcvbn's offline estimate, told the username and the
    words of this setting, so "carolcarol12", "aaaaaaaaaaaa" or "password1234" are refused.
    zxcvbn runs locally: nothing leaves the machine.
    """
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
    from zxcvbn import zxcvbn  # here: a second to import its word lists, needed only here

    context = [username, *re.split(r"[._@-]", username), *_CONTEXT_WORDS]
    # zxcvbn's cost grows with length; the first 100 characters decide the score anyway.
    result = zxcvbn(password[:100], user_inputs=[w for w in context if w])
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = result["feedback"].get("warning") or "It follows a pattern guessers try early."
        raise PasswordRejected(
            f"The password is too easy to guess: {warning.rstrip('.')}.",
            "Add another unrelated word or two; avoid your name, repeated characters, "
            "keyboard rows and the names of this ward or program.",
        )
