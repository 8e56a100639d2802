"""Backups of a SQLite store (issue 6, first part).

A backup is made through SQLite's online backup API, never a file copy of a live store
(a copy taken mid-write can be torn, and misses what is still in the WAL file). It is
written beside its target, must pass `PRAGMA integrity_check`, is flushed to disk, and
only then renamed into place: a full disk or a crash leaves the previous backup intact.

The backup folder is thinned as Anki does: the newest backup of each of the last 12 days,
10 weeks and 9 months is kept; everything else goes.

Like app/db.py, this module knows SQLite; services never import it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.i18n import _

NAME_PREFIX = "branchdesk-"
NAME_SUFFIX = ".sqlite3"
STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(Exception):
    """The backup could not be made; the message is for the user (already translated)."""


@dataclass(frozen=True)
class Retention:
    daily: int = 12
    weekly: int = 10
    monthly: int = 9


def backup_name(at: datetime) -> str:
    return f"{NAME_PREFIX}{at.astimezone(UTC).strftime(STAMP)}{NAME_SUFFIX}"


def parse_name(name: str) -> datetime | None:
    """When a backup named by `backup_name` was made; None for any other file."""
    if not (name.startswith(NAME_PREFIX) and name.endswith(NAME_SUFFIX)):
        return None
    try:
        stamp = datetime.strptime(name[len(NAME_PREFIX) : -len(NAME_SUFFIX)], STAMP)
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _cipher_errors() -> tuple[type[Exception], ...]:
    cipher = sys.modules.get("sqlcipher3.dbapi2")  # loaded only for an encrypted file
    return (sqlite3.DatabaseError, cipher.DatabaseError) if cipher else (sqlite3.DatabaseError,)


def _connect(path: Path, passphrase: str | None, *, read_only: bool = False) -> Any:
    """sqlite3 for a plain file; for an encrypted one SQLCipher keyed with the passphrase
    (BackupError without it, or with a wrong one)."""
    from app import crypt_store

    if not crypt_store.is_encrypted(path):
        if read_only:
            return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        return sqlite3.connect(path)
    try:
        if passphrase is None:
            crypt_store.dbapi()  # says how to install encryption, when it is not
            raise BackupError(
                _("{path} is encrypted; the branch passphrase is needed.").format(path=path)
            )
        return crypt_store.connect(path, passphrase, immutable=read_only)
    except crypt_store.CryptError as exc:
        raise BackupError(str(exc)) from None


def _connect_pair(
    source: Path, target: Path, passphrase: str | None, *, read_only: bool = False
) -> tuple[Any, Any]:
    """Connections to copy `source` into `target` with the backup API. Both are SQLCipher
    connections when either file is encrypted (the API copies only within one library);
    a new `target` is encrypted like `source`, with its key and salt (the passphrase
    opens it), and an existing one keeps its own state."""
    from app import crypt_store

    src_encrypted = crypt_store.is_encrypted(source)
    target_new = not target.exists() or target.stat().st_size == 0
    if not src_encrypted and not crypt_store.is_encrypted(target):
        src = _connect(source, None, read_only=read_only)
        return src, sqlite3.connect(target)
    src = _connect(source, passphrase, read_only=read_only) if src_encrypted else None
    try:
        if src is None:  # a plain backup into an encrypted store
            src = crypt_store.dbapi().connect(
                f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True
            )
        if src_encrypted and target_new:
            dst = crypt_store.connect(target, str(passphrase), salt=crypt_store.salt_of(source))
        elif crypt_store.is_encrypted(target):
            dst = _connect(target, passphrase)
        else:  # an encrypted backup restored into a plain store stays plain: the store decides
            dst = crypt_store.dbapi().connect(str(target))
    except crypt_store.CryptError as exc:
        if src is not None:
            src.close()
        raise BackupError(str(exc)) from None
    except BaseException:
        if src is not None:
            src.close()
        raise
    return src, dst


def _reason(exc: BaseException) -> str:
    """Why a backup failed, in the user's language when the disk is to blame (SQLite and
    the OS give English text: "database or disk is full", "Input/output error")."""
    text = str(exc).lower()
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "disk is full" in text:
        return _("the disk is full")
    if code == errno.EIO or "i/o error" in text:
        return _("the disk reported an error (I/O error)")
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def backup_file(source: Path, target: Path, *, passphrase: str | None = None) -> Path:
    """Copy the store at `source` to `target` through the backup API; all or nothing.
    An encrypted store needs its passphrase and gives an encrypted backup (same key)."""
    if not source.is_file():
        raise BackupError(_("There is no data file at {path}.").format(path=source))
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        src, dst = _connect_pair(source, part, passphrase)
        try:
            try:
                src.backup(dst)
                verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if verdict != "ok":
            raise BackupError(
                _("The backup of {path} failed its integrity check: {verdict}").format(
                    path=source, verdict=verdict
                )
            )
        with part.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
        _fsync_dir(target.parent)
    except _cipher_errors() as exc:
        part.unlink(missing_ok=True)
        raise BackupError(
            _("Cannot back up {path}: {reason}").format(path=source, reason=_reason(exc))
        ) from None
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise BackupError(
            _("Cannot write the backup {path}: {reason}").format(path=target, reason=_reason(exc))
        ) from None
    except BackupError:
        part.unlink(missing_ok=True)
        raise
    return target


def keep(stamps: Iterable[datetime], retention: Retention = Retention()) -> set[datetime]:
    """Which backups to keep: the newest of each of the last `daily` days, `weekly` ISO
    weeks and `monthly` months that have a backup (days, weeks and months in UTC)."""
    days: set[object] = set()
    weeks: set[object] = set()
    months: set[object] = set()
    kept: set[datetime] = set()
    for at in sorted(stamps, reverse=True):
        day = at.date()
        week = day.isocalendar()[:2]
        month = (day.year, day.month)
        for seen, key, limit in (
            (days, day, retention.daily),
            (weeks, week, retention.weekly),
            (months, month, retention.monthly),
        ):
            if key not in seen and len(seen) < limit:
                seen.add(key)
                kept.add(at)
    return kept


def backups_in(folder: Path) -> dict[datetime, Path]:
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        at = parse_name(path.name)
        if at is not None and path.is_file():
            found[at] = path
    return found


def thin(folder: Path, retention: Retention = Retention()) -> list[Path]:
    """Delete the backups the rotation does not keep; returns what was deleted."""
    found = backups_in(folder)
    kept = keep(found, retention)
    gone = [path for at, path in sorted(found.items()) if at not in kept]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def make_backup(
    source: Path,
    folder: Path,
    now: datetime | None = None,
    retention: Retention = Retention(),
    *,
    passphrase: str | None = None,
) -> Path:
    """A new backup in `folder`, then the folder thinned."""
    at = (now or datetime.now(UTC)).replace(microsecond=0)
    target = backup_file(source, folder / backup_name(at), passphrase=passphrase)
    thin(folder, retention)
    return target


# --- restore -----------------------------------------------------------------------------

# The tables a restore preview counts: what the user recognises their data by.
PREVIEW_TABLES = ("staff", "meeting", "punch", "customer", "weekly_summary")


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, shown before it replaces the current data."""

    path: Path
    made_at: datetime | None  # from the file name, when it is one of ours
    revision: str
    branches: list[str]
    counts: dict[str, int]


