"""``workstation vault …``: the administrator's commands.

``add_parser(subparsers)`` registers the ``vault`` command on the main program's parser; every
leaf sets ``func`` to a handler that takes the parsed arguments and returns the exit status
(0 success, 1 a vault error, whose message is printed to stderr). ``python -m
workstation.vault.cli`` runs the same commands on their own. The handlers import ``Vault``
(SQLCipher, sqlite-utils, pandas) when they run: the main program builds this parser for
every command, ``workstation --version`` included, and must not pay for the engine.

Passwords are read with ``getpass`` (new ones twice), or with ``--password-stdin`` one per line
from standard input, in the order each command's help states, for scripts and tests. Passwords
are never accepted as arguments: they would end up in shell history and ``ps``.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from workstation.errors import VaultError
from workstation.vault.accounts import Role
from workstation.vault.keyslots import Argon2Params
from workstation.vault.location import ENV_VAR

if TYPE_CHECKING:
    from workstation.vault.vault import Vault

Handler = Callable[[argparse.Namespace], int]
_DEFAULT_KDF = Argon2Params()


class Prompter:
    """Where secrets come from: the terminal, or standard input for scripts."""

    def __init__(self, from_stdin: bool, stdin: TextIO | None = None) -> None:
        self.from_stdin = from_stdin
        self.stdin = stdin if stdin is not None else sys.stdin

    def secret(self, prompt: str) -> str:
        if not self.from_stdin:
            return getpass.getpass(prompt)
        line = self.stdin.readline()
        if not line:
            raise VaultError(
                f"Standard input ended before '{prompt.strip(': ')}' was read.",
                "With --password-stdin give one secret per line, in the order the command's "
                "help lists them.",
            )
        return line.rstrip("\r\n")

    def new_password(self, prompt: str) -> str:
        password = self.secret(prompt)
        if not self.from_stdin and getpass.getpass("Repeat it: ") != password:
            raise VaultError("The two passwords differ.", "Run the command again.")
        return password


def _prompter(args: argparse.Namespace) -> Prompter:
    return Prompter(args.password_stdin)


def _sign_in(args: argparse.Namespace, username: str, prompter: Prompter) -> Vault:
    from workstation.vault.vault import Vault

    vault = Vault(args.vault)
    vault.unlock(username, prompter.secret(f"Password for {username}: "))
    return vault


def _handles_errors(handler: Handler) -> Handler:
    """Print a vault error for the person at the terminal and turn it into exit status 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except VaultError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1

    return run


@_handles_errors
def init(args: argparse.Namespace) -> int:
    """Create a vault and its first administrator; print the recovery key once."""
    from workstation.vault.vault import Vault

    prompter = _prompter(args)
    password = prompter.new_password(f"New password for {args.admin}: ")
    kdf = Argon2Params(args.argon2_memory_kib, args.argon2_time_cost, args.argon2_parallelism)
    vault, recovery_key = Vault.create(args.vault, args.admin, password, kdf=kdf)
    location = vault.paths.database
    vault.close()
    print(f"Created the vault at {location} with administrator '{args.admin}'.")
    print()
    print("RECOVERY KEY (shown only now; write it down and keep it in a safe):")
    print(f"    {recovery_key}")
    print()
    print("It opens the vault and every backup of it if the key file is lost or every")
    print("administrator password is forgotten: treat it like the data itself.")
    print(f"Back up the key file {vault.paths.key_file} together with the database.")
    return 0


@_handles_errors
def adduser(args: argparse.Namespace) -> int:
    """Add an account (administrator password, then the new user's password)."""
    prompter = _prompter(args)
    with _sign_in(args, args.admin, prompter) as vault:
        password = prompter.new_password(f"New password for {args.username}: ")
        vault.add_user(args.username, password, Role(args.role))
    print(f"Added {args.role} '{args.username}'.")
    return 0


@_handles_errors
def passwd(args: argparse.Namespace) -> int:
    """Change your password (current, new), or reset another user's with --admin (admin's, new)."""
    from workstation.vault.vault import Vault

    prompter = _prompter(args)
    signer = args.admin or args.username
    signer_password = prompter.secret(f"Current password for {signer}: ")
    with Vault(args.vault) as vault:
        vault.unlock(signer, signer_password)
        password = prompter.new_password(f"New password for {args.username}: ")
        current = signer_password if signer == args.username else None
        vault.change_password(args.username, password, current_password=current)
    print(f"Changed the password of '{args.username}'.")
    return 0


@_handles_errors
def deluser(args: argparse.Namespace) -> int:
    """Remove an account and its key slot (administrator password)."""
    with _sign_in(args, args.admin, _prompter(args)) as vault:
        vault.remove_user(args.username)
    print(f"Removed '{args.username}' and re-encrypted the vault with a new key: their old")
    print("key slot no longer opens it (it still opens backups made before today: see README).")
    return 0


@_handles_errors
def users(args: argparse.Namespace) -> int:
    """List the accounts (administrator password)."""
    with _sign_in(args, args.admin, _prompter(args)) as vault:
        for user in vault.list_users():
            print(f"{user.username}\t{user.role}\tsince {user.created_at}")
    return 0


