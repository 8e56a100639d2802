"""File → Back up now and Backups and restore: the acceptance test "a restore from the
GUI works on the demo branch", refusals, the second folder and failed automatic backups."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app import backup, i18n
from app.db import open_store
from app.services import staff
from app.ui import backup_dialog
from app.ui.app import Shell
from app.ui.backup_dialog import BackupsDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import Messages

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.services.demo import ensure_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    i18n.set_language("zh_CN")
    with time_machine.travel(NOW, tick=False):
        store = open_store(f"sqlite:///{path}")
        with store.transaction() as session:
            ensure_demo(session)
        store.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "data" / "demo.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def staff_numbers(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = {r[0] for r in conn.execute("SELECT employee_no FROM staff")}
    conn.close()
    return rows


def sign_in(qtbot: QtBot, shell: Shell, user: str = "demo", password: str = "demo") -> MainWindow:
    qtbot.waitUntil(lambda: shell.login.sign_in_button.isEnabled())
    shell.login.username.clear()
    qtbot.keyClicks(shell.login.username, user)
    qtbot.keyClicks(shell.login.password, password)
    qtbot.keyClick(shell.login.password, Qt.Key.Key_Return)
    assert shell.window is not None
    return shell.window


def test_restore_from_the_gui_on_the_demo_branch(
    qtbot: QtBot, demo_path: Path, messages: Messages, clock: time_machine.Coordinates
) -> None:
    folder = demo_path.parent / "backups"
    backup.make_backup(demo_path, folder, NOW - timedelta(days=1))
    shell = Shell(f"sqlite:///{demo_path}", idle_timeout_ms=600_000)
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert max(backup.backups_in(folder)) == NOW  # the first start of the day made one
    window = sign_in(qtbot, shell)
    before = staff_numbers(demo_path)

    clock.shift(timedelta(minutes=5))
    window.backup_action.trigger()  # File → Back up now
    assert messages.infos and "backups" in messages.infos[-1]
    made = backup.latest_backup(folder)
    assert made == NOW + timedelta(minutes=5)

    clock.shift(timedelta(minutes=5))
    assert shell.store is not None
    with shell.store.transaction() as session:
        staff.add_staff(session, window.actor, staff.StaffInput("X999", "新来的"))
    assert "X999" in staff_numbers(demo_path)

    window.backups_action.trigger()  # File → Backups and restore…
    dialog = window.current_dialog
    assert isinstance(dialog, BackupsDialog)
    assert dialog.list.count() == 2 and dialog.list.currentRow() == 0
    assert "10:05" in dialog.list.item(0).text()  # newest first, in the branch's zone
    assert "演示网点" in dialog.preview.text()
    assert "12" in dialog.preview.text()  # the demo's staff

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert messages.questions and "演示网点" in messages.questions[-1]
    assert "10:05" in messages.questions[-1]
    # The shell closed the main window and the store, restored, reopened: back at login.
    assert shell.window is None and shell.login.isVisible()
    assert shell.store is not None and not shell.store.read_only
    assert staff_numbers(demo_path) == before
    info = messages.infos[-1]
    assert "演示网点" in info
    [safety] = [p for p in backup.backups_in(folder).values() if "X999" in staff_numbers(p)]
    assert str(safety) in info

    window = sign_in(qtbot, shell)  # the restored data signs in as before
    assert window.actor.username == "demo"
    window.close()
    shell.close()


def test_refusals_show_the_reason_and_change_nothing(
    qtbot: QtBot,
    demo_path: Path,
    messages: Messages,
    clock: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    shell = Shell(f"sqlite:///{demo_path}", idle_timeout_ms=600_000)
    qtbot.addWidget(shell.login)
    shell.open_store()
    window = sign_in(qtbot, shell)
    before = staff_numbers(demo_path)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 500)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (x)")
    conn.close()
    window.backups_action.trigger()
    dialog = window.current_dialog
    assert isinstance(dialog, BackupsDialog)
    for bad in (junk, foreign):
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", lambda *_a, bad=bad, **_k: (str(bad), "")
        )
        qtbot.mouseClick(dialog.from_file_button, Qt.MouseButton.LeftButton)
        assert bad.name in messages.errors[-1]
    assert len(messages.errors) == 2 and not messages.questions
    assert shell.window is window and staff_numbers(demo_path) == before
    messages.answer = False  # a good backup, but the user says no
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(messages.questions) == 1 and shell.window is window
    window.close()
    shell.close()


def test_second_folder_gets_a_copy_or_a_note_when_missing(
    qtbot: QtBot,
    demo_path: Path,
    messages: Messages,
    clock: time_machine.Coordinates,
    tmp_path: Path,
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    backup_dialog.set_second_folder(usb)
    shell = Shell(f"sqlite:///{demo_path}", idle_timeout_ms=600_000)
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert [p.name for p in usb.iterdir()] == [backup.backup_name(NOW)]
    window = sign_in(qtbot, shell)
    window.backups_action.trigger()
    dialog = window.current_dialog
    assert isinstance(dialog, BackupsDialog)
    assert str(usb) in dialog.second_label.text()
    assert dialog.list.count() == 2  # the same backup in both folders
    dialog.reject()

    usb.rename(tmp_path / "unplugged")
    clock.shift(timedelta(hours=1))
    window.backup_action.trigger()
    assert "backups" in messages.infos[-1] and not messages.errors
    assert str(usb) in window.statusBar().currentMessage()  # a note, not a failure
    window.close()
    shell.close()


def test_a_failed_automatic_backup_warns_without_stopping_the_work(
    qtbot: QtBot, demo_path: Path, messages: Messages, clock: time_machine.Coordinates
) -> None:
    shell = Shell(f"sqlite:///{demo_path}", idle_timeout_ms=600_000)
    qtbot.addWidget(shell.login)
    shell.open_store()
    window = sign_in(qtbot, shell)
    scheduler = shell.backups
    assert scheduler is not None and window.backups is scheduler
    assert not scheduler.state.due_while_working(NOW, shell.store.changes if shell.store else 0)
    # Changes, 30 minutes later: the timer's next tick backs up; the folder is now a file.
    folder = demo_path.parent / "backups"
    shutil.rmtree(folder)
    folder.write_text("in the way")
    clock.shift(timedelta(minutes=31))
    scheduler.tick()
    assert window.backup_warning.isVisible()
    assert "backups" in window.backup_warning.toolTip()
    assert not messages.errors  # no box: the user keeps working
    folder.unlink()
    clock.shift(timedelta(minutes=1))
    scheduler.tick()
    assert not window.backup_warning.isVisible()
    assert backup.latest_backup(folder) == NOW + timedelta(minutes=32)
    window.close()  # quitting: no changes since that backup, so none on exit
    shell.close()
    assert len(backup.backups_in(folder)) == 1


def test_exit_backs_up_after_changes(
    qtbot: QtBot, demo_path: Path, messages: Messages, clock: time_machine.Coordinates
) -> None:
    shell = Shell(f"sqlite:///{demo_path}", idle_timeout_ms=600_000)
    qtbot.addWidget(shell.login)
    shell.open_store()
    window = sign_in(qtbot, shell)  # signing in is a commit (last sign-in time)
    clock.shift(timedelta(minutes=3))
    window.close()
    shell.close()
    folder = demo_path.parent / "backups"
    # The start-up one and the exit one; thinning keeps a day's newest.
    assert sorted(backup.backups_in(folder)) == [NOW + timedelta(minutes=3)]
