"""The crash dialog: a bug writes a report and saves the open drafts; a full disk is
told in plain words without a report."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from app import __version__
from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.ui import crash
from app.ui.crash import CrashDialog, CrashHandler
from app.ui.summary_editor import SummaryEditor

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

W48 = date(2026, 11, 23)
WEDNESDAY = datetime(2026, 11, 25, 8, 5, tzinfo=UTC)


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[CrashHandler]:
    h = CrashHandler(folder=lambda: tmp_path / "logs")
    h.install()
    yield h
    h.uninstall()
    if h.dialog is not None:
        h.dialog.close()


def reports(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "logs").glob("crash-*.txt"))


def boom() -> None:
    raise RuntimeError("a bug in a slot")


@pytest.mark.qt_no_exception_capture
def test_bug_in_a_slot_writes_a_report_saves_the_draft_and_shows_the_dialog(
    qtbot: QtBot,
    store: Store,
    make_manager: Callable[..., Actor],
    handler: CrashHandler,
    tmp_path: Path,
    messages: Messages,
) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        zhang = make_manager("A001", "张三")
        assert zhang.staff_id is not None
        editor = SummaryEditor(store, zhang, zhang.staff_id, W48)
        qtbot.addWidget(editor)
        editor.show()
        edit = editor.text_edits["problems"]
        edit.setFocus()
        qtbot.keyClicks(edit, "draft typed just before the crash")
        assert editor.dirty  # the autosave timer has not fired yet

        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())

    dialog = handler.dialog
    assert isinstance(dialog, CrashDialog)
    [report] = reports(tmp_path)
    assert report.name.startswith("crash-20261125T080500Z")
    assert dialog.path_edit.text() == str(report) and dialog.path_edit.isReadOnly()
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError: a bug in a slot" in text and "boom" in text
    assert __version__ in text and "Python" in text and "Qt" in text
    assert "2026-11-25T08:05:00+00:00" in text
    assert "draft typed" not in text  # the user's text stays out of the report
    assert not editor.dirty
    with store.reading() as s:
        view = weekly.get_summary(s, zhang, zhang.staff_id, W48)
    assert view.text.problems == "draft typed just before the crash"
    assert not messages.errors

    dialog.copy_path()
    assert QApplication.clipboard().text() == str(report)


@pytest.mark.qt_no_exception_capture
def test_one_dialog_at_a_time(qtbot: QtBot, handler: CrashHandler, tmp_path: Path) -> None:
    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: handler.dialog is not None)
    first = handler.dialog
    assert first is not None
    for _n in range(3):
        QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: first.repeats == 3)
    assert handler.dialog is first
    assert len(reports(tmp_path)) == 1
    assert first.repeat_label.isVisibleTo(first)


def test_full_disk_gets_the_plain_message_and_no_report(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path, messages: Messages
) -> None:
    exc = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    handler.handle((type(exc), exc, None))
    assert len(messages.errors) == 1
    assert "磁盘已满" in messages.errors[0] or "disk is full" in messages.errors[0]
    assert handler.dialog is None
    assert reports(tmp_path) == []


def test_a_crash_inside_the_handler_does_not_loop(
    qtbot: QtBot,
    handler: CrashHandler,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[int] = []

    def broken(_info: object, _folder: Path | None = None) -> Path:
        calls.append(1)
        # What would happen if writing the report itself ran into a bug.
        handler.handle((ValueError, ValueError("inner"), None))
        raise KeyError("the handler is broken")

    monkeypatch.setattr(crash, "write_report", broken)
    exc = RuntimeError("outer")
    handler.handle((RuntimeError, exc, None))
    assert calls == [1]
    assert handler.dialog is None
    assert "outer" in capsys.readouterr().err  # told the plain way instead
    assert not handler._handling


def test_a_failing_editor_does_not_stop_the_others(qtbot: QtBot) -> None:
    class Editor(QWidget):
        def __init__(self, fail: bool) -> None:
            super().__init__()
            self.fail, self.saved = fail, False

        def save_draft(self) -> None:
            if self.fail:
                raise OSError("disk gone")
            self.saved = True

    editors = [Editor(False), Editor(True), Editor(False)]
    for e in editors:
        qtbot.addWidget(e)
    assert crash.save_drafts() == (2, 1)
    assert editors[0].saved and editors[2].saved
    dialog = CrashDialog(None, (2, 1))
    qtbot.addWidget(dialog)
    assert not dialog.path_edit.isVisibleTo(dialog)


def test_report_leaves_out_sql_values_and_the_home_folder() -> None:
    try:
        raise OperationalError(
            "UPDATE app_user SET password_hash=?", ("$argon2id$secret-hash",), Exception("x")
        )
    except OperationalError:
        info = sys.exc_info()
    assert info[0] is not None and info[1] is not None
    text = crash.report_text((info[0], info[1], info[2]), "2026-11-25T08:05:00+00:00")
    assert "UPDATE app_user" in text
    assert "secret-hash" not in text
    assert str(Path.home()) not in text


@pytest.mark.qt_no_exception_capture
def test_error_on_a_worker_thread_reaches_the_dialog(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    worker = threading.Thread(target=boom, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: handler.dialog is not None)
    [report] = reports(tmp_path)
    assert "a bug in a slot" in report.read_text(encoding="utf-8")
