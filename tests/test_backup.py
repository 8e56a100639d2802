"""Backups: the online backup API, integrity-checked, all or nothing; Anki-style thinning
over a simulated year."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import backup
from app.backup import BackupError, Retention
from app.db import Store
from app.services.auth import Actor

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_backup_copies_a_live_store_whole(store: Store, supervisor: Actor, tmp_path: Path) -> None:
    source = store.path
    assert source is not None
    target = backup.backup_file(source, tmp_path / "b" / "copy.sqlite3")
    assert counts(target) == counts(source)
    assert counts(target)["branch"] == 1
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(tmp_path.rglob("*.part"))


def test_a_failed_backup_leaves_the_previous_one(tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"the previous backup")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BackupError):
        backup.backup_file(junk, target)
    assert target.read_bytes() == b"the previous backup"
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(BackupError):
        backup.backup_file(tmp_path / "missing.sqlite3", target)


def test_names_round_trip() -> None:
    assert backup.parse_name(backup.backup_name(START)) == START
    assert backup.parse_name("branchdesk-notastamp.sqlite3") is None
    assert backup.parse_name("notes.txt") is None


def test_thinning_over_a_simulated_year() -> None:
    """Three backups a day for a year, thinned every day as the app would."""
    kept: set[datetime] = set()
    for n in range(365):
        day = START + timedelta(days=n)
        kept |= {day, day + timedelta(hours=4), day + timedelta(hours=8)}
        kept = backup.keep(kept)
        assert len(kept) <= 12 + 10 + 9
        assert max(kept) == day + timedelta(hours=8)  # the newest is always kept
    last = START + timedelta(days=364)
    days = {k.date() for k in kept}
    # The newest backup of each of the last 12 days, and only the newest of each day.
    assert {(last - timedelta(days=d)).date() for d in range(12)} <= days
    assert len(days) == len(kept)
    weeks = {k.isocalendar()[:2] for k in kept}
    months = {(k.year, k.month) for k in kept}
    assert len(weeks) >= 10 and len(months) == 9
    assert min(kept) >= datetime(2026, 4, 1, tzinfo=UTC)  # nothing older than 9 months


def test_retention_is_configurable() -> None:
    stamps = [START + timedelta(days=n) for n in range(100)]
    assert len(backup.keep(stamps, Retention(daily=3, weekly=0, monthly=0))) == 3
    assert backup.keep([], Retention()) == set()


def test_make_backup_thins_the_folder(store: Store, supervisor: Actor, tmp_path: Path) -> None:
    assert store.path is not None
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not ours")
    for n in range(20):
        backup.make_backup(store.path, folder, START + timedelta(days=n), Retention(5, 0, 0))
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 6 and "notes.txt" in names
    assert backup.backup_name(START + timedelta(days=19)) in names


def test_describe_previews_and_refuses_a_newer_backup(
    store: Store, supervisor: Actor, tmp_path: Path
) -> None:
    assert store.path is not None
    saved = backup.make_backup(store.path, tmp_path, START)
    info = backup.describe(saved)
    assert info.made_at == START and info.branches == ["测试网点"]
    assert info.counts["staff"] == 0
    newer = backup.backup_file(store.path, tmp_path / "newer.sqlite3")
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(BackupError, match="newer"):
        backup.describe(newer)
