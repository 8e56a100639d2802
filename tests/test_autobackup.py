"""Automatic backups: when one is due (pure decisions), the second folder, the newest good
backup, restoring over a damaged file; the start-up checks and read-only opening in db."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import backup
from app.backup import AutoBackup, BackupError
from app.db import Store, open_store, quick_check
from app.services.auth import Actor

# 23:30 UTC on Thursday is 07:30 on Friday in Shanghai.
LATE_THURSDAY_UTC = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)


def damage(path: Path, table: str = "app_user") -> None:
    """Garbage over one page in the middle of a closed store (a table's root page)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert 1 < root < pages
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xa5garbage!" * (page_size // 9))


def test_due_at_start_once_a_day_in_the_branch_zone() -> None:
    assert AutoBackup().due_at_start(LATE_THURSDAY_UTC)  # never backed up
    state = AutoBackup(last=LATE_THURSDAY_UTC - timedelta(hours=1))  # 06:30 Friday there
    assert not state.due_at_start(LATE_THURSDAY_UTC)
    # 15:59 UTC Thursday is 23:59 Thursday in Shanghai: yesterday there, though the same
    # UTC day.
    state = AutoBackup(last=datetime(2026, 11, 26, 15, 59, tzinfo=UTC))
    assert state.due_at_start(LATE_THURSDAY_UTC)
    assert not AutoBackup(last=state.last, tz="UTC").due_at_start(LATE_THURSDAY_UTC)


def test_due_while_working_after_changes_at_most_every_30_minutes() -> None:
    now = LATE_THURSDAY_UTC
    state = AutoBackup(last=now, backed_up=3)
    assert not state.due_while_working(now + timedelta(hours=5), 3)  # nothing changed
    assert not state.due_while_working(now + timedelta(minutes=29), 4)
    assert state.due_while_working(now + timedelta(minutes=30), 4)
    state.made(now + timedelta(minutes=30), 4)
    assert not state.due_while_working(now + timedelta(minutes=45), 9)
    assert AutoBackup(last=None, backed_up=0).due_while_working(now, 1)


def test_due_at_exit_whenever_something_changed() -> None:
    state = AutoBackup(last=LATE_THURSDAY_UTC, backed_up=2)
    assert not state.due_at_exit(2)
    assert state.due_at_exit(3)
    state.made(LATE_THURSDAY_UTC, 3)
    assert not state.due_at_exit(3)


def test_a_working_day_simulated() -> None:
    """Commits every minute from 09:00 to 17:00: a backup every 30 minutes, not more."""
    start = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    state = AutoBackup()
    made = []
    changes = 0
    if state.due_at_start(start):
        state.made(start, changes)
        made.append(start)
    for minute in range(1, 8 * 60 + 1):
        changes += 1
        now = start + timedelta(minutes=minute)
        if state.due_while_working(now, changes):
            state.made(now, changes)
            made.append(now)
    assert len(made) == 1 + 16
    assert all(b - a >= timedelta(minutes=30) for a, b in itertools.pairwise(made))
    assert not state.due_at_exit(changes)


def test_latest_good_backup_skips_damaged_and_foreign_ones(
    store: Store, supervisor: Actor, tmp_path: Path
) -> None:
    assert store.path is not None
    folder = tmp_path / "backups"
    assert backup.latest_good_backup([folder]) is None
    good = backup.make_backup(store.path, folder, LATE_THURSDAY_UTC)
    newer = folder / backup.backup_name(LATE_THURSDAY_UTC + timedelta(hours=1))
    newer.write_bytes(b"not a database" * 400)
    info = backup.latest_good_backup([folder, tmp_path / "missing"])
    assert info is not None and info.path == good and info.branches == ["测试网点"]
    assert backup.latest_backup(folder) == LATE_THURSDAY_UTC + timedelta(hours=1)


def test_mirror_copies_and_thins_the_second_folder(
    store: Store, supervisor: Actor, tmp_path: Path
) -> None:
    assert store.path is not None
    usb = tmp_path / "usb"
    for n in range(15):
        made = backup.make_backup(
            store.path, tmp_path / "backups", LATE_THURSDAY_UTC + timedelta(days=n)
        )
        backup.mirror(made, usb)
    names = {p.name for p in usb.iterdir()}
    assert names == {p.name for p in (tmp_path / "backups").iterdir()}
    assert len(names) == 12  # the last 12 days (their weeks' and months' newest among them)


def test_restore_over_a_damaged_store_keeps_the_damaged_file(
    store: Store, supervisor: Actor, make_manager: object, tmp_path: Path
) -> None:
    path = store.path
    assert path is not None
    saved = backup.make_backup(path, tmp_path / "backups", LATE_THURSDAY_UTC)
    make_manager("A001", "张三")  # type: ignore[operator]
    store.close()
    damage(path)
    broken = open_store(f"sqlite:///{path}")
    assert quick_check(broken)
    broken.close()
    info, aside = backup.restore_over_damaged(saved, path)
    assert info.branches == ["测试网点"] and aside is not None and aside.exists()
    assert "damaged" in aside.name
    restored = open_store(f"sqlite:///{path}")
    try:
        assert quick_check(restored) == []
        with restored.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM app_user").scalar() == 1
    finally:
        restored.close()


def test_restore_over_damaged_refuses_a_bad_backup_and_changes_nothing(tmp_path: Path) -> None:
    store_file = tmp_path / "store.sqlite3"
    store_file.write_bytes(b"damaged but precious" * 100)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"junk" * 1000)
    with pytest.raises(BackupError):
        backup.restore_over_damaged(junk, store_file)
    assert store_file.read_bytes() == b"damaged but precious" * 100
    assert [p.name for p in tmp_path.iterdir() if "damaged-" in p.name] == []


def test_restore_of_a_backup_made_the_same_second_keeps_it(
    store: Store, supervisor: Actor, make_manager: object, tmp_path: Path
) -> None:
    import time_machine

    assert store.path is not None
    folder = tmp_path / "backups"
    with time_machine.travel(LATE_THURSDAY_UTC, tick=False):
        saved = backup.make_backup(store.path, folder)
        make_manager("A001", "张三")  # type: ignore[operator]
        store.close()
        _info, safety = backup.restore(saved, store.path, folder)
    assert safety is not None and safety != saved and saved.exists()
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] == 1
    conn.close()


def test_quick_check_and_read_only_opening(store: Store, supervisor: Actor) -> None:
    path = store.path
    assert path is not None
    assert quick_check(store) == []
    assert not store.read_only
    store.close()
    before = path.read_bytes()
    ro = open_store(f"sqlite:///{path}", read_only=True)
    try:
        assert ro.read_only and quick_check(ro) == []
        with ro.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM app_user").scalar() == 1
        # Screens that write as they open keep working, on a copy in memory ...
        with ro.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM app_user")
        with ro.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM app_user").scalar() == 0
    finally:
        ro.close()
    assert path.read_bytes() == before  # ... and the file itself is never written
