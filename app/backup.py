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

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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


def backup_file(source: Path, target: Path) -> Path:
    """Copy the store at `source` to `target` through the backup API; all or nothing."""
    if not source.is_file():
        raise BackupError(_("There is no data file at {path}.").format(path=source))
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(part)
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
    except sqlite3.DatabaseError as exc:
        part.unlink(missing_ok=True)
        raise BackupError(
            _("Cannot back up {path}: {reason}").format(path=source, reason=exc)
        ) from None
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise BackupError(
            _("Cannot write the backup {path}: {reason}").format(
                path=target, reason=exc.strerror or exc
            )
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
    source: Path, folder: Path, now: datetime | None = None, retention: Retention = Retention()
) -> Path:
    """A new backup in `folder`, then the folder thinned."""
    at = (now or datetime.now(UTC)).replace(microsecond=0)
    target = backup_file(source, folder / backup_name(at))
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


def _open_read_only(path: Path) -> sqlite3.Connection:
    # immutable: a backup is not being written; SQLite then needs no -wal/-shm beside it.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def describe(path: Path) -> BackupInfo:
    """Check a backup (readable, intact, ours, not from a newer version) and say what it
    holds; BackupError otherwise."""
    from app.db import known_revisions  # Alembic: only when a restore is asked for

    if not path.is_file():
        raise BackupError(_("There is no backup file at {path}.").format(path=path))
    try:
        conn = _open_read_only(path)
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
    except sqlite3.DatabaseError as exc:
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


def restore(backup_path: Path, store_path: Path, folder: Path) -> tuple[BackupInfo, Path | None]:
    """Replace the store's contents with a backup's. The backup is checked first and the
    current store is itself backed up into `folder`; the copy goes through the backup API
    into the live file, in one transaction: it happens whole or not at all. The caller
    opens the store afterwards (an older backup is then migrated as usual)."""
    info = describe(backup_path)
    safety = make_backup(store_path, folder) if store_path.exists() else None
    try:
        src = _open_read_only(backup_path)
        try:
            store_path.parent.mkdir(parents=True, exist_ok=True)
            dst = sqlite3.connect(store_path)
            try:
                src.backup(dst)
                verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("Cannot restore into {path}: {reason}").format(path=store_path, reason=exc)
        ) from None
    if verdict != "ok":
        raise BackupError(
            _("The restored data failed its integrity check: {verdict}").format(verdict=verdict)
        )
    return info, safety
