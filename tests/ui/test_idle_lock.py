"""Confidentiality: the window locks itself when left alone and shows nothing until unlocked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import settings
from app.services.auth import Actor
from app.ui.idle_lock import IdleWatcher
from app.ui.main_window import MainWindow
from app.ui.settings_page import DayDialog

SUPERVISOR_PASSWORD = "secret1"  # as in tests/conftest.py


def make_window(qtbot: QtBot, store: Store, actor: Actor, idle_ms: int) -> MainWindow:
    window = MainWindow(store, actor, idle_timeout_ms=idle_ms)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def assert_locked(window: MainWindow) -> None:
    assert window.is_locked
    assert window.lock_screen.isVisible()
    assert not window.content.isVisible()
    assert not window.pages.isVisible()
    assert not any(a.isEnabled() for a in window.page_actions.values())


def test_locks_after_idle_and_unlocks_with_the_password(
    qtbot: QtBot, store: Store, supervisor: Actor
) -> None:
    window = make_window(qtbot, store, supervisor, idle_ms=50)
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert_locked(window)
    lock = window.lock_screen

    qtbot.keyClicks(lock.password, "wrong")
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert_locked(window)
    assert lock.message.isVisible()
    assert lock.message.text() == "密码不正确。"
    assert lock.password.text() == ""

    qtbot.keyClicks(lock.password, SUPERVISOR_PASSWORD)
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    assert not window.is_locked
    assert window.content.isVisible() and not lock.isVisible()
    assert all(a.isEnabled() for a in window.page_actions.values())
    assert window.idle.active  # and it will lock again when left alone
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)


def test_ctrl_l_locks_and_closes_open_dialogs(
    qtbot: QtBot, store: Store, supervisor: Actor
) -> None:
    window = make_window(qtbot, store, supervisor, idle_ms=600_000)
    dialog = DayDialog(window, year=2026)
    dialog.show()
    qtbot.waitExposed(dialog)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert_locked(window)
    assert not dialog.isVisible()
    # Page shortcuts do nothing while locked.
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "today"
    assert_locked(window)


def test_sign_out_from_the_lock_screen(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    window = make_window(qtbot, store, supervisor, idle_ms=600_000)
    window.lock()
    with qtbot.waitSignal(window.closed) as closed:
        qtbot.mouseClick(window.lock_screen.sign_out_button, Qt.MouseButton.LeftButton)
    assert closed.args == [True]


def test_activity_keeps_the_window_open(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    window = make_window(qtbot, store, supervisor, idle_ms=600)
    for _ in range(8):  # 8 x 150 ms of typing: well past the timeout in total
        qtbot.wait(150)
        qtbot.keyClick(window.nav, Qt.Key.Key_Home)  # stays on Today: no page to build
    assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=5000)


def test_watcher_timeout_can_change(qtbot: QtBot) -> None:
    watcher = IdleWatcher(600_000)
    watcher.start()
    watcher.set_timeout(30)
    assert watcher.timeout_ms == 30
    with qtbot.waitSignal(watcher.idle, timeout=3000):
        pass
    watcher.deleteLater()


def test_idle_minutes_setting_is_used(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    window = MainWindow(store, supervisor)
    qtbot.addWidget(window)
    assert window.idle.timeout_ms == 10 * 60_000  # the default
    window.close()
    with store.transaction() as session:
        settings.set_value(session, supervisor, "idle_lock_minutes", 3)
    window = MainWindow(store, supervisor)
    qtbot.addWidget(window)
    assert window.idle.timeout_ms == 3 * 60_000
    window.set_idle_minutes(7)  # as Settings does after a change
    assert window.idle.timeout_ms == 7 * 60_000
