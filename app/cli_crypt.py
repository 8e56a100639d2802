"""`branchdesk encrypt` / `branchdesk decrypt`, and the passphrase for every command that
opens an encrypted store (app/crypt_store.py: SQLCipher, the `encryption` extra).

The passphrase comes from BRANCHDESK_PASSPHRASE (scripts, tests) or, when standard input
is a terminal, from a prompt that does not echo. Kept as light as app.cli at import time.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app.cli import EXIT_OK, CliError
from app.i18n import _

ENV_PASSPHRASE = "BRANCHDESK_PASSPHRASE"  # = app.crypt_store.ENV_PASSPHRASE
_typed: list[str] = []  # the passphrase typed at the prompt in this run


def add_encryption_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    enc = commands.add_parser(
        "encrypt",
        help="encrypt the data file with a branch passphrase (SQLCipher; "
        f"the passphrase from {ENV_PASSPHRASE} or asked twice)",
    )
    enc.set_defaults(handler=_encrypt)
    dec = commands.add_parser(
        "decrypt", help="turn an encrypted data file back into a plain one (needs the passphrase)"
    )
    dec.set_defaults(handler=_decrypt)


def _is_encrypted(path: Path | None) -> bool:
    if path is None or not path.is_file():
        return False
    from app.crypt_store import is_encrypted

    return is_encrypted(path)


def read_passphrase(prompt: str, *, confirm: bool = False, missing: str | None = None) -> str:
    """From BRANCHDESK_PASSPHRASE, or asked on the terminal (twice with `confirm`);
    without either, CliError(`missing`)."""
    from_env = os.environ.get(ENV_PASSPHRASE)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError(
            missing
            or _("The passphrase is needed: set {env} or run the command in a terminal.").format(
                env=ENV_PASSPHRASE
            )
        )
    if not confirm and _typed:
        return _typed[0]  # asked once per run (restore opens the store again afterwards)
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Once more, to be sure: ")) != first:
        raise CliError(_("The two passphrases differ; nothing was changed."))
    _typed[:] = [first]
    return first


def passphrase_for(*paths: Path | None) -> str | None:
    """The passphrase when any of `paths` is an encrypted file; None when all are plain
    (then nothing is asked)."""
    encrypted = [p for p in paths if p is not None and _is_encrypted(p)]
    if not encrypted:
        return None
    missing = _(
        "{path} is encrypted: set {env} to the branch passphrase, or run the command in a "
        "terminal to type it."
    ).format(path=encrypted[0], env=ENV_PASSPHRASE)
    return read_passphrase(_("Passphrase of the data file: "), missing=missing)


def _store_path(args: argparse.Namespace) -> Path:
    from app.config import resolve_store_url
    from app.db import sqlite_path

    path = sqlite_path(resolve_store_url(args.db))
    if path is None:
        raise CliError(_("Only a SQLite data file can be encrypted; the server has its own."))
    if not path.is_file():
        raise CliError(_("There is no data file at {path}.").format(path=path))
    return path


def _encrypt(args: argparse.Namespace) -> int:
    from app import crypt_store

    path = _store_path(args)
    crypt_store.dbapi()  # says how to install encryption before asking anything
    if crypt_store.is_encrypted(path):
        raise CliError(_("The data file {path} is already encrypted.").format(path=path))
    passphrase = read_passphrase(_("New passphrase for the data file: "), confirm=True)
    kept = crypt_store.encrypt_store(path, passphrase)
    print(_("The data file {path} is now encrypted.").format(path=path))
    print(
        _(
            "The unencrypted copy {kept} was kept in case something went wrong: delete it "
            "once BranchDesk opens the encrypted file. Older backups in {folder} are not "
            "encrypted; new ones are."
        ).format(kept=kept, folder=path.parent / "backups")
    )
    print(
        _("Keep the passphrase safe: without it the data cannot be read by anyone, including you.")
    )
    return EXIT_OK


def _decrypt(args: argparse.Namespace) -> int:
    from app import crypt_store

    path = _store_path(args)
    if not crypt_store.is_encrypted(path):
        raise CliError(_("The data file {path} is not encrypted.").format(path=path))
    passphrase = read_passphrase(_("Passphrase of the data file: "))
    kept = crypt_store.decrypt_store(path, passphrase)
    print(_("The data file {path} is no longer encrypted.").format(path=path))
    print(_("The encrypted copy is kept in {kept}.").format(kept=kept))
    return EXIT_OK