def _open_read_only(path: Path, passphrase: str | None = None) -> Any:
    # immutable: a backup is not being written; SQLite then needs no -wal/-shm beside it.
    return _connect(path, passphrase, read_only=True)


def describe(path: Path, *, passphrase: str | None = None) -> BackupInfo:
    """Check a backup (readable, intact, ours, not from a newer version) and say what it
    holds; BackupError otherwise. An encrypted backup needs the branch passphrase."""
    from app.db import known_revisions  # Alembic: only when a restore is asked for

    if not path.is_file():
        raise BackupError(_("There is no backup file at {path}.").format(path=path))
    try:
        conn = _open_read_only(path, passphrase)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if verdict != "ok" or "alembic_version" not in tables:
                revision = None
            else:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            branches = (
                [r[0] for r in conn.execute("SELECT name FROM branch ORDER BY id")]
                if "branch" in tables
                else []
            )
            counts = {
                t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in PREVIEW_TABLES
                if t in tables
            }
        finally:
            conn.close()
    except _cipher_errors() as exc:
        raise BackupError(
            _("{path} is not a usable backup: {reason}").format(path=path, reason=exc)
        ) from None
    if verdict != "ok":
        raise BackupError(
            _("{path} is damaged (integrity check: {verdict}).").format(path=path, verdict=verdict)
        )
    if revision is None:
        raise BackupError(_("{path} is not a BranchDesk backup.").format(path=path))
    if revision not in known_revisions():
        raise BackupError(
            _("{path} was made by a newer version of BranchDesk; update the app first.").format(
                path=path
            )
        )
    return BackupInfo(path, parse_name(path.name), revision, branches, counts)