@_handles_errors
def verify(args: argparse.Namespace) -> int:
    """Check the audit chain, its signatures, every clinical row, the anchors and every
    database page (the user's password)."""
    with _sign_in(args, args.user, _prompter(args)) as vault:
        report = vault.verify(args.anchor)
    print(f"The vault is intact: {report.audit_rows} audit rows, last hash {report.audit_head}.")
    print(
        f"{report.signed_rows} rows signed, {report.anchors_checked} anchors matched"
        + (", and the exported anchor." if args.anchor else ".")
    )
    return 0


@_handles_errors
def export_anchor(args: argparse.Namespace) -> int:
    """Write the audit chain's head, signed, to a new file for the ward's own log server
    (the user's password); 'vault verify --anchor FILE' later compares against it."""
    with _sign_in(args, args.user, _prompter(args)) as vault:
        path = vault.export_anchor(args.destination)
        head = vault.chain_head()
    print(f"Anchor written to {path} (audit row {head.rows}, hash {head.hash}).")
    print("Keep it where people who can write the vault folder cannot change it.")
    return 0


@_handles_errors
def backup(args: argparse.Namespace) -> int:
    """Write an encrypted, verified backup (administrator password)."""
    with _sign_in(args, args.admin, _prompter(args)) as vault:
        info = vault.backup(args.destination)
    print(f"Backup written and verified: {info.database} and {info.key_file}")
    print(f"({info.audit_rows} audit rows, last hash {info.audit_head}; manifest {info.manifest}).")
    return 0


@_handles_errors
def restore(args: argparse.Namespace) -> int:
    """Replace the vault with a backup (the administrator's password in that backup)."""
    from workstation.vault.vault import Vault

    password = _prompter(args).secret(f"Password for {args.admin} in the backup: ")
    vault = Vault.restore(args.backup, args.vault, args.admin, password, force=args.force)
    location = vault.paths.database
    vault.close()
    print(f"Restored {args.backup} to {location}.")
    return 0


@_handles_errors
def recover(args: argparse.Namespace) -> int:
    """Rebuild the key file with the recovery key (recovery key, then new admin password)."""
    from workstation.vault.vault import Vault

    prompter = _prompter(args)
    recovery_key = prompter.secret("Recovery key: ")
    password = prompter.new_password(f"New password for {args.admin}: ")
    vault = Vault.recover(args.vault, recovery_key, args.admin, password)
    vault.close()
    print(f"'{args.admin}' can sign in again. Other users without a key slot need a password")
    print("reset: 'workstation vault passwd USER --admin ADMIN'.")
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--vault",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"vault database file (default: ${ENV_VAR}, else the user data folder)",
    )
    common.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords (and the recovery key) from standard input, one per line",
    )
    return common


def _command(
    commands: Any, name: str, handler: Handler, common: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name, parents=[common], help=handler.__doc__, description=handler.__doc__
    )
    parser.set_defaults(func=handler)
    return parser


def add_parser(subparsers: Any) -> None:
    """Register ``vault`` and its commands on the main program's ``add_subparsers()`` object."""
    vault = subparsers.add_parser(
        "vault",
        help="create and administer the encrypted vault",
        description="Create and administer the encrypted vault.",
    )
    commands = vault.add_subparsers(dest="vault_command", required=True, metavar="COMMAND")
    common = _common_options()

    parser = _command(commands, "init", init, common)
    parser.add_argument("--admin", required=True, help="username of the first administrator")
    for field, what in (
        ("memory_kib", "memory per password in KiB"),
        ("time_cost", "passes"),
        ("parallelism", "lanes"),
    ):
        parser.add_argument(
            f"--argon2-{field.replace('_', '-')}",
            type=_positive_int,
            default=getattr(_DEFAULT_KDF, field),
            help=f"Argon2id {what}",
        )

    parser = _command(commands, "adduser", adduser, common)
    parser.add_argument("username")
    parser.add_argument("--role", choices=[str(r) for r in Role], default=str(Role.CLINICIAN))
    parser.add_argument("--admin", required=True, help="administrator who authorises it")

    parser = _command(commands, "passwd", passwd, common)
    parser.add_argument("username")
    parser.add_argument("--admin", help="reset as this administrator instead of as the user")

    parser = _command(commands, "deluser", deluser, common)
    parser.add_argument("username")
    parser.add_argument("--admin", required=True, help="administrator who authorises it")

    parser = _command(commands, "users", users, common)
    parser.add_argument("--admin", required=True, help="administrator signing in")

    parser = _command(commands, "verify", verify, common)
    parser.add_argument("--user", required=True, help="user signing in (any role)")
    parser.add_argument(
        "--anchor", type=Path, default=None, help="an anchor exported earlier, to compare with"
    )

    parser = _command(commands, "export-anchor", export_anchor, common)
    parser.add_argument("destination", type=Path, help="new file for the exported anchor")
    parser.add_argument("--user", required=True, help="user signing in (any role)")

    parser = _command(commands, "backup", backup, common)
    parser.add_argument("destination", type=Path, help="new backup file (NAME and NAME.keys)")
    parser.add_argument("--admin", required=True, help="administrator signing in")

    parser = _command(commands, "restore", restore, common)
    parser.add_argument("backup", type=Path, help="backup file written by 'vault backup'")
    parser.add_argument("--admin", required=True, help="an administrator in the backup")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing vault (its files are moved aside, not deleted)",
    )

    parser = _command(commands, "recover", recover, common)
    parser.add_argument(
        "--admin", required=True, help="administrator to give a new password (created if new)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workstation")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
