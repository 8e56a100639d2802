"""The main window: navigation, shortcuts, status bar, remembered page; the Today page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import delete

from app.db import Store
from app.models import CalendarYear
from app.services import calendar
from app.services.auth import Actor
from app.ui.main_window import PAGES, MainWindow
from app.ui.meetings_page import MeetingsPage
from app.ui.settings_page import SettingsPage
from app.ui.today_page import TodayPage
from app.ui.weekly_page import WeeklyPage

# 09:00 on Friday 27 November 2026 in Shanghai (01:00 UTC).
FRIDAY = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(FRIDAY, tick=False):
        yield


@pytest.fixture
def open_window(qtbot: QtBot, store: Store) -> Callable[[Actor], MainWindow]:
    def make(actor: Actor) -> MainWindow:
        window = MainWindow(store, actor, idle_timeout_ms=600_000)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    return make


def test_ctrl_number_switches_pages(
    qtbot: QtBot, frozen: None, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    assert window.current_page_key() == "today"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "今日",
        "会议",
        "考勤",
        "周报",
        "员工",
        "报表",
        "设置",
    ]
    for number, spec in reversed(list(enumerate(PAGES, start=1))):
        qtbot.keyClick(
            window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier
        )
        assert window.current_page_key() == spec.key
        assert window.pages.currentWidget() is window.page(spec.key)
        assert window.nav.currentItem().text() == window.page_actions[spec.key].text()
    assert isinstance(window.page("meetings"), MeetingsPage)
    assert isinstance(window.page("weekly"), WeeklyPage)
    assert isinstance(window.page("settings"), SettingsPage)


def test_clicking_the_navigation_shows_the_page(
    qtbot: QtBot, frozen: None, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    item = window.nav.item(6)
    rect = window.nav.visualItemRect(item)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "settings"


def test_status_bar_shows_store_and_user(
    frozen: None, store: Store, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    assert window.location_label.text() == f"数据：{store.location()}"
    assert window.user_label.text() == "当前用户：王主管（主管）"
    assert window.windowTitle() == "网点管家 — 测试网点"


def test_last_page_is_remembered(
    qtbot: QtBot, frozen: None, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    window.show_page("reports")
    window.close()
    again = open_window(supervisor)
    assert again.current_page_key() == "reports"


def test_sign_out_and_quit_say_what_comes_next(
    qtbot: QtBot, frozen: None, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    with qtbot.waitSignal(window.closed) as signed_out:
        window.sign_out_action.trigger()
    assert signed_out.args == [True]
    window = open_window(supervisor)
    with qtbot.waitSignal(window.closed) as quit_:
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert quit_.args == [False]
    assert not window.isVisible()


def test_today_shows_the_branch_date_and_working_day(
    frozen: None, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    page = window.page("today")
    assert isinstance(page, TodayPage)
    assert page.branch_name.text() == "测试网点"
    assert page.date_label.text() == "2026年11月27日 星期五"
    assert page.working_label.text() == "今天是工作日。"


def test_today_on_a_holiday_says_why(
    store: Store, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    with store.transaction() as session:
        calendar.set_day(session, supervisor, date(2026, 10, 1), "holiday", "国庆节")
    # 23:30 UTC on 30 September is already 1 October in Shanghai.
    with time_machine.travel(datetime(2026, 9, 30, 23, 30, tzinfo=UTC), tick=False):
        window = open_window(supervisor)
        page = window.page("today")
        assert isinstance(page, TodayPage)
        assert page.date_label.text() == "2026年10月1日 星期四"
        assert page.working_label.text() == "今天休息。"
        assert page.reason_label.isVisible()
        assert "国庆节" in page.reason_label.text()
        assert not page.banner.isVisible()


def test_calendar_warning_banner_leads_to_the_calendar(
    qtbot: QtBot,
    frozen: None,
    store: Store,
    supervisor: Actor,
    open_window: Callable[[Actor], MainWindow],
) -> None:
    with store.transaction() as session:
        session.execute(delete(CalendarYear).where(CalendarYear.year == 2027))
    window = open_window(supervisor)
    page = window.page("today")
    assert isinstance(page, TodayPage)
    assert page.banner.isVisible()
    assert "2027" in page.banner.label.text()

    qtbot.mouseClick(page.banner.button, Qt.MouseButton.LeftButton)
    assert window.current_page_key() == "settings"
    settings_page = window.page("settings")
    assert isinstance(settings_page, SettingsPage)
    assert settings_page.tabs.currentWidget() is settings_page.calendar
    assert settings_page.calendar.year.value() == 2027

    # Marking 2027 as entered silences the warning on Today.
    qtbot.mouseClick(settings_page.calendar.mark_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "today"
    assert not page.banner.isVisible()


def test_manager_sees_settings_read_only(
    frozen: None,
    make_manager: Callable[..., Actor],
    open_window: Callable[[Actor], MainWindow],
) -> None:
    manager = make_manager("A001", "张伟")
    window = open_window(manager)
    assert window.user_label.text() == "当前用户：张伟（客户经理）"
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    assert not page.general.spins["idle_lock_minutes"].isEnabled()
    assert page.calendar.add_button.isHidden()
    assert page.calendar.import_button.isHidden()


def test_today_lists_todays_meetings_and_opens_the_roll_call(
    qtbot: QtBot, frozen: None, supervisor: Actor, open_window: Callable[[Actor], MainWindow]
) -> None:
    window = open_window(supervisor)
    today = window.page("today")
    assert isinstance(today, TodayPage)
    texts = [
        today.meeting_rows.itemAt(i).widget().findChildren(QLabel)[0].text()  # type: ignore[union-attr]
        for i in range(today.meeting_rows.count())
    ]
    assert any("08:30–08:50" in t and "每日晨会" in t for t in texts)
    first = today.meeting_rows.itemAt(0).widget()  # type: ignore[union-attr]
    buttons = {b.text(): b for b in first.findChildren(QPushButton)}
    qtbot.mouseClick(buttons["点名与纪要"], Qt.MouseButton.LeftButton)
    page = window.page("meetings")
    assert window.current_page_key() == "meetings"
    assert isinstance(page, MeetingsPage) and page.selected() is not None
    assert page.selected().kind == "morning"  # type: ignore[union-attr]
