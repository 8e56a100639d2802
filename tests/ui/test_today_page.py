"""The Today page's weekly card: the branch's count (supervisor) or one's own state
(manager), the deadline and the time left; a click asks for the Weekly page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Store
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import SummaryText
from app.ui.today_page import TodayPage, time_left_text

W48 = date(2026, 11, 23)
# 09:00 on Friday 27 November 2026 in Shanghai; summaries are due at 17:30.
FRIDAY_0900 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(FRIDAY_0900, tick=False):
        yield


@pytest.fixture
def team(store: Store, make_manager: Callable[..., Actor]) -> tuple[Actor, Actor]:
    """张三 has handed W48 in; 李四 has nothing saved."""
    zhang, li = make_manager("A001", "张三"), make_manager("A002", "李四")
    assert zhang.staff_id is not None
    with store.transaction() as s:
        weekly.save_draft(s, zhang, zhang.staff_id, W48, SummaryText(services="回访 3 户"), [])
        weekly.submit(s, zhang, zhang.staff_id, W48)
    return zhang, li


def page_for(qtbot: QtBot, store: Store, actor: Actor) -> TodayPage:
    page = TodayPage(store, actor)
    qtbot.addWidget(page)
    return page


def shown(page: TodayPage) -> list[str]:
    return [label.text() for label in page.weekly_lines if not label.isHidden()]


def test_time_left() -> None:
    due = FRIDAY_0900 + timedelta(hours=8, minutes=30)
    assert time_left_text(due, FRIDAY_0900) == "还剩 8 小时 30 分钟"
    assert time_left_text(due, FRIDAY_0900 - timedelta(days=2)) == "还剩 2 天 8 小时"
    assert time_left_text(due, due + timedelta(seconds=1)) == "已过截止时间"


def test_supervisor_sees_the_branchs_week(
    qtbot: QtBot, store: Store, supervisor: Actor, team: tuple[Actor, Actor]
) -> None:
    page = page_for(qtbot, store, supervisor)
    assert shown(page) == [
        "2026-W48：已提交 1/2，缺交 1 人",
        "截止时间 周五17:30 · 还剩 8 小时 30 分钟",
        "报市场部的汇总尚未生成。",
    ]
    with store.transaction() as s:
        weekly.record_rollup(s, supervisor, W48, "pdf", "汇总.pdf", "0" * 64)
    page.refresh()
    assert shown(page)[2] == "报市场部的汇总已于周五09:00生成。"


def test_manager_sees_their_own_summary(
    qtbot: QtBot, store: Store, team: tuple[Actor, Actor]
) -> None:
    zhang, li = team
    assert shown(page_for(qtbot, store, zhang)) == [
        "2026-W48：我的周报 — 已提交",
        "截止时间 周五17:30 · 还剩 8 小时 30 分钟",
    ]
    assert shown(page_for(qtbot, store, li))[0] == "2026-W48：我的周报 — 未提交"


def test_clicking_the_card_asks_for_the_weekly_page(
    qtbot: QtBot, store: Store, supervisor: Actor
) -> None:
    page = page_for(qtbot, store, supervisor)
    page.resize(900, 900)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.openWeekly, timeout=1000):
        qtbot.mouseClick(page.weekly_card, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.openWeekly, timeout=1000):
        page.weekly_button.click()
