"""Start-up checks: quick_check every start, a full check once a day; a damaged data file
opens read-only with an offer to restore the newest good backup."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from pytestqt.qtbot import QtBot

from app import backup
from app.db import Store
from app.services.auth import Actor
from app.ui import backup_dialog
from app.ui.app import Shell
from tests.test_autobackup import damage
from tests.ui.conftest import Messages

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def users(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        n = conn.execute("SELECT count(*) FROM app_user").fetchone()[0]
    conn.close()
    return int(n)


def damaged_store_with_a_backup(store: Store, make_manager: object) -> Path:
    """A backup from yesterday (one user), a manager added since, then a page damaged."""
    path = store.path
    assert path is not None
    backup.make_backup(path, path.parent / "backups", NOW - timedelta(days=1))
    make_manager("A001", "张三")  # type: ignore[operator]
    store.close()
    damage(path)
    return path


def test_a_damaged_store_is_offered_the_latest_good_backup(
    qtbot: QtBot, store: Store, make_manager: object, messages: Messages
) -> None:
    path = damaged_store_with_a_backup(store, make_manager)
    junk = path.parent / "backups" / backup.backup_name(NOW - timedelta(hours=1))
    junk.write_bytes(b"a newer but broken backup" * 200)
    shell = Shell(f"sqlite:///{path}")
    qtbot.addWidget(shell.login)
    shell.open_store()
    [question] = messages.questions
    assert str(path) in question and "测试网点" in question
    assert "2026-11-26 10:00" in question  # the good one, not the broken newer one
    # Restored: the data is yesterday's, no longer read-only, the damaged file kept aside.
    assert shell.store is not None and not shell.store.read_only
    assert users(path) == 1
    [aside] = path.parent.glob("*damaged-*")
    assert str(aside) in messages.infos[-1]
    assert backup_dialog.startup_problems(shell.store) == []
    assert shell.login.sign_in_button.isEnabled()
    shell.close()


def test_declining_keeps_the_damaged_store_read_only(
    qtbot: QtBot, store: Store, make_manager: object, messages: Messages
) -> None:
    path = damaged_store_with_a_backup(store, make_manager)
    before = path.read_bytes()
    messages.answer = False
    shell = Shell(f"sqlite:///{path}")
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert len(messages.questions) == 1
    assert shell.store is not None and shell.store.read_only and shell.damage
    assert shell.backups is not None and not shell.backups.enabled  # no backup of damage
    shell.close()
    assert path.read_bytes() == before
    assert len(backup.backups_in(path.parent / "backups")) == 1


def test_no_good_backup_says_so(
    qtbot: QtBot, store: Store, make_manager: object, messages: Messages
) -> None:
    path = damaged_store_with_a_backup(store, make_manager)
    for old in (path.parent / "backups").iterdir():
        old.unlink()
    shell = Shell(f"sqlite:///{path}")
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert not messages.questions
    assert messages.errors and str(path) in messages.errors[0]
    assert shell.store is not None and shell.store.read_only
    shell.close()


def test_full_check_once_a_day_quick_check_every_start(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    frozen: time_machine.Coordinates,
) -> None:
    full: list[str] = []
    quick: list[str] = []
    real_full, real_quick = backup_dialog.sqlite_problems, backup_dialog.quick_check
    monkeypatch.setattr(
        backup_dialog, "sqlite_problems", lambda s: full.append("x") or real_full(s)
    )
    monkeypatch.setattr(backup_dialog, "quick_check", lambda s: quick.append("x") or real_quick(s))
    for _start in range(3):
        assert backup_dialog.startup_problems(store) == []
    assert (len(quick), len(full)) == (3, 1)
    frozen.shift(timedelta(days=1))
    assert backup_dialog.startup_problems(store) == []
    assert (len(quick), len(full)) == (4, 2)
    assert not messages.errors and not messages.questions


def test_signing_in_to_a_damaged_store_says_why_or_works_read_only(
    qtbot: QtBot, store: Store, make_manager: object, messages: Messages
) -> None:
    path = damaged_store_with_a_backup(store, make_manager)  # the user table is damaged
    messages.answer = False
    shell = Shell(f"sqlite:///{path}")
    qtbot.addWidget(shell.login)
    shell.open_store()
    shell.login.username.setText("boss")
    shell.login.password.setText("secret1")
    shell.login.sign_in_button.click()
    assert shell.login.actor is None
    assert "数据文件已损坏" in shell.login.message.text() or "损坏" in shell.login.message.text()
    shell.close()


def test_a_store_damaged_elsewhere_still_signs_in_read_only(
    qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages
) -> None:
    path = store.path
    assert path is not None
    backup.make_backup(path, path.parent / "backups", NOW - timedelta(days=1))
    store.close()
    damage(path, "meeting_attachment")  # not read until a meeting is opened
    before = path.read_bytes()
    messages.answer = False
    shell = Shell(f"sqlite:///{path}")
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert shell.store is not None and shell.store.read_only
    shell.login.username.setText("boss")
    shell.login.password.setText("secret1")
    shell.login.sign_in_button.click()
    assert shell.login.actor is not None and shell.login.actor.username == "boss"
    window = shell.window
    assert window is not None and window.read_only_banner.isVisibleTo(window)
    assert "不会保存" in window.read_only_banner.label.text()
    window.close()
    shell.close()
    assert path.read_bytes() == before  # not even the sign-in time was written