def restore(
    backup_path: Path, store_path: Path, folder: Path, *, passphrase: str | None = None
) -> tuple[BackupInfo, Path | None]:
    """Replace the store's contents with a backup's. The backup is checked first and the
    current store is itself backed up into `folder`; the copy goes through the backup API
    into the live file, in one transaction: it happens whole or not at all. The caller
    opens the store afterwards (an older backup is then migrated as usual).
    Encryption: the store keeps its own (restore does not encrypt or decrypt it); a new
    store restored from an encrypted backup is encrypted like it. One branch passphrase
    serves the backup and the store."""
    info = describe(backup_path, passphrase=passphrase)
    # The safety copy is not followed by thinning: that would delete the backup being
    # restored whenever it is from today (only the newest of a day is kept).
    at = datetime.now(UTC).replace(microsecond=0)
    if (folder / backup_name(at)).resolve() == backup_path.resolve():
        at += timedelta(seconds=1)  # restoring a backup made this very second: keep it
    safety = (
        backup_file(store_path, folder / backup_name(at), passphrase=passphrase)
        if store_path.exists()
        else None
    )
    try:
        store_path.parent.mkdir(parents=True, exist_ok=True)
        src, dst = _connect_pair(backup_path, store_path, passphrase, read_only=True)
        try:
            try:
                src.backup(dst)
                verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except _cipher_errors() as exc:
        raise BackupError(
            _("Cannot restore into {path}: {reason}").format(path=store_path, reason=exc)
        ) from None
    if verdict != "ok":
        raise BackupError(
            _("The restored data failed its integrity check: {verdict}").format(verdict=verdict)
        )
    return info, safety


def restore_over_damaged(
    backup_path: Path, store_path: Path, *, passphrase: str | None = None
) -> tuple[BackupInfo, Path | None]:
    """Restore into the place of a damaged store. A damaged file cannot be backed up (its
    copy fails the integrity check), so it is moved aside as it is, with its -wal and
    -shm files, for whoever wants to look at it; the store must be closed."""
    info = describe(backup_path, passphrase=passphrase)
    aside: Path | None = None
    if store_path.exists():
        stamp = datetime.now(UTC).strftime(STAMP)
        aside = store_path.with_name(f"{store_path.stem}.damaged-{stamp}{store_path.suffix}")
        for extra in ("-wal", "-shm"):
            side = store_path.with_name(store_path.name + extra)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + extra))
        os.replace(store_path, aside)
    try:
        backup_file(backup_path, store_path, passphrase=passphrase)
    except BackupError:
        if aside is not None and not store_path.exists():
            os.replace(aside, store_path)  # put the damaged file back: nothing changed
        raise
    return info, aside


# --- automatic backups -------------------------------------------------------------------

AUTO_INTERVAL = timedelta(minutes=30)


def backup_folder(store_path: Path) -> Path:
    """Where automatic backups of the store at `store_path` go."""
    return store_path.parent / "backups"


def latest_backup(folder: Path) -> datetime | None:
    found = backups_in(folder)
    return max(found) if found else None


def latest_good_backup(
    folders: Iterable[Path], *, passphrase: str | None = None
) -> BackupInfo | None:
    """The newest backup in `folders` that passes `describe` (intact, ours, not newer)."""
    found: dict[datetime, Path] = {}
    for folder in folders:
        found.update(backups_in(folder))
    for at in sorted(found, reverse=True):
        try:
            return describe(found[at], passphrase=passphrase)
        except BackupError:
            continue
    return None


def mirror(
    backup_path: Path,
    folder: Path,
    retention: Retention = Retention(),
    *,
    passphrase: str | None = None,
) -> Path:
    """A copy of a finished backup (not a live store) in a second folder, which is then
    thinned like the first."""
    target = backup_file(backup_path, folder / backup_path.name, passphrase=passphrase)
    thin(folder, retention)
    return target


@dataclass
class AutoBackup:
    """When an automatic backup is due (the decisions only; the GUI does the timing).

    `last` is when the newest backup was made, `backed_up` the store's change counter
    (`Store.changes`) when it was taken; `tz` the branch's zone, whose day decides
    "once a day"."""

    last: datetime | None = None
    backed_up: int = 0
    tz: str = "Asia/Shanghai"
    interval: timedelta = AUTO_INTERVAL

    def due_at_start(self, now: datetime) -> bool:
        """At startup: when no backup was made today (the branch's today)."""
        if self.last is None:
            return True
        zone = ZoneInfo(self.tz)
        return self.last.astimezone(zone).date() < now.astimezone(zone).date()

    def due_while_working(self, now: datetime, changes: int) -> bool:
        """While the app runs: after changes, and at most once every `interval`."""
        if changes == self.backed_up:
            return False
        return self.last is None or now - self.last >= self.interval

    def due_at_exit(self, changes: int) -> bool:
        """On exit: whenever something changed since the last backup."""
        return changes != self.backed_up

    def made(self, at: datetime, changes: int) -> None:
        self.last = at
        self.backed_up = changes
