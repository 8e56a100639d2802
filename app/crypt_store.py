"""Confidentiality at rest (opt-in): the store, and its backups, encrypted with SQLCipher.

SQLCipher (https://www.zetetic.net/sqlcipher/) encrypts every page of the SQLite file with
AES-256 and authenticates it with HMAC-SHA512; the Python driver is `sqlcipher3`, from the
`sqlcipher3-wheels` package (the `encryption` extra). Without it the app works as before on
plain stores and says so when asked to open or make an encrypted one.

The key. SQLCipher 4 turns a passphrase given to `PRAGMA key` into the page key with
PBKDF2-HMAC-SHA512, 256,000 iterations, over a random 16-byte salt it keeps as the first
16 bytes of the file. We use exactly that key, but derive it once per store in Python
(hashlib's PBKDF2 with the file's salt) and hand SQLCipher the raw key: otherwise every
new pooled connection (and each backup) would pay the stretching again (~0.15-0.2 s).
The file stays a standard SQLCipher 4 file: `PRAGMA key = 'passphrase'` in any SQLCipher
tool (sqlcipher shell, DB Browser for SQLite) opens it. Backups are written with the same
key and salt, so the branch passphrase opens them too. We did not use argon2 for the
key: its salt would have to live outside the database (a side file that a backup can
lose); PBKDF2 at 256,000 rounds of SHA-512 is SQLCipher's own, audited default.

Like app/db.py this module knows SQLite; services never import it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from app.db import StoreError
from app.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KDF_ITER = 256_000  # SQLCipher 4's default; the derived key is SQLCipher's own
KEY_BYTES = 32
ENV_PASSPHRASE = "BRANCHDESK_PASSPHRASE"
MIN_PASSPHRASE = 8
EXTRA_HINT = "pip install 'branchdesk[encryption]'"


class CryptError(StoreError):
    """Encryption cannot be used as asked; the message is for the user."""


class EncryptionUnavailable(CryptError):
    pass


class PassphraseRequired(CryptError):
    """The file is encrypted and no passphrase was given."""


class WrongPassphrase(CryptError):
    """The passphrase does not open the file (or the file is not a store at all)."""


@cache
def _driver() -> ModuleType | None:
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return None
    # SQLCipher logs every failed page decryption (a wrong passphrase) to stderr; the
    # user gets our message instead.
    conn = dbapi2.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()
    return dbapi2


def available() -> bool:
    return _driver() is not None


def dbapi() -> ModuleType:
    """The sqlcipher3 DB-API module; EncryptionUnavailable when it is not installed."""
    driver = _driver()
    if driver is None:
        raise EncryptionUnavailable(
            _(
                "Encryption needs the SQLCipher driver, which is not installed. "
                "Install it with: {command}"
            ).format(command=EXTRA_HINT)
        )
    return driver


def db_errors() -> tuple[type[Exception], ...]:
    """DatabaseError of both drivers (sqlcipher3's does not derive from sqlite3's).
    sqlcipher3 is not imported for this: until it is loaded it raises nothing."""
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    return (sqlite3.DatabaseError, cipher.DatabaseError) if cipher else (sqlite3.DatabaseError,)


def _header(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER))


def is_encrypted(path: Path) -> bool:
    """Does `path` look like an SQLCipher file: not plain SQLite, a whole number of pages?

    An SQLCipher file begins with its random salt where SQLite writes its header; its
    size is a multiple of the page size (4096). A stray text file rarely is both."""
    try:
        size = path.stat().st_size
        if size == 0 or size % 512 or not path.is_file():
            return False
        return _header(path) != SQLITE_HEADER
    except OSError:
        return False


@lru_cache(maxsize=8)
def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITER, KEY_BYTES)


def _salt_of(path: Path) -> bytes | None:
    """The salt of an existing encrypted file; None for a missing or empty one."""
    try:
        if path.stat().st_size == 0:
            return None
        return _header(path)[:SALT_BYTES]
    except FileNotFoundError:
        return None


def key_literal(passphrase: str, salt: bytes, *, with_salt: bool = False) -> str:
    """SQLCipher's raw-key form: x'<key>' for a file that has this salt, x'<key><salt>'
    to give a new file this salt (the file then opens with the passphrase as usual)."""
    key = _derive(passphrase, salt).hex()
    return f"x'{key}{salt.hex() if with_salt else ''}'"


def connect(
    path: Path,
    passphrase: str,
    *,
    salt: bytes | None = None,
    read_only: bool = False,
    immutable: bool = False,
    **kwargs: Any,
) -> Any:
    """An sqlcipher3 connection to the encrypted file at `path`, keyed and checked.

    A new (missing or empty) file gets `salt` (default: a random one). WrongPassphrase
    when the key does not decrypt the file."""
    driver = dbapi()
    file_salt = _salt_of(path)
    if read_only or immutable:
        params = "mode=ro" + ("&immutable=1" if immutable else "")
        conn = driver.connect(f"{path.resolve().as_uri()}?{params}", uri=True, **kwargs)
    else:
        conn = driver.connect(str(path), **kwargs)
    try:
        if file_salt is None:
            literal = key_literal(passphrase, salt or os.urandom(SALT_BYTES), with_salt=True)
        else:
            literal = key_literal(passphrase, file_salt)
        # A key literal is hex digits only: nothing in it can break out of the quotes.
        conn.execute(f'PRAGMA key = "{literal}"')
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except driver.DatabaseError as exc:
            raise WrongPassphrase(wrong_passphrase_message(path)) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def wrong_passphrase_message(path: Path) -> str:
    return _(
        "The passphrase does not open {path} (or the file is not a BranchDesk data file). "
        "Nothing was changed."
    ).format(path=path)


def required_message(path: Path) -> str:
    return _("This data file is encrypted; enter the passphrase. ({path})").format(path=path)


def salt_of(path: Path) -> bytes:
    salt = _salt_of(path)
    assert salt is not None
    return salt


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptError(
            _("The passphrase must have at least {n} characters.").format(n=MIN_PASSPHRASE)
        )


# --- encrypt / decrypt a store -----------------------------------------------------------


def _fsync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _export(source: Any, target: Path, key: str) -> None:
    """SQLCipher's sqlcipher_export: the whole database (schema, rows, user_version)
    into a new file attached with `key` ('' = plain SQLite)."""
    # The path goes in as a bound parameter; the key is hex or empty.
    source.execute(f'ATTACH DATABASE ? AS target KEY "{key}"', (str(target),))
    try:
        # The new file is thrown away on any failure and flushed once when complete,
        # so it needs no journal and no flush per statement (1.2 s -> 0.1 s here).
        source.execute("PRAGMA target.journal_mode = OFF")
        source.execute("PRAGMA target.synchronous = OFF")
        source.execute("SELECT sqlcipher_export('target')").fetchall()
    finally:
        source.execute("DETACH DATABASE target")


def _verify(target: Path, passphrase: str | None) -> None:
    conn = connect(target, passphrase) if passphrase is not None else dbapi().connect(str(target))
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    if verdict != "ok":
        raise CryptError(_("The new file failed its integrity check: {v}").format(v=verdict))
    if tables and "alembic_version" not in tables:
        raise CryptError(_("The new file is not a BranchDesk data file."))


def _source(path: Path, passphrase: str | None) -> Any:
    conn = connect(path, passphrase) if passphrase else dbapi().connect(str(path))
    conn.isolation_level = None
    return conn


def _in_use() -> CryptError:
    return CryptError(_("The data file is in use (is BranchDesk open?). Close it and try again."))


def _convert(path: Path, old: str | None, new: str | None, label: str) -> Path:
    """Rewrite the store at `path` from passphrase `old` to `new` (None = plain SQLite):
    exported into a new file beside it, checked, flushed, then renamed over the store.
    The store as it was is first copied aside through the backup API; that copy is
    returned. Any failure leaves the store as it was.

    The caller holds the store's writer lock (app/storelock.py; the CLI's run() takes it
    for every writing command): a connection left open on the old file would go on
    writing to it after the rename."""
    from app.db import copy_aside

    if not path.is_file():
        raise CryptError(_("There is no data file at {path}.").format(path=path))
    errors = db_errors()
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    try:
        src = _source(path, old)
        try:
            key = "" if new is None else key_literal(new, os.urandom(SALT_BYTES), with_salt=True)
            _export(src, part, key)
        finally:
            src.close()
        # Closing the last connection folds the -wal into the file and deletes it; one
        # left behind belongs to another connection, and must not meet the new file.
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise _in_use()
        _verify(part, new)
        kept = copy_aside(path, label, passphrase=old)
        _fsync(part)
        os.replace(part, path)
        _fsync_dir(path.parent)
    except errors as exc:
        part.unlink(missing_ok=True)
        if "locked" in str(exc) or "busy" in str(exc):
            raise _in_use() from None
        raise CryptError(
            _("Cannot rewrite {path}: {reason}").format(path=path, reason=exc)
        ) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return kept


def encrypt_store(path: Path, passphrase: str) -> Path:
    """Encrypt the plain store at `path`; returns the plain copy kept aside (the caller
    tells the user to delete it once the encrypted store is known to open)."""
    dbapi()
    check_passphrase(passphrase)
    if is_encrypted(path):
        raise CryptError(_("The data file {path} is already encrypted.").format(path=path))
    return _convert(path, None, passphrase, "before-encrypt")


def decrypt_store(path: Path, passphrase: str) -> Path:
    """Turn the encrypted store at `path` back into plain SQLite; returns the encrypted
    copy kept aside."""
    dbapi()
    if not is_encrypted(path):
        raise CryptError(_("The data file {path} is not encrypted.").format(path=path))
    return _convert(path, passphrase, None, "before-decrypt")
