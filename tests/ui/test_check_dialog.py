"""File → Check data: "no problems", or the list, copyable."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services.auth import Actor
from app.ui.check_dialog import CheckDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import Messages


def test_check_data_from_the_menu_finds_nothing(
    qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages
) -> None:
    window = MainWindow(store, supervisor, idle_timeout_ms=600_000)
    qtbot.addWidget(window)
    assert window.check_action.isEnabled()
    window.check_action.trigger()
    dialog = window.current_dialog
    assert isinstance(dialog, CheckDialog)
    assert dialog.problems == []
    assert not dialog.progress.isVisible() and not dialog.report.isVisible()
    assert dialog.status.text() in (
        "No problems found: the data file is intact.",
        "未发现问题：数据文件完好。",
    )
    dialog.reject()


def test_check_data_lists_problems_copyably(
    qtbot: QtBot, store: Store, supervisor: Actor, messages: Messages
) -> None:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:  # behind the app's back, foreign keys off
        conn.execute("UPDATE app_user SET branch_id = 4242")
    conn.close()
    dialog = CheckDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    assert dialog.problems and any("app_user" in p for p in dialog.problems)
    assert dialog.report.isVisible() and dialog.report.isReadOnly()
    assert "app_user" in dialog.report.toPlainText()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "app_user" in QGuiApplication.clipboard().text()


def test_a_manager_cannot_check_or_restore(
    qtbot: QtBot, store: Store, make_manager: object, messages: Messages
) -> None:
    manager = make_manager("A001", "张三")  # type: ignore[operator]
    window = MainWindow(store, manager, idle_timeout_ms=600_000)
    qtbot.addWidget(window)
    assert not window.check_action.isEnabled() and not window.backups_action.isEnabled()
    assert window.backup_action.isEnabled()
